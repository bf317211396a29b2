"""The machine's cores for batch encoding: a set split between this process and forked ones.

Encoding is Python per distinct name, and the interpreter runs one thread at a time, so a
country's batch would leave the other cores idle (clkhash uses worker processes for the same
reason). The helpers are forked after the encoder and the records exist, so they read both
copy-on-write instead of receiving them pickled, and start with the encoder's caches; only
their results travel back, through a pipe. This process encodes its own share meanwhile. A
bare fork and a pipe, not a multiprocessing pool: the pool's start and its result threads
cost a fifth of encoding a 5,000-record set. Forked from a threaded server, a helper has only
the forking thread; it runs encoding code alone (hashing and NumPy array operations, which
take no lock another thread could hold) and leaves with `os._exit`, running no cleanup.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import traceback
from collections.abc import Callable, Sequence
from typing import Any

CORES = max(1, min(os.cpu_count() or 1, 8))


def split(function: Callable[..., Any], items: Sequence[tuple[Any, ...]]) -> list[Any]:
    """`function(*item)` for each item, in order: the first here, the others in forked
    processes at the same time. An error in a helper is raised here with its traceback."""
    if len(items) < 2:
        return [function(*item) for item in items]
    gc.freeze()  # the collector leaves the shared objects alone: their pages are not copied
    try:
        helpers = [_fork(function, item) for item in items[1:]]
        try:
            results = [function(*items[0])]
        except BaseException:
            for pid, pipe in helpers:  # nobody will read them: stop them
                os.kill(pid, signal.SIGKILL)
                os.close(pipe)
                os.waitpid(pid, 0)
            raise
        for pid, pipe in helpers:
            with os.fdopen(pipe, "rb") as reading:
                ok, value = pickle.loads(reading.read())
            os.waitpid(pid, 0)
            if not ok:
                raise RuntimeError(f"an encoding process failed:\n{value}")
            results.append(value)
        return results
    finally:
        gc.unfreeze()


def _fork(function: Callable[..., Any], item: tuple[Any, ...]) -> tuple[int, int]:
    reading, writing = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writing)
        return pid, reading
    os.close(reading)  # the helper: compute, send, and leave without running any cleanup
    try:
        message = pickle.dumps((True, function(*item)), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # noqa: BLE001 - everything goes back to the parent
        message = pickle.dumps((False, traceback.format_exc()))
    with os.fdopen(writing, "wb") as out:
        out.write(message)
    os._exit(0)
