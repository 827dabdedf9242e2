"""The school rule, standard.md §2: at least 6 of 7 meet, every other one ≥ 85 % of its threshold."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junheng.engine import evaluate
from junheng.engine.rules import floors
from junheng.standards import SchoolRule, load_standard
from tests import oracle
from tests.builders import junior_school, nine_year_school, primary_school, table

NATIONAL = load_standard("national-2017")
RULE: SchoolRule = NATIONAL.school_rule  # type: ignore[assignment]  # national-2017 has a school rule


def _school(record: dict[str, object]) -> dict[str, Any]:
    return evaluate(table(record), NATIONAL).schools.row(0, named=True)


def test_the_85_percent_floors_are_the_published_ones() -> None:
    primary = [floors(ind, RULE)["primary"] for ind in NATIONAL.indicators]
    junior = [floors(ind, RULE)["junior"] for ind in NATIONAL.indicators]
    assert primary == [3.57, 0.85, 0.765, 3.825, 6.375, 1700, 1.955]
    assert junior == [4.505, 0.85, 0.765, 4.93, 8.67, 2125, 2.04]


def test_a_school_meeting_all_seven_passes() -> None:
    school = _school(primary_school("a"))
    assert school["met_count"] == 7
    assert school["pass"] is True


def test_a_value_exactly_at_the_threshold_meets_it() -> None:
    school = _school(primary_school("a", students=500, teachers_above_degree_primary=21))  # 21 ÷ 500 × 100 = 4.2
    assert school["v_L1"] == 4.2
    assert school["meets_L1"] is True


def test_exactly_six_met_and_the_seventh_above_its_floor_passes() -> None:
    school = _school(primary_school("a", students=100, teaching_aux_area_m2=400.0))  # 4.0 ㎡: < 4.5, ≥ 3.825
    assert school["meets_L4"] is False
    assert school["above_floor_L4"] is True
    assert school["met_count"] == 6
    assert school["pass"] is True


def test_a_value_exactly_at_the_floor_is_above_it() -> None:
    school = _school(
        primary_school(
            "a",
            students=10000,
            teachers_above_degree_primary=357,
            backbone_teachers_primary=100,
            pe_art_teachers_primary=90,
            multimedia_rooms=230,
        )
    )
    assert school["v_L1"] == 3.57  # exactly 85 % of 4.2, computed in decimal
    assert school["above_floor_L1"] is True
    assert school["pass"] is True


def test_one_indicator_at_84_9_percent_of_its_threshold_fails_the_school() -> None:
    school = _school(primary_school("a", students=1000, teaching_aux_area_m2=0.849 * 4.5 * 1000))
    assert school["met_count"] == 6
    assert school["above_floor_L4"] is False
    assert school["pass"] is False


def test_five_met_fails_even_when_the_other_two_are_above_their_floors() -> None:
    school = _school(primary_school("a", students=100, teaching_aux_area_m2=400.0, sports_area_m2=700.0))
    assert school["met_count"] == 5
    assert school["above_floor_L4"] and school["above_floor_L5"]
    assert school["pass"] is False


def test_junior_schools_are_judged_against_junior_thresholds() -> None:
    school = _school(junior_school("j", students=100, teachers_above_degree_junior=5))  # 5.0 < 5.3, ≥ 4.505
    assert school["meets_L1"] is False
    assert school["pass"] is True


def test_shortfalls_are_in_natural_units() -> None:
    record = primary_school("a", students=500, backbone_teachers_primary=2, sports_area_m2=3330.0)
    shortfalls = evaluate(table(record), NATIONAL).shortfalls()
    by_indicator = {row["indicator"]: row for row in shortfalls.iter_rows(named=True)}
    assert by_indicator["L2"]["to_threshold"] == 3  # 1.0 per 100 × 500 = 5 backbone teachers, has 2
    assert by_indicator["L5"]["to_threshold"] == pytest.approx(420.0)  # 7.5 × 500 = 3750 ㎡, has 3330
    assert by_indicator["L2"]["to_floor"] == 3  # 0.85 × 5 = 4.25 → 5 whole teachers
    assert set(by_indicator) == {"L2", "L5"}


def test_a_shortfall_of_a_split_school_counts_only_the_parts_share() -> None:
    record = nine_year_school(teaching_aux_area_m2=0.0)
    shortfalls = evaluate(table(record), NATIONAL).shortfalls()
    l4 = shortfalls.filter((pl.col("indicator") == "L4") & (pl.col("level") == "primary")).row(0, named=True)
    # the primary part gets 166 / 397 of every ㎡ built, so 4.5 × 166 ㎡ for it needs 4.5 × 397 ㎡ in all
    assert l4["to_threshold"] == pytest.approx(4.5 * 397, abs=0.01)


values = st.lists(st.floats(min_value=0, max_value=2), min_size=7, max_size=7)


@given(values)
@settings(max_examples=300, deadline=None)
def test_engine_school_rule_agrees_with_the_oracle(ratios: list[float]) -> None:
    """Values drawn as ratios of the thresholds, the engine's verdict equals the plain rule's."""
    students = 1000
    thresholds = [float(ind.thresholds["primary"]) for ind in NATIONAL.indicators]
    amounts = [r * t for r, t in zip(ratios, thresholds, strict=True)]
    record = primary_school(
        "a",
        students=students,
        teachers_above_degree_primary=round(amounts[0] * 10),
        backbone_teachers_primary=round(amounts[1] * 10),
        pe_art_teachers_primary=round(amounts[2] * 10),
        teaching_aux_area_m2=amounts[3] * students,
        sports_area_m2=amounts[4] * students,
        equipment_value_yuan=amounts[5] * students,
        multimedia_rooms=round(amounts[6] * 10),
    )
    school = _school(record)
    actual = [school[f"v_{ind.id}"] for ind in NATIONAL.indicators]
    floor_values = [floors(ind, RULE)["primary"] for ind in NATIONAL.indicators]
    assert school["pass"] is oracle.school_rule(actual, thresholds, floor_values, RULE.min_met)
