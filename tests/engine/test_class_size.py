"""Class-size bands and shares, worked by hand (standard.md §5 G5, §9)."""

from __future__ import annotations

import polars as pl
import pytest

from junheng.engine.class_size import ClassSizeRules, classify, distribution, over_limit, shares
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
    g5 = load_standard("national-2017").raw["guarantee"]["G5"]["max_class_size"]
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
