"""The machine's cores for batch encoding: a set split between this process and forked ones.

Encoding is Python per distinct name, and the interpreter runs one thread at a time, so a
country's batch would leave the other cores idle (clkhash uses worker processes for the same
reason). The helpers are forked after the encoder and the records exist, so they read both
copy-on-write instead of receiving them pickled, and start with the encoder's caches; only
the results travel back. This process encodes its own share meanwhile. A web server never
gets here: a registration is one record.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from multiprocessing import get_context
from typing import Any

CORES = max(1, min(os.cpu_count() or 1, 8))

_shared: tuple[Any, ...] = ()


def _call(job: tuple[Callable[..., Any], tuple[Any, ...]]) -> Any:
    function, arguments = job
    return function(*_shared, *arguments)


def split(
    function: Callable[..., Any], shared: tuple[Any, ...], items: Sequence[tuple[Any, ...]]
) -> list[Any]:
    """`function(*shared, *item)` for each item, in order: the first here, the others in
    forked processes at the same time."""
    global _shared
    if len(items) < 2:
        return [function(*shared, *item) for item in items]
    _shared = shared
    try:
        with get_context("fork").Pool(len(items) - 1) as pool:
            others = pool.map_async(_call, [(function, item) for item in items[1:]])
            first = function(*shared, *items[0])
            return [first, *others.get()]
    finally:
        _shared = ()
