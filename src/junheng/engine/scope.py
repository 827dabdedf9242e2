"""Which schools take part in the resource-allocation evaluation, and why the others do not (standard.md §2)."""

from __future__ import annotations

import polars as pl

from junheng.engine.text import sentence
from junheng.schema import SCHOOL_TYPE_LABELS
from junheng.standards import Standard

KEYS = ["county", "year"]


def _compulsory_students(standard: Standard) -> pl.Expr:
    return pl.sum_horizontal([pl.col(f"students_{lv}") for lv in standard.levels])


def _exclusion(standard: Standard) -> pl.Expr:
    """Why a school is left out, as a code (null when it takes part): cheap to compute on every row."""
    students = _compulsory_students(standard)
    return (
        pl.when(pl.col("school_type").is_in(sorted(standard.excluded_school_types)))
        .then(pl.lit("type"))
        .when((pl.col("school_type") == "teaching_point") & (students < standard.teaching_point_min_students))
        .then(pl.lit("small_teaching_point"))
        .when(students == 0)
        .then(pl.lit("no_students"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def _reason(standard: Standard) -> pl.Expr:
    """The Chinese reason for an exclusion code, built only for the schools left out."""
    type_label = pl.col("school_type").replace_strict(SCHOOL_TYPE_LABELS, default=pl.col("school_type"))
    minimum = pl.lit(standard.teaching_point_min_students)
    return (
        pl.when(pl.col("_exclusion") == "type")
        .then(sentence(type_label, "不参与资源配置评估"))
        .when(pl.col("_exclusion") == "small_teaching_point")
        .then(sentence("教学点在校生 ", _compulsory_students(standard), " 人，少于 ", minimum, " 人，不参与计算"))
        .otherwise(pl.lit("无义务教育阶段在校生"))
    )


def partition_scope(schools: pl.DataFrame, standard: Standard) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split the data into (schools in scope, excluded schools with a `reason`)."""
    marked = schools.with_columns(_exclusion(standard).alias("_exclusion"))
    included = marked.filter(pl.col("_exclusion").is_null()).drop("_exclusion")
    excluded = marked.filter(pl.col("_exclusion").is_not_null()).select(
        *KEYS, "school_id", "school_name", "school_type", _reason(standard).alias("reason")
    )
    return included, excluded
