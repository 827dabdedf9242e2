"""What a plan is: actions with their costs and data changes, and the evaluation after them (contracts.md §3)."""

from __future__ import annotations

from dataclasses import dataclass

from junheng.engine import Evaluation

OPTIMAL = "optimal"
FEASIBLE = "feasible"
INFEASIBLE = "infeasible"

# Why the search for a cheaper plan stopped (`search.stopped` in the JSON, docs/cli.md).
PROVED = "proved_optimal"
CLOSE = "within_gap"
# The search ends with a plan this close (relative) to HiGHS's proved lower bound on every plan's cost,
# the gap reported: the unit costs are estimates far coarser than 1 %, and proving the last per cent
# takes a county of 300 very unequal schools longer than the page waits (HiGHS finds nothing better).
CLOSE_GAP = 1e-2
TIME_LIMIT = "time_limit"
ROUND_LIMIT = "round_limit"
SOLVER = "solver_status"
IMPOSSIBLE = "no_plan_possible"
STOP_LABELS = {
    PROVED: "已证明最优",
    CLOSE: f"已证明与最低可能费用相差不超过 {CLOSE_GAP:.0%}",
    TIME_LIMIT: "求解时限已到",
    ROUND_LIMIT: "差异系数切割轮数已满",
    SOLVER: "求解器停止",
    IMPOSSIBLE: "不存在可行方案",
}
# Which plan was returned: the naive one, the MILP's solution, or that solution lifted where its
# difference coefficients were still over their limits.
NAIVE = "naive"
MILP = "milp"
REPAIRED = "repaired"
ROUNDED = "rounded"
SOURCE_LABELS = {
    NAIVE: "逐项补足并抬高最低学校的朴素方案",
    MILP: "优化模型的解",
    REPAIRED: "优化模型的解再抬高最低学校",
    ROUNDED: "优化模型线性松弛的解取整后再抬高最低学校",
}


@dataclass(frozen=True, slots=True)
class Change:
    """Add `delta` to one school's data-file column (contracts.md §1 key)."""

    school_id: str
    column: str
    delta: float


@dataclass(frozen=True, slots=True)
class Action:
    """One action of a kind at one school (a transfer: between two schools); cost = quantity × unit cost."""

    kind: str
    quantity: float
    cost: float
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class Search:
    """How the plan was found: why the search stopped, after how many rounds of the coefficient cuts,
    the proved lower bound on any plan's cost (元), HiGHS's last status and which plan was returned."""

    stopped: str
    rounds: int
    lower_bound: float | None
    solver_status: str
    source: str | None
    time_limit: float

    def note(self) -> str:
        """The search in a sentence, for the table, the workbook and the web page."""
        stop = STOP_LABELS[self.stopped]
        if self.stopped == TIME_LIMIT:
            stop = f"求解时限（{self.time_limit:g} 秒）已到"
        elif self.stopped == SOLVER:
            stop = f"求解器停止（{self.solver_status}）"
        parts = [f"{stop}，共 {self.rounds} 轮求解" if self.rounds else stop]
        if self.source is not None:
            parts.append(f"所给方案为{SOURCE_LABELS[self.source]}，已经评估引擎验证达标")
        if self.lower_bound is not None and self.stopped != PROVED:
            parts.append(f"任何达标方案的费用都不低于 {self.lower_bound:,.2f} 元")
        return "；".join(parts)


@dataclass(frozen=True, slots=True)
class CountyPlan:
    """A county's plan. `after` is the engine's evaluation of the data with every change applied.

    `status` is optimal (HiGHS proved the model's optimum and the engine passes the result), feasible
    (a plan the engine passes, `gap` the relative MIP gap left) or infeasible (`reason` says why).
    With a budget the county need not pass: the plan passes the most school parts it can buy.
    """

    county: str
    year: int
    status: str
    gap: float | None
    total_cost: float
    actions: tuple[Action, ...]
    after: Evaluation
    reason: str | None = None
    budget: float | None = None
    solve_seconds: float = 0.0
    search: Search | None = None
