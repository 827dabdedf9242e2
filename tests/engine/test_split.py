"""Schools that span 学段, standard.md §4: fixture 2, each split school type, and parts adding up."""

from __future__ import annotations

import dataclasses
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junheng.engine import evaluate
from junheng.engine.split import integer_weights, part_column, split_shared_resources
from junheng.schema import school_table
from junheng.standards import load_standard
from tests.builders import nine_year_school, primary_school, table

NATIONAL = load_standard("national-2017")
BASIC = load_standard("basic-2012")


def _part(frame: pl.DataFrame, school_id: str, level: str) -> dict[str, Any]:
    return frame.filter((pl.col("school_id") == school_id) & (pl.col("level") == level)).row(0, named=True)


def test_weights_are_scaled_to_integers_so_weighted_enrolment_is_exact() -> None:
    assert integer_weights(NATIONAL) == {"primary": 100, "junior": 110, "senior": 132}


def test_published_nine_year_school_splits_23226_books_into_9711_63_and_13514_37() -> None:
    school = nine_year_school(
        books=23226,
        computers=0,
        full_time_teachers_primary=9,
        full_time_teachers_junior=14,
        mid_title_teachers_primary=4,
        mid_title_teachers_junior=6,
    )
    schools = evaluate(table(school), BASIC).schools
    primary, junior = _part(schools, "n9", "primary"), _part(schools, "n9", "junior")
    assert primary["v_B5"] == pytest.approx(58.50378, abs=5e-6)  # 23226 ÷ (166 + 1.1 × 210)
    assert primary["r_B5"] == pytest.approx(9711.63, abs=0.005)
    assert junior["r_B5"] == pytest.approx(13514.37, abs=0.005)
    assert primary["r_B5"] + junior["r_B5"] == pytest.approx(23226)


def test_a_nine_year_school_is_one_primary_and_one_junior_school() -> None:
    schools = evaluate(table(nine_year_school()), NATIONAL).schools
    assert sorted(schools["level"].to_list()) == ["junior", "primary"]
    assert _part(schools, "n9", "primary")["students"] == 166
    assert _part(schools, "n9", "junior")["students"] == 210


def test_teacher_counts_are_per_level_and_not_split() -> None:
    schools = evaluate(table(nine_year_school()), NATIONAL).schools
    assert _part(schools, "n9", "primary")["r_L1"] == 9  # teachers_above_degree_primary: ceil(5 × 1.66)
    assert _part(schools, "n9", "junior")["r_L1"] == 12
    assert _part(schools, "n9", "junior")["v_L1"] == pytest.approx(12 * 100 / 210)


def test_a_complete_middle_school_contributes_its_junior_part_and_drops_the_senior_share() -> None:
    school = primary_school(
        "w1",
        students=0,
        school_type="complete_middle",
        students_junior=500,
        students_senior=800,
        teachers_above_degree_primary=0,
        backbone_teachers_primary=0,
        pe_art_teachers_primary=0,
        teachers_above_degree_junior=30,
        backbone_teachers_junior=6,
        pe_art_teachers_junior=5,
        teaching_aux_area_m2=10000.0,
    )
    schools = evaluate(table(school), NATIONAL).schools
    assert schools["level"].to_list() == ["junior"]
    junior_share = 1.1 * 500 / (1.1 * 500 + 1.32 * 800)
    assert _part(schools, "w1", "junior")["r_L4"] == pytest.approx(10000 * junior_share)
    assert _part(schools, "w1", "junior")["v_L4"] == pytest.approx(10000 * junior_share / 500)


def test_a_twelve_year_school_contributes_primary_and_junior_parts() -> None:
    school = nine_year_school("t12", school_type="twelve_year", students_senior=300, teaching_aux_area_m2=9000.0)
    schools = evaluate(table(school), NATIONAL).schools
    assert sorted(schools["level"].to_list()) == ["junior", "primary"]
    total = 166 + 1.1 * 210 + 1.32 * 300
    assert _part(schools, "t12", "primary")["r_L4"] == pytest.approx(9000 * 166 / total)
    assert _part(schools, "t12", "junior")["r_L4"] == pytest.approx(9000 * 1.1 * 210 / total)


def test_rooms_split_as_fractions_by_default() -> None:
    schools = evaluate(table(nine_year_school(multimedia_rooms=5)), NATIONAL).schools
    primary = _part(schools, "n9", "primary")["r_L7"]
    assert primary == pytest.approx(5 * 16600 / 39700)
    assert primary != int(primary)


def test_rooms_split_whole_by_largest_remainder_when_the_standard_says_so() -> None:
    whole_rooms = dataclasses.replace(NATIONAL, split_rooms_as_fractions=False)
    schools = evaluate(table(nine_year_school(multimedia_rooms=5)), whole_rooms).schools
    # exact shares 2.09 (primary) and 2.91 (junior): floors 2 and 2, the one left over to junior
    assert _part(schools, "n9", "primary")["r_L7"] == 2
    assert _part(schools, "n9", "junior")["r_L7"] == 3
    # areas are still split exactly
    assert _part(schools, "n9", "primary")["r_L4"] == pytest.approx(4.5 * 166 * 16600 / 39700)


levels = st.tuples(
    st.integers(min_value=0, max_value=3000),
    st.integers(min_value=0, max_value=3000),
    st.integers(min_value=0, max_value=3000),
).filter(lambda t: sum(t) > 0)


@given(levels, st.floats(min_value=0, max_value=1e7), st.integers(min_value=0, max_value=500), st.booleans())
@settings(max_examples=200, deadline=None)
def test_split_parts_add_up_to_the_whole(
    students: tuple[int, int, int], area: float, rooms: int, fractions: bool
) -> None:
    standard = dataclasses.replace(NATIONAL, split_rooms_as_fractions=fractions)
    record: dict[str, object] = {
        "students_primary": students[0],
        "students_junior": students[1],
        "students_senior": students[2],
        "teaching_aux_area_m2": area,
        "multimedia_rooms": rooms,
    }
    row = split_shared_resources(school_table([record]), standard).row(0, named=True)
    levels_ = ("primary", "junior", "senior")
    assert sum(row[part_column("teaching_aux_area_m2", lv)] for lv in levels_) == pytest.approx(area, abs=1e-6)
    rooms_parts = [row[part_column("multimedia_rooms", lv)] for lv in levels_]
    assert sum(rooms_parts) == pytest.approx(rooms, abs=1e-6)
    if not fractions:
        assert all(p == int(p) for p in rooms_parts)
    for lv, n in zip(levels_, students, strict=True):
        if n == 0:
            assert row[part_column("teaching_aux_area_m2", lv)] == 0
