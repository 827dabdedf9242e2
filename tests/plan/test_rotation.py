"""Teacher rotation (standard.md §5 G11, issue 5 part 3) against cases worked by hand."""

from __future__ import annotations

import pytest

from junheng.io.errors import DataFileError
from junheng.io.plan_files import read_recorded_rotations
from junheng.plan.rotation import (
    G11Figures,
    Move,
    RotationLimits,
    RotationPlan,
    check_recorded_rotations,
    coefficient_changes,
    plan_rotation,
    rotation_rule,
)
from junheng.standards import load_standard
from tests.builders import primary_school, table

NATIONAL = load_standard("national-2017")
ANHUI = load_standard("anhui-2017")


def _rich_and_poor() -> list[dict[str, object]]:
    # 50 eligible (teachers above the degree): a has 30 of them and 15 backbone teachers, b 20 and none.
    return [
        primary_school("a", 300, teachers_above_degree_primary=30, backbone_teachers_primary=15),
        primary_school("b", 300, teachers_above_degree_primary=20, backbone_teachers_primary=0),
    ]


def _cvs(result: RotationPlan) -> dict[str, tuple[float | None, float | None]]:
    return {ind: (before, after) for _, ind, before, after in coefficient_changes(result)}


def test_thirty_eligible_rotate_three_with_one_backbone_teacher() -> None:
    # Two equal schools: any backbone move unbalances L2, so exactly the floors: 10 % of 30, 20 % of 3 → 1.
    schools = table(
        *(primary_school(s, 300, teachers_above_degree_primary=15, backbone_teachers_primary=4) for s in "ab")
    )
    [result] = plan_rotation(schools, NATIONAL)
    assert result.required == (3, 1)
    assert result.figures == G11Figures(rotated=3, eligible=30, backbone_rotated=1)
    assert result.g11.passed is True
    assert all(m.from_school != m.to_school for m in result.moves)


def test_backbone_teachers_move_from_the_rich_school_to_the_poor_one() -> None:
    [result] = plan_rotation(table(*_rich_and_poor()), NATIONAL)
    assert result.status == "optimal"
    # 5 rotate (10 % of 50); five backbone teachers a → b even out L1 (25/25) and lower L2 from 1 to 1/3.
    assert result.moves == (Move("a", "b", "primary", 5, 5),)
    cvs = _cvs(result)
    assert cvs["L2"][0] == pytest.approx(1.0) and cvs["L2"][1] == pytest.approx(1 / 3)
    assert cvs["L1"][0] == pytest.approx(0.2) and cvs["L1"][1] == pytest.approx(0.0)
    assert result.after.schools.filter(result.after.schools["school_id"] == "b")["r_L2"][0] == 5


def test_anhui_counts_backbone_teachers_against_the_eligible() -> None:
    assert rotation_rule(NATIONAL).required(50) == (5, 1)
    assert rotation_rule(ANHUI).required(50) == (10, 10)
    [result] = plan_rotation(table(*_rich_and_poor()), ANHUI)
    assert result.figures == G11Figures(rotated=10, eligible=50, backbone_rotated=10)
    assert result.g11.passed is True
    # every rotated teacher is a backbone teacher of a, which keeps 5: L2 5 : 10, CV 1/3; L1 20 : 30.
    assert result.moves == (Move("a", "b", "primary", 10, 10),)
    assert _cvs(result)["L2"][1] == pytest.approx(1 / 3)


def test_a_school_keeps_the_indicators_it_met() -> None:
    # a may send at most 2 backbone teachers (it needs 3 for 300 students): Anhui's 10 cannot be found.
    schools = table(
        primary_school("a", 300, teachers_above_degree_primary=30, backbone_teachers_primary=5),
        primary_school("b", 300, teachers_above_degree_primary=20, backbone_teachers_primary=0),
    )
    [result] = plan_rotation(schools, ANHUI)
    assert result.status == "infeasible" and "10 名" in (result.reason or "")
    assert result.g11.passed is False


def test_the_limit_per_school_is_kept() -> None:
    [result] = plan_rotation(table(*_rich_and_poor()), NATIONAL, limits=RotationLimits(max_out=3))
    # a sends its most, 3 backbone teachers; b sends 2 back to make the 5 (a then has 29, b 21).
    assert set(result.moves) == {Move("a", "b", "primary", 3, 3), Move("b", "a", "primary", 2, 0)}
    [result] = plan_rotation(table(*_rich_and_poor()), NATIONAL, limits=RotationLimits(max_out=2, max_in=2))
    assert result.status == "infeasible"  # two schools, 2 out and 2 in each: at most 4 can rotate


def test_the_same_township_rule_keeps_moves_inside_a_township() -> None:
    schools = table(
        *_rich_and_poor(), primary_school("c", 300, teachers_above_degree_primary=20, backbone_teachers_primary=0)
    )
    towns = {"a": "城关镇", "b": "城关镇", "c": "河口乡"}
    [result] = plan_rotation(schools, NATIONAL, townships=towns, limits=RotationLimits(same_township=True))
    assert result.moves and all(towns[m.from_school] == towns[m.to_school] for m in result.moves)
    [free] = plan_rotation(schools, NATIONAL, townships=towns)
    assert any(m.to_school == "c" for m in free.moves)


def test_recorded_rotations_below_ten_percent_fail_g11_with_the_figures() -> None:
    moves = read_recorded_rotations(
        "from_school_id,to_school_id,level,teachers,backbone\na,b,小学,2,1\n", "r.csv", NATIONAL.levels
    )
    figures, item = check_recorded_rotations(NATIONAL, moves, eligible=30)
    assert figures == G11Figures(rotated=2, eligible=30, backbone_rotated=1)
    assert item.passed is False
    [rate, share] = item.checks
    assert rate.value == pytest.approx(2 / 30) and rate.passed is False
    assert share.value == pytest.approx(0.5) and share.passed is True


def test_anhui_fails_recorded_rotations_that_pass_nationally() -> None:
    moves = (Move("a", "b", "primary", 3, 1),)
    assert check_recorded_rotations(NATIONAL, moves, eligible=30)[1].passed is True
    assert check_recorded_rotations(ANHUI, moves, eligible=30)[1].passed is False  # 1 < 20 % of 30


def test_bad_recorded_rows_are_named_by_row_and_column() -> None:
    text = "from_school_id,to_school_id,level,teachers,backbone\na,b,高中,2,1\na,b,小学,x,1\na,b,小学,1,2\n"
    with pytest.raises(DataFileError) as caught:
        read_recorded_rotations(text, "r.csv", NATIONAL.levels)
    assert [issue.format().split(": ")[0] for issue in caught.value.issues] == [
        "r.csv:2:level",
        "r.csv:3:teachers",
        "r.csv:4:backbone",
    ]
