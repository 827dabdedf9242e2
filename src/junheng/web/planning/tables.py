"""What the planning pages show: a plan's actions by school, coefficients before and after, what-if answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from junheng import messages as msg
from junheng import numbers
from junheng.engine import Evaluation
from junheng.numbers import Quantity
from junheng.plan import ACTION_LABELS, CountyPlan
from junheng.plan.costs import TRANSFER_TEACHER
from junheng.plan.projection import YearsAheadPlan
from junheng.plan.result import Action
from junheng.web.dashboards.school_tables import school_parts
from junheng.web.planning.services import WhatIf

STATUS_WORDS = {"optimal": "最优（已证明）", "feasible": "可行（未证明最优）", "infeasible": "无可行方案"}


@dataclass(frozen=True, slots=True)
class ActionRow:
    action: str
    quantity: str
    unit: str
    cost: str
    note: str


@dataclass(frozen=True, slots=True)
class SchoolActions:
    name: str
    code: str
    rows: list[ActionRow]


@dataclass(frozen=True, slots=True)
class CvRow:
    level: str
    indicator: str
    before: str
    after: str
    limit: str
    passed: bool | None


def _label_and_unit(kind: str) -> tuple[str, str]:
    # ACTION_LABELS read "新建体育运动场馆（㎡）": the unit goes to its own column.
    label, _, unit = ACTION_LABELS[kind].rpartition("（")
    return (label, unit.rstrip("）")) if label else (ACTION_LABELS[kind], "")


def actions_by_school(plan: CountyPlan, table: pl.DataFrame) -> list[SchoolActions]:
    """The plan's actions grouped by the school they start at; a transfer names the school it goes to."""
    return actions_by_school_of(plan.actions, table)


@dataclass(frozen=True)
class PhaseRows:
    """One year of a phased plan: its actions by school, their cost, and the county's verdict that year."""

    year: int
    cost: str
    passes: bool | None
    failing_schools: int | None
    by_school: list[SchoolActions]
    carried: str | None = None  # the yearly pay of teachers hired or rotated in earlier years, when any


def phase_rows(ahead: YearsAheadPlan, table: pl.DataFrame) -> list[PhaseRows]:
    """The plan's actions year by year (issue 5 §4), each year with the county's projected verdict."""
    return [
        PhaseRows(
            ph.year,
            numbers.number(ph.cost, Quantity.MONEY),
            ph.passes,
            ph.failing_schools,
            actions_by_school_of(ph.actions, table),
            numbers.number(ph.carried, Quantity.MONEY) if ph.carried else None,
        )
        for ph in ahead.phases
    ]


def actions_by_school_of(actions: Sequence[Action], table: pl.DataFrame) -> list[SchoolActions]:
    """Actions grouped by the school they start at; a transfer names the school it goes to."""
    names: dict[str, str] = dict(table.select("school_id", "school_name").unique("school_id").iter_rows())
    grouped: dict[str, list[ActionRow]] = {}
    for action in actions:
        label, unit = _label_and_unit(action.kind)
        note = ""
        if action.kind == TRANSFER_TEACHER:
            target = next(c.school_id for c in action.changes if c.delta > 0)
            note = f"调往 {names.get(target, target)}"
        row = ActionRow(
            label, numbers.amount(action.quantity, unit), unit, numbers.number(action.cost, Quantity.MONEY), note
        )
        grouped.setdefault(action.changes[0].school_id, []).append(row)
    return [SchoolActions(names.get(code, code), code, rows) for code, rows in grouped.items()]


def cv_rows(before: Evaluation, after: Evaluation) -> list[CvRow]:
    """Every difference coefficient per 学段 and indicator, before and after the plan, with its limit."""
    standard = before.standard
    joined = before.levels.select("level", "indicator", pl.col("cv").alias("before")).join(
        after.levels.select("level", "indicator", "cv", "limit", "pass"), on=["level", "indicator"], how="left"
    )
    return [
        CvRow(
            msg.level_label(row["level"]),
            standard.indicator(row["indicator"]).name,
            msg.cv_number(row["before"], standard),
            msg.cv_number(row["cv"], standard),
            msg.NOT_APPLICABLE if row["limit"] is None else str(row["limit"]),
            row["pass"],
        )
        for row in joined.iter_rows(named=True)
    ]


def passing_schools(evaluation: Evaluation) -> tuple[int, int]:
    """(schools whose every part passes the school rule, schools in scope)."""
    if evaluation.counties.is_empty():
        return 0, 0
    county = evaluation.counties.row(0, named=True)
    return county["schools"] - county["failing_schools"], county["schools"]


def what_if_answer(result: WhatIf) -> dict[str, Any]:
    """The JSON the what-if view shows: the school's values and rule, the county's coefficients and verdict."""
    evaluation = result.evaluation
    standard = evaluation.standard
    parts = [
        {
            "label": part.label,
            "passed": part.passed,
            "rule": part.rule,
            "rows": [
                {
                    "indicator": row.indicator,
                    "value": row.value,
                    "threshold": row.threshold,
                    "floor": row.floor,
                    "met": row.met,
                    "meets": row.meets,
                    "above_floor": row.above_floor,
                }
                for row in part.rows
            ],
        }
        for part in school_parts(result.school_evaluation(), result.year)
    ]
    county = evaluation.counties.row(0, named=True)
    coefficients = [
        {
            "level": msg.level_label(row["level"]),
            "indicator": standard.indicator(row["indicator"]).name,
            "cv": row["cv"],
            "cv_text": msg.cv_number(row["cv"], standard),
            "limit": None if row["limit"] is None else str(row["limit"]),
            "passed": row["pass"],
        }
        for row in evaluation.levels.iter_rows(named=True)
    ]
    return {
        "school": {"name": result.school.name, "parts": parts},
        "county": {
            "passed": county["pass"],
            "verdict": msg.county_verdict_text(result.county.name, result.year, bool(county["pass"])),
            "coefficients": coefficients,
        },
    }
