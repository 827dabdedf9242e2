"""A transfer never leaves a teacher count negative (issue 10 §2: "full-time teachers −1" was seen)."""

from __future__ import annotations

import polars as pl

from junheng.engine import evaluate
from junheng.plan import CountyPlan, default_unit_costs, plan
from junheng.plan.apply import apply_changes
from junheng.plan.rotation import move_changes, plan_rotation
from junheng.standards import load_standard
from tests.builders import primary_school, table

NATIONAL = load_standard("national-2017")
COSTS = default_unit_costs(NATIONAL)
TEACHER_COLUMNS = [
    f"{stem}_primary"
    for stem in ("teachers_above_degree", "backbone_teachers", "pe_art_teachers", "full_time_teachers")
]


def _applied(schools: pl.DataFrame, result: CountyPlan) -> pl.DataFrame:
    return apply_changes(schools, (c for a in result.actions for c in a.changes))


def _smallest(schools: pl.DataFrame) -> dict[str, int]:
    return {c: int(schools[c].min()) for c in TEACHER_COLUMNS}  # type: ignore[arg-type]


def test_no_teacher_leaves_a_school_that_reports_no_full_time_teachers() -> None:
    # a has two backbone teachers more than it needs, b none: moving one a → b is the cheapest plan, but
    # a reports 0 full-time teachers, so the move would leave it −1 of them. Training at b it is.
    schools = table(
        primary_school("a", 100, backbone_teachers_primary=3, full_time_teachers_primary=0),
        primary_school("b", 100, backbone_teachers_primary=0, full_time_teachers_primary=6),
    )
    [result] = plan(schools, NATIONAL, COSTS.replaced({"transfer_teacher": 15_000.0}))
    after = _applied(schools, result)
    assert min(_smallest(after).values()) >= 0
    assert "transfer_teacher" not in [a.kind for a in result.actions]
    assert evaluate(after, NATIONAL).counties["pass"][0]


def test_a_transfer_takes_full_time_teachers_from_its_source_even_where_the_receiver_reports_none() -> None:
    # The moved teacher leaves a's full-time count whatever b reports: both schools stay consistent.
    schools = table(
        primary_school("a", 100, backbone_teachers_primary=3, full_time_teachers_primary=5),
        primary_school("b", 100, backbone_teachers_primary=0),
    )
    [result] = plan(schools, NATIONAL, COSTS.replaced({"transfer_teacher": 15_000.0}))
    assert [a.kind for a in result.actions] == ["transfer_teacher"]
    after = _applied(schools, result)
    assert after.filter(pl.col("school_id") == "a")["full_time_teachers_primary"][0] == 4


def test_rotation_sends_no_teacher_from_a_school_that_reports_no_full_time_teachers() -> None:
    # Five backbone teachers a → b would even out L1 and L2 best, but a reports 0 full-time teachers:
    # each move would leave it below zero of them. The five rotate from b, which has 20.
    schools = table(
        primary_school(
            "a", 300, teachers_above_degree_primary=30, backbone_teachers_primary=15, full_time_teachers_primary=0
        ),
        primary_school(
            "b", 300, teachers_above_degree_primary=20, backbone_teachers_primary=5, full_time_teachers_primary=20
        ),
    )
    [result] = plan_rotation(schools, NATIONAL)
    assert result.g11.passed
    after = apply_changes(schools, move_changes(result.moves, schools))
    assert min(_smallest(after).values()) >= 0
    assert [m.from_school for m in result.moves] == ["b"]
