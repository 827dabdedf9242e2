"""Education groups: coverage, within-group CV, core-minus-member gaps, Theil decomposition (issue 6 §1)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junheng.engine import evaluate
from junheng.engine.groups import (
    UNGROUPED,
    balance_by_year,
    core_member_gaps,
    coverage,
    member_progress,
    theil_decomposition,
    within_group_coefficients,
)
from junheng.standards import load_standard
from tests.builders import junior_school, nine_year_school, primary_school, table

NATIONAL = load_standard("national-2017")


def _groups(rows: Sequence[tuple[str, str, bool]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"school_id": pl.String, "group": pl.String, "core": pl.Boolean}, orient="row")


def _labels(rows: Sequence[tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"school_id": pl.String, "partition": pl.String}, orient="row")


COUNTY = [
    primary_school("a", students=400, sports_area_m2=400 * 12.0),
    primary_school("b", students=100, sports_area_m2=100 * 6.0),
    primary_school("c", students=250, teaching_aux_area_m2=250 * 3.0),
    junior_school("d", students=300),
    primary_school("e", students=150, sports_area_m2=150 * 4.0),
]


def test_coverage_by_hand_counts_schools_and_students() -> None:
    # a, b and d in groups: 3 of 5 schools, 400 + 100 + 300 = 800 of 1,200 students
    parts = evaluate(table(*COUNTY), NATIONAL).schools
    found = coverage(parts, _groups([("a", "g1", True), ("b", "g1", False), ("d", "g2", True)]))
    assert (found.schools, found.schools_in_groups, found.students, found.students_in_groups) == (5, 3, 1200, 800)
    assert found.school_share == pytest.approx(0.6)
    assert found.student_share == pytest.approx(800 / 1200)


def test_a_nine_year_school_counts_once_with_all_its_students() -> None:
    parts = evaluate(table(nine_year_school("n"), primary_school("p", students=100)), NATIONAL).schools
    found = coverage(parts, _groups([("n", "g", True)]))
    assert (found.schools, found.schools_in_groups) == (2, 1)
    assert found.students_in_groups == int(parts.filter(pl.col("school_id") == "n")["students"].sum())


def test_within_group_cv_equals_the_engines_cv_for_a_county_of_the_groups_schools() -> None:
    groups = _groups([("a", "g1", True), ("b", "g1", False), ("c", "g1", False), ("e", "g2", True)])
    parts = evaluate(table(*COUNTY), NATIONAL).schools
    within = within_group_coefficients(parts, groups, NATIONAL).filter(pl.col("group") == "g1")
    alone = evaluate(table(*(s for s in COUNTY if s["school_id"] in {"a", "b", "c"})), NATIONAL).levels
    assert within.height == 7
    joined = within.join(alone, on=["level", "indicator"])
    assert joined.height == 7
    assert joined["cv"].to_list() == joined["cv_right"].to_list()
    assert joined["students"].to_list() == [750] * 7
    # L5 (sports ground) differs by hand: 12, 6 and 7.5 ㎡ for 400, 100, 250 students
    l5 = within.filter(pl.col("indicator") == "L5").row(0, named=True)
    mean = (400 * 12 + 100 * 6 + 250 * 7.5) / 750
    sd = math.sqrt((400 * (12 - mean) ** 2 + 100 * (6 - mean) ** 2 + 250 * (7.5 - mean) ** 2) / 750)
    assert l5["cv"] == pytest.approx(sd / mean)


def test_core_minus_members_is_the_weighted_mean_difference() -> None:
    groups = _groups([("a", "g1", True), ("b", "g1", False), ("e", "g1", False)])
    parts = evaluate(table(*COUNTY), NATIONAL).schools
    gaps = core_member_gaps(parts, groups, NATIONAL)
    l5 = gaps.filter(pl.col("indicator") == "L5").row(0, named=True)
    members = (100 * 6.0 + 150 * 4.0) / 250  # 4.8 ㎡ per student
    assert (l5["core"], l5["members"]) == (pytest.approx(12.0), pytest.approx(members))
    assert l5["gap"] == pytest.approx(12.0 - members)
    assert gaps.filter(pl.col("indicator") == "L4")["gap"].item() == pytest.approx(0.0)


def test_a_group_without_a_core_part_of_a_level_has_no_gap() -> None:
    groups = _groups([("d", "g", True), ("b", "g", False)])  # core is a junior school, member primary
    gaps = core_member_gaps(evaluate(table(*COUNTY), NATIONAL).schools, groups, NATIONAL)
    assert gaps.filter(pl.col("level") == "primary")["gap"].null_count() == 7


# Theil T: the slow oracle expands every school into its students, each carrying the school's value.


def _theil_oracle(
    schools: Sequence[tuple[int, float, str]],
) -> tuple[float, float, float]:
    """(total, between, within) of Theil T over the students of `schools` (students, value, group)."""
    people = [(x, g) for p, x, g in schools for _ in range(p)]

    def theil(values: list[float]) -> float:
        mean = sum(values) / len(values)
        return sum((x / mean) * math.log(x / mean) for x in values if x > 0) / len(values)

    everyone = [x for x, _ in people]
    mean = sum(everyone) / len(everyone)
    between = within = 0.0
    for group in {g for _, g in people}:
        members = [x for x, g in people if g == group]
        share = len(members) / len(everyone)
        ratio = (sum(members) / len(members)) / mean
        if ratio > 0:
            between += share * ratio * math.log(ratio)
        within += share * ratio * theil(members)
    return theil(everyone), between, within


def _sports(schools: Sequence[tuple[int, float, str]]) -> pl.DataFrame:
    rows = [primary_school(f"s{i}", students=p, sports_area_m2=p * x) for i, (p, x, _) in enumerate(schools)]
    parts = evaluate(table(*rows), NATIONAL).schools
    labels = _labels([(f"s{i}", g) for i, (_, _, g) in enumerate(schools) if g != UNGROUPED])
    return theil_decomposition(parts, labels, NATIONAL).filter(pl.col("indicator") == "L5")


def test_theil_by_hand_two_equal_groups_of_one_school_is_all_between() -> None:
    # 100 students at 2 ㎡ and 100 at 6 ㎡: mean 4; T = ½(½ ln ½) + ½(1½ ln 1½) = 0.130812…
    row = _sports([(100, 2.0, "g1"), (100, 6.0, UNGROUPED)]).row(0, named=True)
    expected = 0.5 * 0.5 * math.log(0.5) + 0.5 * 1.5 * math.log(1.5)
    assert row["total"] == pytest.approx(expected)
    assert row["between"] == pytest.approx(expected)
    assert row["within"] == pytest.approx(0.0)
    assert row["between_share"] == pytest.approx(1.0)


def test_theil_total_is_between_plus_within_and_matches_the_oracle() -> None:
    schools = [(120, 3.0, "g1"), (80, 9.0, "g1"), (200, 7.5, "g2"), (50, 5.0, "g2"), (90, 11.0, UNGROUPED)]
    row = _sports(schools).row(0, named=True)
    total, between, within = _theil_oracle(schools)
    assert row["total"] == pytest.approx(row["between"] + row["within"], rel=1e-12)
    assert (row["total"], row["between"], row["within"]) == (
        pytest.approx(total, rel=1e-9),
        pytest.approx(between, rel=1e-9),
        pytest.approx(within, rel=1e-9),
    )


def test_a_part_without_the_resource_adds_nothing_and_the_split_still_holds() -> None:
    schools = [(100, 0.0, "g1"), (100, 8.0, "g1"), (100, 8.0, UNGROUPED)]
    row = _sports(schools).row(0, named=True)
    total, between, within = _theil_oracle(schools)
    assert (row["total"], row["between"], row["within"]) == (
        pytest.approx(total),
        pytest.approx(between),
        pytest.approx(within),
    )
    assert row["between"] + row["within"] == pytest.approx(row["total"])


def test_theil_is_computed_per_level() -> None:
    parts = evaluate(table(*COUNTY), NATIONAL).schools
    found = theil_decomposition(parts, _labels([("a", "g"), ("d", "g")]), NATIONAL)
    assert found["level"].unique(maintain_order=True).to_list() == ["primary", "junior"]
    junior = found.filter(pl.col("level") == "junior")
    assert junior["total"].to_list() == [pytest.approx(0.0)] * 7  # one junior school: no inequality


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=60),
            # none of the resource, or a realistic amount per student (subnormal floats underflow the oracle's logs)
            st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=30.0)),
            st.sampled_from(["g1", "g2", "g3", UNGROUPED]),
        ),
        min_size=1,
        max_size=8,
    ).filter(lambda s: sum(x for _, x, _ in s) > 0)
)
def test_theil_agrees_with_the_oracle_on_random_counties(schools: list[tuple[int, float, str]]) -> None:
    row = _sports(schools).row(0, named=True)
    total, between, within = _theil_oracle(schools)
    assert row["total"] == pytest.approx(total, rel=1e-6, abs=1e-9)
    assert row["between"] == pytest.approx(between, rel=1e-6, abs=1e-9)
    assert row["within"] == pytest.approx(within, rel=1e-6, abs=1e-9)
    assert row["total"] == pytest.approx(row["between"] + row["within"], rel=1e-9, abs=1e-12)


def _yearly(rows: Sequence[tuple[int, str, str, bool]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"year": pl.Int64, "school_id": pl.String, "group": pl.String, "core": pl.Boolean}, orient="row"
    )


def test_member_progress_shows_a_members_gap_to_the_core_closing_year_by_year() -> None:
    # core a: 400 students at 12 ㎡ both years; member b: 6 ㎡ in 2024, 9 ㎡ in 2025; c joins in 2025 at 4 ㎡
    y2024 = table(
        primary_school("a", students=400, sports_area_m2=400 * 12.0),
        primary_school("b", students=100, sports_area_m2=100 * 6.0),
        primary_school("c", students=100, sports_area_m2=100 * 4.0),
    ).with_columns(pl.lit(2024).alias("year"))
    y2025 = table(
        primary_school("a", students=400, sports_area_m2=400 * 12.0),
        primary_school("b", students=100, sports_area_m2=100 * 9.0),
        primary_school("c", students=100, sports_area_m2=100 * 4.0),
    ).with_columns(pl.lit(2025).alias("year"))
    parts = pl.concat([evaluate(y2024, NATIONAL).schools, evaluate(y2025, NATIONAL).schools])
    groups = _yearly([(2024, "a", "g", True), (2024, "b", "g", False), (2025, "a", "g", True), (2025, "b", "g", False)])
    groups = pl.concat([groups, _yearly([(2025, "c", "g", False)])])
    progress = member_progress(parts, groups, NATIONAL).filter(pl.col("indicator") == "L5")
    assert progress.select("year", "school_id", "value", "core", "ratio", "difference").rows() == [
        (2024, "b", 6.0, 12.0, 0.5, -6.0),
        (2025, "b", 9.0, 12.0, 0.75, -3.0),
        (2025, "c", 4.0, 12.0, pytest.approx(1 / 3), -8.0),
    ]
    assert member_progress(parts, groups, NATIONAL).height == 3 * len(NATIONAL.indicators)


def test_member_progress_without_a_core_school_of_that_level_has_no_ratio() -> None:
    parts = evaluate(table(junior_school("j", students=300), primary_school("p", students=100)), NATIONAL).schools
    groups = _yearly([(int(parts["year"][0]), "j", "g", True), (int(parts["year"][0]), "p", "g", False)])
    progress = member_progress(parts, groups, NATIONAL)
    assert progress.height == len(NATIONAL.indicators)
    assert progress["core"].null_count() == progress.height
    assert progress["ratio"].null_count() == progress.height


def test_balance_by_year_shows_a_group_closing_its_gap() -> None:
    """Two schools of one group: sports ground 12 and 4 ㎡ a student in 2024, 10 and 8 in 2025. The
    group's mean CV falls; the county row (with a third school outside the group) comes first."""

    def year(y: int, a: float, b: float) -> list[dict[str, object]]:
        return [
            primary_school("a", students=200, year=y, sports_area_m2=200 * a),
            primary_school("b", students=100, year=y, sports_area_m2=100 * b),
            primary_school("c", students=300, year=y),
        ]

    parts = evaluate(table(*year(2024, 12.0, 4.0), *year(2025, 10.0, 8.0)), NATIONAL).schools
    groups = pl.DataFrame(
        [(y, s, "城东", s == "a") for y in (2024, 2025) for s in ("a", "b")],
        schema={"year": parts.schema["year"], "school_id": pl.String, "group": pl.String, "core": pl.Boolean},
        orient="row",
    )
    balance = balance_by_year(parts, groups, NATIONAL)
    assert balance.select("group", "year").rows() == [("全县", 2024), ("全县", 2025), ("城东", 2024), ("城东", 2025)]
    own = balance.filter(pl.col("group") == "城东")
    assert own["schools"].to_list() == [2, 2]
    first, second = own["mean_cv"].to_list()
    assert second < first
    within = within_group_coefficients(
        parts.filter(pl.col("year") == 2024), groups.filter(pl.col("year") == 2024), NATIONAL
    )
    assert first == pytest.approx(within["cv"].mean())
