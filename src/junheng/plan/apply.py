"""Applying a plan's changes to the school table (contracts.md §3: the deltas are data-file column deltas)."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from junheng.plan.result import Change


def apply_changes(schools: pl.DataFrame, changes: Iterable[Change]) -> pl.DataFrame:
    """The table with every `delta` added to its school's column, each column keeping its dtype.

    A change to a school not in the table, or to a column it lacks, is an error: a plan is only ever
    applied to the data it was made from.
    """
    deltas = pl.DataFrame(
        [(c.school_id, c.column, c.delta) for c in changes],
        schema={"school_id": pl.String, "column": pl.String, "delta": pl.Float64},
        orient="row",
    )
    if deltas.height == 0:
        return schools
    unknown_ids = set(deltas["school_id"]) - set(schools["school_id"])
    unknown_columns = set(deltas["column"]) - set(schools.columns)
    if unknown_ids or unknown_columns:
        raise ValueError(f"plan changes unknown schools {sorted(unknown_ids)} or columns {sorted(unknown_columns)}")
    wide = (
        deltas.group_by("school_id", "column")
        .agg(pl.col("delta").sum())
        .pivot(on="column", index="school_id", values="delta")
    )
    columns = [c for c in wide.columns if c != "school_id"]
    joined = schools.join(wide.rename({c: f"_delta_{c}" for c in columns}), on="school_id", how="left")
    dtypes = schools.schema
    return joined.with_columns(
        pl.when(pl.col(f"_delta_{c}").is_null())
        .then(pl.col(c))
        .otherwise(pl.col(c).cast(pl.Float64).fill_null(0.0) + pl.col(f"_delta_{c}"))
        .round(6 if dtypes[c] == pl.Float64 else 0)
        .cast(dtypes[c])
        .alias(c)
        for c in columns
    ).select(schools.columns)
