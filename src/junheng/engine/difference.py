"""The difference coefficient (差异系数), standard.md §3: the enrolment-weighted CV, population form."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl


def weighted_mean(resource: str, students: str, per_students: int) -> pl.Expr:
    """X̄ = Σ R_i ÷ Σ P_i (× per_students), as an aggregation."""
    return pl.col(resource).sum() * per_students / pl.col(students).sum()


def difference_coefficient(value: str, resource: str, students: str, per_students: int) -> pl.Expr:
    """CV = sqrt(Σ P_i (X_i − X̄)² ÷ Σ P_i) ÷ X̄ as an aggregation; null where X̄ is 0 (undefined)."""
    mean = weighted_mean(resource, students, per_students)
    variance = (pl.col(students) * (pl.col(value) - mean) ** 2).sum() / pl.col(students).sum()
    return pl.when(mean != 0).then(variance.sqrt() / mean).otherwise(None)


def coefficients_by_group(
    parts: pl.DataFrame,
    keys: Sequence[str],
    indicators: Sequence[tuple[str, str, str, int]],
    students: str = "students",
) -> pl.DataFrame:
    """One row per group and indicator: keys, `schools`, `students`, `indicator`, `mean`, `cv`.

    `indicators` holds (id, value column, resource column, per_students).
    """
    aggregations: list[pl.Expr] = [pl.len().alias("schools"), pl.col(students).sum().alias("students")]
    for ind_id, value, resource, per in indicators:
        aggregations.append(
            pl.struct(
                weighted_mean(resource, students, per).alias("mean"),
                difference_coefficient(value, resource, students, per).alias("cv"),
            ).alias(ind_id)
        )
    wide = parts.group_by(list(keys), maintain_order=True).agg(aggregations)
    ids = [i[0] for i in indicators]
    return (
        wide.unpivot(on=ids, index=[*keys, "schools", "students"], variable_name="indicator", value_name="stat")
        .unnest("stat")
        .sort(list(keys), maintain_order=True)
    )
