"""A small sparse MILP kept in Python lists and solved by HiGHS (highspy), rows added between solves."""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import highspy
import numpy as np
from highspy.highs import HighsCallbackEvent

INF = highspy.kHighsInf
_STDOUT_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Solution:
    """HiGHS's answer: `values` is None when it found no feasible point; `bound` is its proved lower
    bound on the objective (None before it has one); `status` HiGHS's model status, by name."""

    optimal: bool
    infeasible: bool
    values: np.ndarray | None
    gap: float | None
    seconds: float
    bound: float | None = None
    status: str = ""
    timed_out: bool = False


class Milp:
    """Columns with bounds, costs and integrality; rows `lower ≤ Σ coef·x ≤ upper`."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.cost: list[float] = []
        self.integer: list[bool] = []
        self._highs: highspy.Highs | None = None
        self._rows: list[tuple[float, float, Mapping[int, float]]] = []
        self._stop_at = INF

    def var(self, *, lower: float = 0.0, upper: float = INF, cost: float = 0.0, integer: bool = False) -> int:
        """A new column; its index."""
        self.lower.append(lower)
        self.upper.append(upper)
        self.cost.append(cost)
        self.integer.append(integer)
        return len(self.cost) - 1

    def row(self, terms: Mapping[int, float], *, lower: float = -INF, upper: float = INF) -> None:
        """Add `lower ≤ Σ terms ≤ upper` (zero coefficients dropped)."""
        self._rows.append((lower, upper, {j: c for j, c in terms.items() if c != 0.0}))

    def solve(
        self, *, time_limit: float, mip_rel_gap: float, relaxation: bool = False, stop_at: float = INF
    ) -> Solution:
        """Solve with every row added so far (the columns are passed on the first call); with
        `relaxation`, the linear relaxation only (integrality dropped), whose optimum bounds the MILP's.

        `time_limit` is HiGHS's own, which it overruns: its presolve runs on past it, and where an earlier
        solve left a point (the relaxation's, or the MILP's before the last cuts) HiGHS first completes
        that point as a MIP start, then solves, each on a clock of its own. `stop_at`, a
        `time.perf_counter()` instant, interrupts its branch and bound and simplex from the inside.

        No starting solution is passed: HiGHS 1.16 values one in its presolved space without the
        objective's offset and may then stop at once, calling a costlier plan optimal with a wrong
        bound. The caller keeps its own best plan instead.
        """
        started = time.perf_counter()
        highs = self._highs or self._start()
        self._stop_at = stop_at
        self._flush(highs)
        # HiGHS (1.16) holds its time limit against its run time summed over every solve of the instance.
        highs.setOptionValue("time_limit", highs.getRunTime() + max(time_limit, 0.1))
        highs.setOptionValue("mip_rel_gap", mip_rel_gap)
        highs.setOptionValue("solve_relaxation", relaxation)
        highs.run()
        status = highs.getModelStatus()
        info = highs.getInfo()
        has_point = info.primal_solution_status == 2  # kSolutionStatusFeasible
        values = np.array(highs.getSolution().col_value) if has_point else None
        optimal = status == highspy.HighsModelStatus.kOptimal
        infeasible = status == highspy.HighsModelStatus.kInfeasible
        mip = any(self.integer) and not relaxation
        gap = 0.0 if optimal and not mip else float(info.mip_gap) if has_point else None
        if mip:
            bound = float(info.mip_dual_bound) if abs(info.mip_dual_bound) < INF else None
        else:
            bound = float(info.objective_function_value) if optimal else None
        seconds = time.perf_counter() - started
        timed_out = status == highspy.HighsModelStatus.kTimeLimit
        return Solution(optimal, infeasible, values, gap, seconds, bound, highs.modelStatusToString(status), timed_out)

    def _start(self) -> highspy.Highs:
        highs = new_highs()
        highs.setOptionValue("random_seed", 1)
        n = len(self.cost)
        highs.addVars(n, np.array(self.lower), np.array(self.upper))
        index = np.arange(n, dtype=np.int32)
        highs.changeColsCost(n, index, np.array(self.cost))
        integral = np.array(self.integer, dtype=bool)
        if integral.any():
            kinds = np.where(integral, highspy.HighsVarType.kInteger.value, highspy.HighsVarType.kContinuous.value)
            highs.changeColsIntegrality(n, index, kinds.astype(np.uint8))
        highs.cbMipInterrupt += self._interrupt
        highs.cbSimplexInterrupt += self._interrupt
        self._highs = highs
        return highs

    def _interrupt(self, event: HighsCallbackEvent) -> None:
        if time.perf_counter() >= self._stop_at:
            event.interrupt()

    def _flush(self, highs: highspy.Highs) -> None:
        if not self._rows:
            return
        starts: list[int] = []
        indices: list[int] = []
        values: list[float] = []
        for _, _, terms in self._rows:
            starts.append(len(indices))
            indices.extend(terms)
            values.extend(terms.values())
        highs.addRows(
            len(self._rows),
            np.array([r[0] for r in self._rows]),
            np.array([r[1] for r in self._rows]),
            len(indices),
            np.array(starts, dtype=np.int32),
            np.array(indices, dtype=np.int32),
            np.array(values, dtype=np.float64),
        )
        self._rows = []


def new_highs() -> highspy.Highs:
    """A silent HiGHS: its banner goes nowhere, so `--format json` on stdout stays the document alone."""
    with _c_stdout_silenced():
        highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    return highs


@contextmanager
def _c_stdout_silenced() -> Iterator[None]:
    """File descriptor 1 on the null device for the block.

    HiGHS (1.16) prints its banner from C++ while `Highs()` is being constructed, before any option can
    turn output off, so Python's `sys.stdout` cannot catch it: the descriptor itself is redirected.
    """
    with _STDOUT_LOCK:
        sys.stdout.flush()
        try:
            saved = os.dup(1)
        except OSError:  # no standard output at all: nothing to protect
            yield
            return
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.close(null)
            yield
        finally:
            _flush_c_stdout()
            os.dup2(saved, 1)
            os.close(saved)


def _flush_c_stdout() -> None:
    """Write out what C's stdio still buffers, while it still goes to the null device."""
    if os.name == "posix":
        ctypes.CDLL(None).fflush(None)


def linear(*pairs: tuple[Sequence[int] | int, float]) -> dict[int, float]:
    """Sum terms (column or columns, coefficient) into one {column: coefficient} mapping."""
    out: dict[int, float] = {}
    for columns, coef in pairs:
        for j in [columns] if isinstance(columns, int) else columns:
            out[j] = out.get(j, 0.0) + coef
    return out
