"""A linear program kept warm between solves (HiGHS through highspy): suppression solves one
small variation of the same model per small cell, and re-solving from the last basis is what
keeps a release of hundreds of small cells within a second."""

from __future__ import annotations

import os
import sys
import threading

import highspy
import numpy as np
from scipy import sparse

_BANNER = threading.Lock()
_banner_shown = False


def _quiet_highs() -> highspy.Highs:
    """A solver without output. HiGHS prints a banner to the process's stdout the first time
    one is made, which would land in the middle of a command's output: point stdout at
    /dev/null for that once."""
    global _banner_shown
    with _BANNER:
        if _banner_shown:
            highs = highspy.Highs()  # type: ignore[no-untyped-call]
        else:
            sys.stdout.flush()
            saved, sink = os.dup(1), os.open(os.devnull, os.O_WRONLY)
            os.dup2(sink, 1)
            try:
                highs = highspy.Highs()  # type: ignore[no-untyped-call]
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(sink)
                _banner_shown = True
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("presolve", "off")  # keep each basis for the next solve
    return highs


class WarmLinearProgram:
    """minimise cost·x subject to matrix·x = 0 and lower ≤ x ≤ upper, re-solved after small
    changes of cost and bounds."""

    def __init__(
        self, matrix: sparse.csc_array, lower: np.ndarray, upper: np.ndarray, cost: np.ndarray
    ) -> None:
        self.highs = _quiet_highs()
        program = highspy.HighsLp()
        program.num_col_ = matrix.shape[1]
        program.num_row_ = matrix.shape[0]
        program.col_cost_ = cost.astype(float)
        program.col_lower_ = lower.astype(float)
        program.col_upper_ = np.where(np.isinf(upper), highspy.kHighsInf, upper).astype(float)
        program.row_lower_ = np.zeros(matrix.shape[0])
        program.row_upper_ = np.zeros(matrix.shape[0])
        program.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        program.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        program.a_matrix_.index_ = matrix.indices.astype(np.int32)
        program.a_matrix_.value_ = matrix.data.astype(float)
        self.highs.passModel(program)

    def set_cost(self, columns: np.ndarray, cost: np.ndarray) -> None:
        if len(columns):
            self.highs.changeColsCost(len(columns), columns.astype(np.int32), cost.astype(float))

    def set_bounds(self, columns: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        if len(columns):
            upper = np.where(np.isinf(upper), highspy.kHighsInf, upper)
            self.highs.changeColsBounds(
                len(columns), columns.astype(np.int32), lower.astype(float), upper.astype(float)
            )

    def solve(self) -> np.ndarray | None:
        """The optimal x, or None when the objective is unbounded below."""
        self.highs.run()
        status = self.highs.getModelStatus()
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the suppression model could not be solved: {status}")
        return np.asarray(self.highs.getSolution().col_value)
