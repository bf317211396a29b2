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

The result travels as pickle protocol 5 with its arrays out of band: the helper writes their
memory straight into the pipe (no copy into one pickle), after a header of lengths that lets
this process read each array into memory allocated once; on Linux the pipe is widened, so a
helper that finishes first leaves its result in a few writes instead of waiting for this
process at every 64 KiB. For a 5,000-record set, from the helper's last array to the
result here: 13 ms before, 5 ms after (medians of 8, in turns, on a loaded machine).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import io
import os
import pickle
import signal
import struct
import traceback
from collections.abc import Callable, Sequence
from typing import Any

CORES = max(1, min(os.cpu_count() or 1, 8))
PIPE_BYTES = 1 << 20  # Linux's default /proc/sys/fs/pipe-max-size


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
                parts = _received(reading)
            _, status = os.waitpid(pid, 0)
            if parts is None or status != 0:
                raise RuntimeError(f"an encoding process ended without a result ({status})")
            ok, value = pickle.loads(parts[0], buffers=parts[1:])
            if not ok:
                raise RuntimeError(f"an encoding process failed:\n{value}")
            results.append(value)
        return results
    finally:
        gc.unfreeze()


def _fork(function: Callable[..., Any], item: tuple[Any, ...]) -> tuple[int, int]:
    reading, writing = os.pipe()
    if hasattr(fcntl, "F_SETPIPE_SZ"):  # Linux; elsewhere the pipe keeps its size
        with contextlib.suppress(OSError):  # above /proc/sys/fs/pipe-max-size
            fcntl.fcntl(writing, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    pid = os.fork()
    if pid:
        os.close(writing)
        return pid, reading
    os.close(reading)  # the helper: compute, send, and leave without running any cleanup
    try:
        parts = _parts((True, function(*item)))
    except BaseException:  # noqa: BLE001 - everything goes back to the parent
        parts = _parts((False, traceback.format_exc()))
    status = 1  # a result not written whole (the parent gone) ends the helper in failure
    try:
        with os.fdopen(writing, "wb", buffering=0) as out:
            header = struct.pack(f"<{len(parts) + 1}Q", len(parts), *(p.nbytes for p in parts))
            for part in (memoryview(header), *parts):
                while part.nbytes:  # a write to a pipe may take only part of it
                    part = part[out.write(part) :]
        status = 0
    finally:
        os._exit(status)


def _parts(message: object) -> list[memoryview]:
    """The pickle of `message`, then the memory of each array in it (protocol 5, out of band)."""
    buffers: list[pickle.PickleBuffer] = []
    frame = pickle.dumps(message, protocol=5, buffer_callback=buffers.append)
    return [memoryview(frame), *(b.raw() for b in buffers)]


def _received(reading: io.BufferedReader) -> list[bytearray] | None:
    """What `_fork`'s helper wrote: the pickle, then each array's memory; None if it stopped
    before the end (killed, out of memory)."""
    count = _exactly(reading, 8)
    lengths = count and _exactly(reading, 8 * struct.unpack("<Q", count)[0])
    if lengths is None:
        return None
    parts = []
    for size in struct.unpack(f"<{len(lengths) // 8}Q", lengths):
        part = _exactly(reading, size)
        if part is None:
            return None
        parts.append(part)
    return parts


def _exactly(reading: io.BufferedReader, size: int) -> bytearray | None:
    """`size` bytes, into memory allocated once (writable: arrays built on it can change)."""
    data = bytearray(size)
    view, done = memoryview(data), 0
    while done < size:
        got = reading.readinto(view[done:])
        if not got:
            return None
        done += got
    return data
