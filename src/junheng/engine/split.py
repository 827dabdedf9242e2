"""Schools that span 学段, standard.md §4: one part per 学段, shared resources split by weighted enrolment."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from junheng.levels import ALL_LEVELS
from junheng.schema import FIELDS_BY_KEY, Kind
from junheng.standards import Standard


def integer_weights(standard: Standard) -> dict[str, int]:
    """The split weights scaled to integers (1, 1.1, 1.32 → 100, 110, 132) so that sums of w·N are exact."""
    weights = standard.split_weights
    places = max(-min(int(w.as_tuple().exponent), 0) for w in weights.values())
    scale = Decimal(10) ** places
    return {lv: int(w * scale) for lv, w in weights.items()}


def _weighted(level: str, weights: dict[str, int]) -> pl.Expr:
    return pl.col(f"students_{level}").cast(pl.Int64) * weights[level]


def part_column(column: str, level: str) -> str:
    """Name of the column holding a 学段's part of a shared resource."""
    return f"{column}@{level}"


def split_shared_resources(schools: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """Add `weight_total` (Σ w·N, senior included) and each shared resource's part per 学段.

    A part is R · w·N_part ÷ Σ w·N; the senior part is computed and dropped. With the standard's
    `split_rooms_as_fractions` off, whole-number resources (rooms, computers, books) are shared
    out in whole units by largest remainder, so that all parts still add up to the school's total.
    """
    weights = integer_weights(standard)
    total = pl.sum_horizontal([_weighted(lv, weights) for lv in ALL_LEVELS])
    out = schools.with_columns(total.alias("weight_total"))
    for column in standard.shared_columns:
        whole = pl.col(column).cast(pl.Float64)
        exact = {lv.value: whole * _weighted(lv, weights) / pl.col("weight_total") for lv in ALL_LEVELS}
        integral = FIELDS_BY_KEY[column].kind is Kind.INTEGER
        parts = exact if standard.split_rooms_as_fractions or not integral else _largest_remainder(whole, exact)
        out = out.with_columns(
            pl.when(pl.col("weight_total") > 0).then(parts[lv]).otherwise(0.0).alias(part_column(column, lv))
            for lv in ALL_LEVELS
        )
    return out


def _largest_remainder(whole: pl.Expr, exact: dict[str, pl.Expr]) -> dict[str, pl.Expr]:
    floors = {lv: e.floor() for lv, e in exact.items()}
    fractions = {lv: exact[lv] - floors[lv] for lv in exact}
    left_over = whole - pl.sum_horizontal(list(floors.values()))
    parts: dict[str, pl.Expr] = {}
    order = list(exact)
    for i, lv in enumerate(order):
        ahead = [
            (fractions[other] > fractions[lv]) | ((fractions[other] == fractions[lv]) & pl.lit(j < i))
            for j, other in enumerate(order)
            if other != lv
        ]
        rank = pl.sum_horizontal([a.cast(pl.Int64) for a in ahead])
        parts[lv] = floors[lv] + pl.when(rank < left_over.round(0)).then(1.0).otherwise(0.0)
    return parts


def school_parts(schools: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """One row per school and compulsory 学段 with students, with `level`, `students`, `weight_part`.

    Expects the columns of `split_shared_resources`. For shared resources a part's value is
    R · w / Σ w·N per student, computed from the whole so that a school with one 学段 gets
    exactly R ÷ N.
    """
    weights = integer_weights(standard)
    parts = [
        schools.filter(pl.col(f"students_{lv}") > 0).with_columns(
            pl.lit(lv).alias("level"),
            pl.col(f"students_{lv}").cast(pl.Int64).alias("students"),
            _weighted(lv, weights).alias("weight_part"),
            *(pl.col(part_column(c, lv)).alias(f"{c}@part") for c in standard.shared_columns),
        )
        for lv in standard.levels
    ]
    return pl.concat(parts, how="vertical")
