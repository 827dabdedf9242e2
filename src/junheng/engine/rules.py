"""The school rule and shortfalls, standard.md §2: which indicators meet, which sit above the 85 % floor."""

from __future__ import annotations

import polars as pl

from junheng.engine.indicators import value_column
from junheng.standards import Indicator, SchoolRule, Standard

# A CV of exactly 0.5 can come out of floating point as 0.5000000000000001, a split school's value at a
# threshold as 4.199999999999999; differences this small are arithmetic noise, never data, so limits and
# thresholds are judged with this much (relative) slack.
FLOAT_NOISE = 1e-12


def meets_column(indicator_id: str) -> str:
    return f"meets_{indicator_id}"


def floor_column(indicator_id: str) -> str:
    return f"above_floor_{indicator_id}"


def at_least(value: pl.Expr, bound: pl.Expr) -> pl.Expr:
    """value ≥ bound, up to floating-point noise."""
    return value >= bound - bound.abs() * FLOAT_NOISE


def level_constant(values: dict[str, float]) -> pl.Expr:
    """A per-学段 constant (a threshold, a floor, a limit) as an expression over a `level` column.

    A chain of comparisons: on a national table it is several times faster than a mapping lookup.
    """
    expr = pl.lit(None, dtype=pl.Float64)
    for level, value in values.items():
        expr = pl.when(pl.col("level") == level).then(pl.lit(value, dtype=pl.Float64)).otherwise(expr)
    return expr


def thresholds(indicator: Indicator) -> dict[str, float]:
    return {lv: float(t) for lv, t in indicator.thresholds.items()}


def floors(indicator: Indicator, rule: SchoolRule) -> dict[str, float]:
    """The floors computed in decimal first (4.2 × 0.85 = 3.57, not 3.5700000000000003)."""
    return {lv: float(rule.floor(t)) for lv, t in indicator.thresholds.items()}


def school_rule(parts: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """Add `meets_ID`, `above_floor_ID`, `met_count` and `pass` (at least min_met meet, the rest ≥ floor)."""
    rule = standard.school_rule
    if rule is None:
        return parts.with_columns(pl.lit(None, dtype=pl.Boolean).alias("pass"))
    meets = [
        at_least(pl.col(value_column(ind.id)), level_constant(thresholds(ind))).alias(meets_column(ind.id))
        for ind in standard.indicators
    ]
    above = [
        at_least(pl.col(value_column(ind.id)), level_constant(floors(ind, rule))).alias(floor_column(ind.id))
        for ind in standard.indicators
    ]
    marked = parts.with_columns(*meets, *above)
    met_count = pl.sum_horizontal([pl.col(meets_column(i)).cast(pl.Int32) for i in standard.indicator_ids])
    all_above = pl.all_horizontal([pl.col(meets_column(i)) | pl.col(floor_column(i)) for i in standard.indicator_ids])
    return marked.with_columns(met_count.alias("met_count")).with_columns(
        ((pl.col("met_count") >= rule.min_met) & all_above).alias("pass")
    )


def shortfall_amount(indicator: Indicator, target: pl.Expr) -> pl.Expr:
    """How much of the resource the whole school must add for its part to reach `target`.

    For a shared resource the whole school's amount is what can be added, and only the part's
    weighted share of it counts: ΔR = (target − X) · N ÷ k · Σw·N ÷ w·N_part. Whole units
    (teachers, rooms) are rounded up, other amounts up to the cent or 0.01 ㎡; float noise below
    1e-6 is dropped first.
    """
    gap = (target - pl.col(value_column(indicator.id))) * pl.col("students") / indicator.per_students
    if not indicator.per_level_resource:
        gap = gap * pl.col("weight_total") / pl.col("weight_part")
    gap = pl.max_horizontal(gap.round(6), pl.lit(0.0))
    return gap.ceil() if indicator.integral else (gap * 100).ceil() / 100
