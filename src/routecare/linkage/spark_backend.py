"""Apache Spark engine for regional batch runs: the candidate-pair join runs on Spark.

Blocking is the step whose cost grows with the square of the data (every key's left rows
times its right rows), so it is the one handed to Spark; the pairs come back as two index
arrays and go through the same model, scoring and one-to-one assignment as the in-process
engine, which is why both engines return the same links. Scoring on Spark executors is the
next step once single-driver scoring becomes the bottleneck.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from routecare.linkage.encoded import EncodedSet
from routecare.linkage.matching import MAX_BLOCK


def _key_rows(spark: SparkSession, encoded: EncodedSet, side: str) -> DataFrame:
    """(key, row) for every blocking key, without blocks over MAX_BLOCK rows on this side."""
    rows = [(key, row) for row, keys in enumerate(encoded.record_blocks) for key in set(keys)]
    frame = spark.createDataFrame(rows, schema=f"key string, {side} long")
    sizes = frame.groupBy("key").count().where(F.col("count") <= MAX_BLOCK).select("key")
    return frame.join(sizes, "key")


def spark_blocking(
    spark: SparkSession,
) -> Callable[[EncodedSet, EncodedSet], tuple[np.ndarray, np.ndarray]]:
    """A blocking function for `matching.link` that joins keyed blocking keys on Spark."""

    def blocking(left: EncodedSet, right: EncodedSet) -> tuple[np.ndarray, np.ndarray]:
        pairs = (
            _key_rows(spark, left, "left_row")
            .join(_key_rows(spark, right, "right_row"), "key")
            .select("left_row", "right_row")
            .distinct()
            .orderBy("left_row", "right_row")
            .collect()
        )
        if not pairs:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        array = np.asarray(pairs, dtype=np.int64)
        return array[:, 0], array[:, 1]

    return blocking
