"""Planning (issue 5): what schools lack, what it costs, and the cheapest plan to pass.

Pure like the engine: takes tables, a standard and unit costs, returns results; no files, no web.
"""

from junheng.plan.costs import ACTION_KINDS, ACTION_LABELS, CostsError, UnitCosts, costs_from_csv, default_unit_costs
from junheng.plan.gaps import gaps
from junheng.plan.optimiser import PlanError, plan
from junheng.plan.result import Action, Change, CountyPlan

__all__ = [
    "ACTION_KINDS",
    "ACTION_LABELS",
    "Action",
    "Change",
    "CostsError",
    "CountyPlan",
    "PlanError",
    "UnitCosts",
    "costs_from_csv",
    "default_unit_costs",
    "gaps",
    "plan",
]
