"""Apache Spark engine for regional batch runs: the same linkage as `matching.link`, with the
pair join, the comparison and the scoring on Spark executors.

What grows with the square of the data runs on Spark: the join of keyed blocking keys into
candidate pairs, and comparing and scoring every pair. Each executor scores its partitions of
pairs with `matching.score_pairs` on the two encoded sets, shipped once as broadcast
variables, and sends back only the pairs likely enough to compete for a record
(`matching.COMPETING`). The driver keeps what is small: fitting the model, and making the
returned scores exclusive and assigning them one-to-one (`matching.links_of`). The code that
compares and scores is the in-process engine's, so both engines return the same links.

The model is fitted on the driver over all candidate pairs when there are at most
`matching.TRAINING_PAIRS` (4M), otherwise over the pairs of the left records
`matching.training_sample` draws (the in-process engine's rule), gathered by a Spark join.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np

from routecare.linkage.spark_extra import SparkNotInstalled

try:
    import pandas as pd  # type: ignore[import-untyped]  # no stubs in the lock
    import pyarrow as pa  # type: ignore[import-untyped]
    from pyspark import Broadcast
    from pyspark.sql import DataFrame, SparkSession
except ImportError as missing:
    raise SparkNotInstalled(missing.name) from missing

from routecare.linkage.encoded import EncodedSet
from routecare.linkage.matching import (
    COMPETING,
    MAX_BLOCK,
    TRAINING_PAIRS,
    Link,
    fit,
    links_of,
    score_pairs,
    training_sample,
)

if TYPE_CHECKING:
    from routecare.linkage.model import Model

PAIRS_PER_TASK = 250_000  # enough work per task to outweigh its start-up, few tasks per core
SCORED_SCHEMA = "left_row long, right_row long, score double"


@contextmanager
def spark_session(master: str) -> Iterator[SparkSession]:
    """A Spark session for one linkage run: no web UI, shuffle partitions matched to the
    cores (Spark's default of 200 is for clusters). A session already active in this process
    (a notebook, spark-submit, a test) is used as it is and left running."""
    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    if master.startswith("local"):
        # Local executors must run this interpreter, the one that has routecare, not the first
        # `python3` on PATH; a cluster's executors get theirs from PYSPARK_PYTHON as usual.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master(master)
        .appName("routecare-linkage")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.conf.set("spark.sql.shuffle.partitions", str(2 * _cores(session)))
    try:
        yield session
    finally:
        session.stop()


def _cores(spark: SparkSession) -> int:
    return int(spark.sparkContext.defaultParallelism)


def _key_rows(spark: SparkSession, encoded: EncodedSet, side: str) -> DataFrame:
    """(key, row) for every blocking key of one side, without blocks over MAX_BLOCK rows:
    the driver holds the block index already, so the size cut needs no Spark job."""
    first, stop = encoded.blocks_of(encoded.block_keys)
    small = stop - first <= MAX_BLOCK
    keys, rows = encoded.block_keys[small], encoded.block_rows()[small]
    table = pa.table({"key": pa.array(keys, pa.int64()), side: pa.array(rows, pa.int64())})
    return spark.createDataFrame(table)


def _candidate_pairs(spark: SparkSession, left: EncodedSet, right: EncodedSet) -> DataFrame:
    """Distinct (left_row, right_row) pairs sharing a keyed blocking key, as
    `matching.candidate_pairs` finds them in-process."""
    return (
        _key_rows(spark, left, "left_row")
        .join(_key_rows(spark, right, "right_row"), "key")
        .select("left_row", "right_row")
        .distinct()
    )


def _sorted_arrays(pairs: DataFrame) -> tuple[np.ndarray, ...]:
    """Columns of a small frame as NumPy arrays in (left_row, right_row) order, the order
    the in-process engine works in, so that fitting and tie-breaking are the same."""
    table = pairs.toArrow()
    columns = [table.column(name).to_numpy() for name in table.column_names]
    order = np.lexsort((columns[1], columns[0]))
    return tuple(column[order] for column in columns)


def _fitting_pairs(
    spark: SparkSession, pairs: DataFrame, count: int, left_rows: int, fit_pairs: int
) -> tuple[tuple[np.ndarray, ...], int]:
    """The pairs to fit the model on, chosen by `matching.training_sample`, and how many left
    records they belong to."""
    sampled = training_sample(left_rows, count, fit_pairs)
    if sampled.all():
        return _sorted_arrays(pairs), left_rows
    rows = pa.array(np.flatnonzero(sampled), pa.int64())
    records = spark.createDataFrame(pa.table({"left_row": rows}))
    return _sorted_arrays(pairs.join(records, "left_row", "left_semi")), int(sampled.sum())


def _scorer(
    model: Model, left: Broadcast[EncodedSet], right: Broadcast[EncodedSet]
) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """What each executor runs over its batches of pairs: score them, keep those that can
    compete for a record (a small share), so little travels back to the driver."""

    def score(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            li, ri = batch["left_row"].to_numpy(), batch["right_row"].to_numpy()
            scores = score_pairs(model, left.value, right.value, li, ri)
            keep = scores >= COMPETING
            yield pd.DataFrame({"left_row": li[keep], "right_row": ri[keep], "score": scores[keep]})

    return score


def link_on_spark(
    spark: SparkSession,
    left: EncodedSet,
    right: EncodedSet,
    threshold: float,
    progress: Callable[[str], None] = lambda step: None,
    fit_pairs: int = TRAINING_PAIRS,
) -> list[Link]:
    """One-to-one links at or above `threshold` between two encoded sets, as `matching.link`
    finds them, with blocking, comparison and scoring on the executors of `spark`.
    `fit_pairs` bounds the candidate pairs the driver fits the model on (its memory)."""
    progress("blocking on Spark")
    pairs = _candidate_pairs(spark, left, right).cache()
    shared_left, shared_right = (spark.sparkContext.broadcast(side) for side in (left, right))
    try:
        count = pairs.count()
        if count == 0:
            return []
        sampled = "" if count <= fit_pairs else " (fitted on a sample of left records)"
        progress(f"estimating weights on {count:,} candidate pairs{sampled}")
        (li, ri), records = _fitting_pairs(spark, pairs, count, len(left), fit_pairs)
        model = fit(left, right, li, ri, records)
        progress("scoring on Spark")
        tasks = max(2 * _cores(spark), count // PAIRS_PER_TASK)
        scored = pairs.repartition(tasks).mapInPandas(
            _scorer(model, shared_left, shared_right), SCORED_SCHEMA
        )
        li, ri, scores = _sorted_arrays(scored)
    finally:
        pairs.unpersist()
        shared_left.destroy()
        shared_right.destroy()
    return links_of(left, right, li, ri, scores, threshold)
