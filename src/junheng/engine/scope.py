"""Which schools take part in the resource-allocation evaluation, and why the others do not (standard.md §2)."""

from __future__ import annotations

import polars as pl

from junheng.schema import SCHOOL_TYPE_LABELS
from junheng.standards import Standard

KEYS = ["county", "year"]


def _compulsory_students(standard: Standard) -> pl.Expr:
    return pl.sum_horizontal([pl.col(f"students_{lv}") for lv in standard.levels])


def exclusion_reason(standard: Standard) -> pl.Expr:
    """The Chinese reason a school is left out, or null when it takes part."""
    students = _compulsory_students(standard)
    minimum = standard.teaching_point_min_students
    type_label = pl.col("school_type").replace_strict(SCHOOL_TYPE_LABELS, default=pl.col("school_type"))
    return (
        pl.when(pl.col("school_type").is_in(sorted(standard.excluded_school_types)))
        .then(pl.format("{}不参与资源配置评估", type_label))
        .when((pl.col("school_type") == "teaching_point") & (students < minimum))
        .then(pl.format("教学点在校生 {} 人，少于 {} 人，不参与计算", students, pl.lit(minimum)))
        .when(students == 0)
        .then(pl.lit("无义务教育阶段在校生"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def partition_scope(schools: pl.DataFrame, standard: Standard) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split the data into (schools in scope, excluded schools with a `reason`)."""
    marked = schools.with_columns(exclusion_reason(standard).alias("reason"))
    included = marked.filter(pl.col("reason").is_null()).drop("reason")
    excluded = marked.filter(pl.col("reason").is_not_null()).select(
        *KEYS, "school_id", "school_name", "school_type", "reason"
    )
    return included, excluded
