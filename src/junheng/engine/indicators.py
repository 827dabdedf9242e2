"""Per-school indicator values, standard.md §2 (and §8 for basic-2012)."""

from __future__ import annotations

import polars as pl

from junheng.standards import Indicator, Standard


def resource_column(indicator_id: str) -> str:
    """The part's amount of an indicator's resource (after splitting)."""
    return f"r_{indicator_id}"


def value_column(indicator_id: str) -> str:
    return f"v_{indicator_id}"


def _per_level_resource(indicator: Indicator, standard: Standard) -> pl.Expr:
    expr: pl.Expr = pl.lit(None, dtype=pl.Float64)
    for level in reversed(standard.levels):
        expr = (
            pl.when(pl.col("level") == level)
            .then(pl.col(indicator.resource_column(level)).cast(pl.Float64))
            .otherwise(expr)
        )
    return expr


def part_resource(indicator: Indicator, standard: Standard) -> pl.Expr:
    """The resource a school part holds: its own 学段's count, or its share of a shared resource."""
    if indicator.per_level_resource:
        return _per_level_resource(indicator, standard)
    return pl.col(f"{indicator.resource}@part")


def indicator_values(parts: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """Add `r_ID` and `v_ID` for every indicator: resource × per_students ÷ students.

    A school with one 学段 gets R·k ÷ N computed from its whole resource, so a value exactly at a
    threshold (21 teachers for 500 students → 4.2) compares equal to it.
    """
    with_resources = parts.with_columns(
        part_resource(ind, standard).alias(resource_column(ind.id)) for ind in standard.indicators
    )
    single = pl.col("weight_part") == pl.col("weight_total")
    values = []
    for ind in standard.indicators:
        k = ind.per_students
        whole = pl.col(ind.resource).cast(pl.Float64) if not ind.per_level_resource else pl.col(resource_column(ind.id))
        values.append(
            pl.when(single)
            .then(whole * k / pl.col("students"))
            .otherwise(pl.col(resource_column(ind.id)) * k / pl.col("students"))
            .alias(value_column(ind.id))
        )
    return with_resources.with_columns(values)
