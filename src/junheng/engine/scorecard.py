"""The bundled evaluation of education groups (捆绑考核, issue 6 §1): the items a county defines, the
value of each item for each group, and the weighted score.

No weights ship with the system: none are official, so every item, weight and target is the county's.
An item takes its value from one of `SOURCES` (what the system can compute, or a value the county
enters) and scores it by one of two rules, as a share of full marks (0–100):

- `threshold`: full marks when the value reaches the target (≥ when higher is better, ≤ when lower is
  better), else 0;
- `linear`: 0 at the floor, full marks at the target, linear between and clamped outside. The floor is
  on the worse side of the target (below it when higher is better, above it when lower is better).

A group's score is Σ weight × item score ÷ Σ weight over the items **with data**. An item without data
(未取得数据: no member figures that year, no core school for a gap, no school rule in the standard, no
value entered) is left out of both sums rather than scored 0, so a group is not marked down for a figure
the system could not compute; the weight that was scored is reported beside the score so a reader sees
how much of the scorecard stands behind it. With no item scored, the score is null.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import polars as pl

from junheng.engine.groups import core_member_gaps, within_group_coefficients
from junheng.engine.indicators import resource_column
from junheng.standards import Standard

MEAN = "mean"
CV = "cv"
GAP = "gap"
ACTIVITIES = "activities"
PASS_SHARE = "pass_share"
MANUAL = "manual"
SOURCES = (MEAN, CV, GAP, ACTIVITIES, PASS_SHARE, MANUAL)
INDICATOR_SOURCES = frozenset({MEAN, CV, GAP})

THRESHOLD = "threshold"
LINEAR = "linear"
RULES = (THRESHOLD, LINEAR)


@dataclass(frozen=True, slots=True)
class Item:
    """One line of the scorecard. `indicator` and `level` name the figure of an indicator source."""

    key: int
    source: str
    weight: float
    rule: str
    higher_is_better: bool
    target: float
    floor: float | None = None
    indicator: str | None = None
    level: str | None = None


@dataclass(frozen=True)
class Scorecard:
    """`items`: one row per group and item: `group`, `item`, `value`, `score` (0–100, null without data).
    `totals`: one row per group: `group`, `score` (0–100, null when no item has data), `weight_scored`,
    `weight_total`."""

    items: pl.DataFrame
    totals: pl.DataFrame


VALUES_SCHEMA = {"group": pl.String, "item": pl.Int64, "value": pl.Float64}


def _items_frame(items: Sequence[Item]) -> pl.DataFrame:
    schema = {
        "key": pl.Int64,
        "source": pl.String,
        "weight": pl.Float64,
        "rule": pl.String,
        "higher_is_better": pl.Boolean,
        "target": pl.Float64,
        "floor": pl.Float64,
        "indicator": pl.String,
        "level": pl.String,
    }
    return pl.DataFrame([asdict(i) for i in items], schema=schema, orient="row")


def _member_means(members: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """Enrolment-weighted mean (ΣR × k ÷ ΣP) of every indicator over a group's parts of a 学段."""
    sums = members.group_by("group", "level").agg(
        pl.col("students").sum(), *(pl.col(resource_column(i.id)).sum() for i in standard.indicators)
    )
    return pl.concat(
        sums.select(
            "group",
            "level",
            pl.lit(i.id).alias("indicator"),
            pl.when(pl.col("students") > 0)
            .then(pl.col(resource_column(i.id)) * i.per_students / pl.col("students"))
            .alias("value"),
        )
        for i in standard.indicators
    )


def _pass_shares(members: pl.DataFrame) -> pl.DataFrame:
    """Member schools passing the school rule (every part passes) ÷ member schools; null without a rule."""
    per_school = members.group_by("group", "school_id").agg(
        pl.col("pass").all().alias("passes"), pl.col("pass").is_null().any().alias("unknown")
    )
    return per_school.group_by("group").agg(
        pl.when(pl.col("unknown").any()).then(None).otherwise(pl.col("passes").mean()).alias("value")
    )


def source_values(
    items: Sequence[Item],
    *,
    group_names: Sequence[str],
    parts: pl.DataFrame,
    groups: pl.DataFrame,
    standard: Standard,
    activities: pl.DataFrame,
    manual: pl.DataFrame,
) -> pl.DataFrame:
    """The value of every item for every group (columns `group`, `item`, `value`; null without data).

    `parts` are the evaluated school parts of the year (`Evaluation.schools`), `groups` the memberships in
    force (`school_id`, `group`, `core`), `activities` the joint activities of the year per group (`group`,
    `count`; a group absent held none), `manual` the values the county entered (`group`, `item`, `value`).
    """
    members = parts.join(groups.select("school_id", "group", "core"), on="school_id", how="inner")
    indicator_figures = {
        MEAN: _member_means(members, standard),
        CV: within_group_coefficients(parts, groups, standard).select(
            "group", "level", "indicator", pl.col("cv").alias("value")
        ),
        GAP: core_member_gaps(parts, groups, standard).select(
            "group", "level", "indicator", pl.col("gap").alias("value")
        ),
    }
    pass_shares = _pass_shares(members) if "pass" in members.columns else pl.DataFrame(schema=VALUES_SCHEMA)
    counts = activities.select("group", pl.col("count").cast(pl.Float64).alias("value"))
    every_group = pl.DataFrame({"group": list(group_names)}, schema={"group": pl.String})
    frames = []
    for item in items:
        if item.source in INDICATOR_SOURCES:
            found = indicator_figures[item.source].filter(
                (pl.col("indicator") == item.indicator) & (pl.col("level") == item.level)
            )
        elif item.source == PASS_SHARE:
            found = pass_shares
        elif item.source == ACTIVITIES:
            found = every_group.join(counts, on="group", how="left").with_columns(pl.col("value").fill_null(0.0))
        else:
            found = manual.filter(pl.col("item") == item.key)
        frames.append(
            every_group.join(found.select("group", pl.col("value").cast(pl.Float64)), on="group", how="left").select(
                "group", pl.lit(item.key, dtype=pl.Int64).alias("item"), "value"
            )
        )
    return pl.concat(frames) if frames else pl.DataFrame(schema=VALUES_SCHEMA)


def score(items: Sequence[Item], values: pl.DataFrame) -> Scorecard:
    """Each item's score and each group's weighted score from `values` (`group`, `item`, `value`)."""
    rules = _items_frame(items)
    value, target, floor = pl.col("value"), pl.col("target"), pl.col("floor")
    reached = pl.when(pl.col("higher_is_better")).then(value >= target).otherwise(value <= target)
    scored = values.join(rules, left_on="item", right_on="key", how="inner").with_columns(
        pl.when(value.is_null())
        .then(None)
        .when(pl.col("rule") == THRESHOLD)
        .then(pl.when(reached).then(100.0).otherwise(0.0))
        .otherwise(((value - floor) / (target - floor)).clip(0.0, 1.0) * 100.0)
        .alias("score")
    )
    weight_scored = pl.when(pl.col("score").is_not_null()).then(pl.col("weight")).otherwise(0.0).sum()
    totals = scored.group_by("group", maintain_order=True).agg(
        ((pl.col("weight") * pl.col("score")).sum() / weight_scored).alias("score"),
        weight_scored.alias("weight_scored"),
        pl.col("weight").sum().alias("weight_total"),
    )
    totals = totals.with_columns(pl.when(pl.col("weight_scored") > 0).then(pl.col("score")).alias("score"))
    return Scorecard(items=scored.select("group", "item", "value", "score"), totals=totals)
