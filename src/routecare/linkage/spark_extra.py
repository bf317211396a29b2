"""The Spark engine's packages are an optional extra (`routecare[spark]`, about 480 MB with
Spark's Java libraries): a web server never needs them, a regional batch run does. Without
them the engine says which extra to install instead of failing on a bare import error."""

from __future__ import annotations

INSTALL = "pip install 'routecare[spark]' (in a checkout: uv sync --extra spark)"


class SparkNotInstalled(ImportError):
    """The `spark` extra is missing; the message names it and how to install it."""

    def __init__(self, package: str | None) -> None:
        super().__init__(
            f"the Spark engine needs the spark extra ({package or 'pyspark'} is not "
            f"installed): {INSTALL}",
            name=package,
        )
