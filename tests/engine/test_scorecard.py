"""The bundled evaluation of groups (捆绑考核): each source's value and each rule's score, by hand."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import pytest

from junheng.engine import evaluate
from junheng.engine.scorecard import (
    ACTIVITIES,
    CV,
    GAP,
    LINEAR,
    MANUAL,
    MEAN,
    PASS_SHARE,
    THRESHOLD,
    Item,
    score,
    source_values,
)
from junheng.standards import load_standard
from tests.builders import junior_school, primary_school, table

NATIONAL = load_standard("national-2017")
BASIC = load_standard("basic-2012")


def _values(rows: Sequence[tuple[str, int, float | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"group": pl.String, "item": pl.Int64, "value": pl.Float64}, orient="row")


def _scores(items: Sequence[Item], rows: Sequence[tuple[str, int, float | None]]) -> list[float | None]:
    return score(items, _values(rows)).items["score"].to_list()


def test_threshold_gives_full_marks_at_or_past_the_target_and_nothing_short_of_it() -> None:
    higher = Item(1, MANUAL, 1.0, THRESHOLD, True, target=10.0)
    lower = Item(2, MANUAL, 1.0, THRESHOLD, False, target=0.3)
    assert _scores([higher], [("g", 1, 9.99), ("g", 1, 10.0), ("g", 1, 12.0)]) == [0.0, 100.0, 100.0]
    assert _scores([lower], [("g", 2, 0.31), ("g", 2, 0.3), ("g", 2, 0.1)]) == [0.0, 100.0, 100.0]


def test_linear_is_zero_at_the_floor_full_at_the_target_and_clamped() -> None:
    higher = Item(1, MANUAL, 1.0, LINEAR, True, target=10.0, floor=6.0)
    # (7 − 6) ÷ (10 − 6) = 25 %; below the floor 0; past the target 100
    assert _scores([higher], [("g", 1, 7.0), ("g", 1, 5.0), ("g", 1, 6.0), ("g", 1, 11.0)]) == [25.0, 0.0, 0.0, 100.0]
    lower = Item(2, MANUAL, 1.0, LINEAR, False, target=0.3, floor=0.6)
    # a CV of 0.45 is half way from 0.6 (nothing) to 0.3 (full marks); 0.7 is past the floor
    found = _scores([lower], [("g", 2, 0.45), ("g", 2, 0.7), ("g", 2, 0.2)])
    assert found == [pytest.approx(50.0), 0.0, 100.0]


def test_the_total_is_the_weighted_mean_of_the_item_scores() -> None:
    items = [
        Item(1, MANUAL, 3.0, THRESHOLD, True, target=1.0),
        Item(2, MANUAL, 1.0, LINEAR, True, target=10.0, floor=0.0),
    ]
    card = score(items, _values([("g", 1, 1.0), ("g", 2, 4.0), ("h", 1, 0.0), ("h", 2, 10.0)]))
    # g: (3 × 100 + 1 × 40) ÷ 4 = 85; h: (3 × 0 + 1 × 100) ÷ 4 = 25
    assert card.totals.rows() == [("g", 85.0, 4.0, 4.0), ("h", 25.0, 4.0, 4.0)]


def test_an_item_without_data_is_left_out_of_both_sums_and_the_weight_scored_says_so() -> None:
    items = [Item(1, MANUAL, 3.0, THRESHOLD, True, target=1.0), Item(2, MANUAL, 1.0, THRESHOLD, True, target=1.0)]
    card = score(items, _values([("g", 1, None), ("g", 2, 1.0), ("h", 1, None), ("h", 2, None)]))
    assert card.items.filter(pl.col("group") == "g")["score"].to_list() == [None, 100.0]
    # g: only item 2 (weight 1 of 4) has data, so 100 over the weight scored; h: nothing to score
    assert card.totals.rows() == [("g", 100.0, 1.0, 4.0), ("h", None, 0.0, 4.0)]


SCHOOLS = [
    primary_school("a", students=400, sports_area_m2=400 * 12.0),
    primary_school("b", students=100, sports_area_m2=100 * 6.0),
    primary_school("c", students=100, sports_area_m2=100 * 4.0),
    junior_school("d", students=300),
]


def _groups(rows: Sequence[tuple[str, str, bool]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"school_id": pl.String, "group": pl.String, "core": pl.Boolean}, orient="row")


def _computed(items: Sequence[Item], standard: object = NATIONAL) -> dict[tuple[str, int], float | None]:
    assert standard is NATIONAL or standard is BASIC
    parts = evaluate(table(*SCHOOLS), standard).schools
    values = source_values(
        items,
        group_names=["g1", "g2", "empty"],
        parts=parts,
        groups=_groups([("a", "g1", True), ("b", "g1", False), ("c", "g1", False), ("d", "g2", True)]),
        standard=standard,
        activities=pl.DataFrame({"group": ["g1"], "count": [3]}),
        manual=_values([("g2", 6, 0.9)]),
    )
    return {(r["group"], r["item"]): r["value"] for r in values.iter_rows(named=True)}


def test_each_source_computes_its_value_by_hand() -> None:
    items = [
        Item(1, MEAN, 1.0, THRESHOLD, True, 1.0, indicator="L5", level="primary"),
        Item(2, CV, 1.0, THRESHOLD, False, 1.0, indicator="L5", level="primary"),
        Item(3, GAP, 1.0, THRESHOLD, False, 1.0, indicator="L5", level="primary"),
        Item(4, ACTIVITIES, 1.0, THRESHOLD, True, 1.0),
        Item(5, PASS_SHARE, 1.0, THRESHOLD, True, 1.0),
        Item(6, MANUAL, 1.0, THRESHOLD, True, 1.0),
    ]
    found = _computed(items)
    # g1 primary: 400 at 12, 100 at 6, 100 at 4 ㎡ → mean (4800 + 600 + 400) ÷ 600
    mean = 5800 / 600
    assert found[("g1", 1)] == pytest.approx(mean)
    sd = ((400 * (12 - mean) ** 2 + 100 * (6 - mean) ** 2 + 100 * (4 - mean) ** 2) / 600) ** 0.5
    assert found[("g1", 2)] == pytest.approx(sd / mean)
    # core 12 minus members (600 + 400) ÷ 200 = 5
    assert found[("g1", 3)] == pytest.approx(7.0)
    assert (found[("g1", 4)], found[("g2", 4)], found[("empty", 4)]) == (3.0, 0.0, 0.0)
    assert (found[("g1", 6)], found[("g2", 6)]) == (None, 0.9)
    # g2 has no primary school and no member besides its core: nothing to compute, not zero
    assert (found[("g2", 1)], found[("g2", 2)], found[("g2", 3)]) == (None, None, None)
    assert all(found[("empty", k)] is None for k in (1, 2, 3, 5, 6))


def test_the_pass_share_counts_member_schools_whose_every_part_passes() -> None:
    parts = evaluate(table(*SCHOOLS), NATIONAL).schools
    passing = set(parts.filter(pl.col("pass"))["school_id"].to_list())
    share = _computed([Item(5, PASS_SHARE, 1.0, THRESHOLD, True, 1.0)])[("g1", 5)]
    assert share == pytest.approx(len(passing & {"a", "b", "c"}) / 3)
    assert 0 < len(passing & {"a", "b", "c"}) < 3  # the builders' schools differ: the share is not trivial


def test_without_a_school_rule_the_pass_share_has_no_data() -> None:
    assert BASIC.school_rule is None
    assert _computed([Item(5, PASS_SHARE, 1.0, THRESHOLD, True, 1.0)], BASIC)[("g1", 5)] is None


def test_no_items_give_an_empty_scorecard() -> None:
    values = _computed([])
    assert values == {}
    card = score([], _values([]))
    assert (card.items.height, card.totals.height) == (0, 0)
