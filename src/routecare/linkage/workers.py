"""The machine's cores for batch linkage: encoding and comparing split over worker processes.

NumPy runs each array operation on one core, and encoding is Python per distinct name, so a
country's batch run would leave the other cores idle (clkhash uses worker processes for the
same reason). Workers are forked after the encoded sets exist, so they read those sets
copy-on-write instead of receiving them pickled; only the work items and results travel.
Small jobs (a registration, the tests' sets) stay in the calling process: starting workers
costs more than it saves there, and a web server's process is never forked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any

CORES = max(1, min(os.cpu_count() or 1, 8))

_shared: tuple[Any, ...] = ()


def _call(job: tuple[Callable[..., Any], tuple[Any, ...]]) -> Any:
    function, arguments = job
    return function(*_shared, *arguments)


class Workers:
    """Runs `function(*shared, *arguments)` for each item, in order, on the pool or here."""

    def __init__(self, pool: Any, count: int) -> None:
        self._pool, self.count = pool, count

    def map(self, function: Callable[..., Any], items: Sequence[tuple[Any, ...]]) -> list[Any]:
        jobs = [(function, arguments) for arguments in items]
        if self._pool is None:
            return [_call(job) for job in jobs]
        return list(self._pool.map(_call, jobs))


@contextmanager
def workers(shared: tuple[Any, ...], count: int) -> Iterator[Workers]:
    """`count` worker processes sharing `shared` (1: everything runs in this process)."""
    global _shared
    _shared = shared
    try:
        if count < 2:
            yield Workers(None, 1)
        else:
            with get_context("fork").Pool(count) as pool:
                yield Workers(pool, count)
    finally:
        _shared = ()
