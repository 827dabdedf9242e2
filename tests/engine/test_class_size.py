"""Class-size bands and shares, worked by hand (standard.md §5 G5, §9)."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest

from junheng.engine import class_size
from junheng.engine.class_size import (
    ClassSizeRules,
    InvalidIntake,
    classify,
    distribution,
    over_limit,
    shares,
    start_grade_guard,
)
from junheng.standards import load_standard

RULES = ClassSizeRules.of(load_standard("national-2017"))


def _classes(level: str, *sizes: int) -> pl.DataFrame:
    return pl.DataFrame({"level": [level] * len(sizes), "students": list(sizes)})


@pytest.mark.parametrize(
    ("students", "band"),
    [
        (0, "normal"),
        (45, "normal"),
        (46, "above_45"),
        (50, "above_45"),
        (51, "above_50"),
        (55, "above_50"),
        (56, "large"),
        (65, "large"),
        (66, "very_large"),
        (120, "very_large"),
    ],
)
def test_band_edges(students: int, band: str) -> None:
    assert classify(_classes("primary", students), RULES)["band"].item() == band


def test_45_is_not_over_the_primary_limit_46_is_and_junior_allows_50() -> None:
    primary = classify(_classes("primary", 45, 46), RULES)["over_limit"].to_list()
    junior = classify(_classes("junior", 50, 51), RULES)["over_limit"].to_list()
    assert (primary, junior) == ([False, True], [False, True])


def test_limits_agree_with_g5() -> None:
    g5 = load_standard("national-2017").guarantee["G5"].max_class_size
    assert RULES.limits == g5


def test_shares_of_a_county_of_20_classes_by_hand() -> None:
    # 20 classes: 16 normal, 1 of 48, 2 of 56–65 (大班额), 1 of 70 (超大班额).
    # 大班额 (56+ incl. 超大) = 3/20 = 15 % > 5 %; 超大 = 1/20 = 5 % > 2 %; over 45: 4.
    table = _classes("primary", *([40] * 16), 48, 56, 65, 70)
    row = shares(table, RULES).row(0, named=True)
    assert (row["classes"], row["over_limit"], row["large"], row["very_large"]) == (20, 4, 3, 1)
    assert row["large_share"] == pytest.approx(0.15)
    assert row["very_large_share"] == pytest.approx(0.05)
    assert (row["large_meets"], row["very_large_meets"]) == (False, False)


def test_shares_at_exactly_the_target_meet_it() -> None:
    # 1 of 20 is 5 %: 大班额 target ≤ 5 % is met; 1 超大 of 50 is 2 %: met.
    assert shares(_classes("primary", *([40] * 19), 60), RULES)["large_meets"].item() is True
    assert shares(_classes("primary", *([40] * 49), 66), RULES)["very_large_meets"].item() is True


def test_shares_by_school_and_township_and_distribution() -> None:
    table = pl.DataFrame(
        {
            "township": ["河口镇", "河口镇", "城关镇", "城关镇"],
            "school": ["a", "b", "c", "c"],
            "level": ["primary", "junior", "primary", "primary"],
            "students": [44, 58, 66, 30],
        }
    )
    by_school = shares(table, RULES, ["school"])
    assert by_school["large"].to_list() == [0, 1, 1]
    by_township = shares(table, RULES, ["township"]).sort("township")
    assert by_township["very_large_share"].to_list() == [0.5, 0.0]  # 城关镇, 河口镇
    counts = distribution(table, RULES, ["township"]).filter(pl.col("township") == "城关镇")
    assert counts["classes"].to_list() == [1, 0, 0, 0, 1]
    assert over_limit(table, RULES)["students"].to_list() == [58, 66]


def _plans(*plans: tuple[str, int, int, int]) -> pl.DataFrame:
    return pl.DataFrame(plans, schema=["level", "grade", "students", "classes"], orient="row")


def test_the_start_grade_guard_by_hand() -> None:
    # 90 in 2 primary classes: 45 each, fine; 91 in 2: one class of 46, needs ⌈91/45⌉ = 3;
    # junior 101 in 2: one class of 51 > 50, needs ⌈101/50⌉ = 3; junior 100 in 2: 50, fine, needs 2.
    plans = _plans(("primary", 1, 90, 2), ("primary", 1, 91, 2), ("junior", 7, 101, 2), ("junior", 7, 100, 2))
    guarded = start_grade_guard(plans, RULES)
    assert guarded["largest_class"].to_list() == [45, 46, 51, 50]
    assert guarded["over_limit"].to_list() == [False, True, True, False]
    assert guarded["classes_needed"].to_list() == [2, 3, 3, 2]
    assert guarded["limit"].to_list() == [45, 45, 50, 50]


def test_the_guard_takes_its_limits_from_the_standard() -> None:
    stricter = replace(RULES, limits={"primary": 40, "junior": 45})
    guarded = start_grade_guard(_plans(("primary", 1, 90, 2)), stricter)
    assert guarded.select("over_limit", "classes_needed").row(0) == (True, 3)


def test_the_guard_refuses_students_in_no_class_and_a_grade_that_is_not_a_start() -> None:
    plans = _plans(("primary", 1, 40, 1), ("primary", 1, 30, 0), ("junior", 8, 50, 1), ("primary", 1, 0, 0))
    with pytest.raises(InvalidIntake) as caught:
        start_grade_guard(plans, RULES)
    problems = [(p.index, p.column) for p in caught.value.problems]
    assert problems == [(1, "classes"), (2, "grade")]
    assert "计划招生 30 人却计划 0 个班" in caught.value.problems[0].message
    assert "初中只能填 7 年级" in caught.value.problems[1].message


@pytest.mark.parametrize(
    ("month", "year", "school_year"), [(9, 2025, 2025), (8, 2025, 2025), (3, 2026, 2025), (7, 2026, 2025)]
)
def test_the_school_year_starts_in_august(month: int, year: int, school_year: int) -> None:
    assert class_size.school_year(month, year) == school_year


def test_a_class_keeps_its_cohort_when_promoted() -> None:
    table = pl.DataFrame(
        {
            "level": ["primary", "primary", "junior", "junior"],
            "grade": [3, 4, 7, 9],
            "school_year": [2025, 2026, 2025, 2027],
        }
    )
    assert table.select(class_size.cohort_expr())["cohort"].to_list() == [2023, 2023, 2025, 2025]
