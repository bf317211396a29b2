"""The forked helpers that encode a batch on every core: results come back whole and in
order, whatever their size, and a helper that fails or dies is reported, never waited on."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from routecare.linkage.workers import PIPE_BYTES, split


def _arrays(seed: int, rows: int) -> dict[str, object]:
    generator = np.random.default_rng(seed)
    return {
        "seed": seed,
        "words": generator.integers(0, 2**63, size=(rows, 8), dtype=np.uint64),
        "flags": generator.random(rows) < 0.5,
        "strided": generator.integers(0, 9, size=(rows, 4))[:, ::2],  # not contiguous
    }


def test_results_larger_than_the_pipe_come_back_whole_in_order_and_writable() -> None:
    rows = 3 * PIPE_BYTES // 64  # three times what the widened pipe holds, per helper
    results = split(_arrays, [(seed, rows) for seed in range(3)])
    for seed, result in enumerate(results):
        expected = _arrays(seed, rows)
        assert result["seed"] == seed
        for name in ("words", "flags", "strided"):
            assert np.array_equal(result[name], expected[name])
        result["words"][0, 0] ^= np.uint64(1)  # arrays built on the received memory can change


def _fails(kind: str) -> int:
    if kind == "error":
        raise ValueError("row 7 cannot be encoded")
    if kind == "killed":  # as the out-of-memory killer would
        os.kill(os.getpid(), signal.SIGKILL)
    return 1


def test_an_error_in_a_helper_is_raised_here_with_its_traceback() -> None:
    with pytest.raises(RuntimeError, match="row 7 cannot be encoded"):
        split(_fails, [("fine",), ("error",)])


def test_a_helper_killed_midway_is_reported_not_read_as_a_result() -> None:
    with pytest.raises(RuntimeError, match="ended without a result"):
        split(_fails, [("fine",), ("killed",)])
