"""Gap diagnosis (issue 5 item 1): what each school part lacks, in natural units, and what it costs."""

from __future__ import annotations

import polars as pl

from junheng.engine import Evaluation
from junheng.plan.costs import (
    BACKBONE,
    DEGREE,
    HIRE_TEACHER,
    PE_ART,
    SHARED_ACTION_COLUMNS,
    TRAIN_BACKBONE,
    UnitCosts,
)
from junheng.standards import Standard

# The action that adds a teacher column's resource most directly.
_TEACHER_ACTIONS = {DEGREE: HIRE_TEACHER, BACKBONE: TRAIN_BACKBONE, PE_ART: HIRE_TEACHER}


def natural_actions(standard: Standard) -> dict[str, str]:
    """Indicator id → the action that adds its resource (indicators no action adds are left out)."""
    by_column = {column: kind for kind, column in SHARED_ACTION_COLUMNS.items()} | _TEACHER_ACTIONS
    return {ind.id: by_column[ind.resource] for ind in standard.indicators if ind.resource in by_column}


def gaps(evaluation: Evaluation, costs: UnitCosts) -> pl.DataFrame:
    """`Evaluation.shortfalls()` with the action that closes each gap and its cost.

    Adds `action`, `unit_cost`, `cost_to_threshold` and `cost_to_floor` (元) to every shortfall row; the
    amounts are the engine's own (`to_threshold`, `to_floor`, in the resource's unit for the whole school).
    """
    actions = natural_actions(evaluation.standard)
    unit = {ind_id: costs[kind] for ind_id, kind in actions.items()}
    short = evaluation.shortfalls()
    return short.with_columns(
        pl.col("indicator").replace_strict(actions, default=None, return_dtype=pl.String).alias("action"),
        pl.col("indicator").replace_strict(unit, default=None, return_dtype=pl.Float64).alias("unit_cost"),
    ).with_columns(
        (pl.col("to_threshold") * pl.col("unit_cost")).alias("cost_to_threshold"),
        (pl.col("to_floor") * pl.col("unit_cost")).alias("cost_to_floor"),
    )
