"""The difference coefficient (差异系数), standard.md §3: the enrolment-weighted CV, population form."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl


def coefficients_by_group(
    parts: pl.DataFrame,
    keys: Sequence[str],
    indicators: Sequence[tuple[str, str, str, int]],
    students: str = "students",
) -> pl.DataFrame:
    """The difference coefficient of every indicator per group, standard.md §3.

        X̄ = Σ R_i ÷ Σ P_i (× per_students)      CV = sqrt(Σ P_i (X_i − X̄)² ÷ Σ P_i) ÷ X̄

    One row per group and indicator: keys, `schools`, `students`, `indicator`, `mean`, `cv` (null
    where X̄ is 0: the CV is undefined). `indicators` holds (id, value column, resource column,
    per_students). Two passes, as the formula reads: the weighted means first, then the weighted
    squared deviations from them; both are plain sums, which Polars aggregates fastest.
    """
    keys = list(keys)
    sums = parts.group_by(keys, maintain_order=True).agg(
        pl.len().alias("schools"),
        pl.col(students).sum().alias("students"),
        *(pl.col(resource).sum().alias(f"sum:{ind}") for ind, _, resource, _ in indicators),
    )
    means = sums.select(
        *keys,
        "schools",
        "students",
        *((pl.col(f"sum:{ind}") * per / pl.col("students")).alias(f"mean:{ind}") for ind, _, _, per in indicators),
    )
    squares = (
        parts.select(*keys, students, *(value for _, value, _, _ in indicators))
        .join(means.drop("schools", "students"), on=keys, how="left", nulls_equal=True)
        .group_by(keys)
        .agg(
            (pl.col(students) * (pl.col(value) - pl.col(f"mean:{ind}")) ** 2).sum().alias(f"squares:{ind}")
            for ind, value, _, _ in indicators
        )
    )
    wide = means.join(squares, on=keys, how="left", nulls_equal=True, maintain_order="left")
    return pl.concat(
        wide.select(
            *keys,
            "schools",
            "students",
            pl.lit(ind).alias("indicator"),
            pl.col(f"mean:{ind}").alias("mean"),
            pl.when(pl.col(f"mean:{ind}") != 0)
            .then((pl.col(f"squares:{ind}") / pl.col("students")).sqrt() / pl.col(f"mean:{ind}"))
            .otherwise(None)
            .alias("cv"),
        )
        for ind, _, _, _ in indicators
    ).sort(keys, maintain_order=True)
