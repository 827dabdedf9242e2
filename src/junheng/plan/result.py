"""What a plan is: actions with their costs and data changes, and the evaluation after them (contracts.md §3)."""

from __future__ import annotations

from dataclasses import dataclass

from junheng.engine import Evaluation

OPTIMAL = "optimal"
FEASIBLE = "feasible"
INFEASIBLE = "infeasible"


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
