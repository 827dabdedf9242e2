"""Builders for school records: a readable default that meets every national-2017 threshold, varied by keywords."""

from __future__ import annotations

import math
from typing import Any

import polars as pl

from junheng.schema import school_table


def _per_100(rate: int, students: int) -> int:
    """Whole people or rooms for `rate` per 100 students, rounded up."""
    return math.ceil(rate * students / 100)


def primary_school(school_id: str, students: int = 100, **overrides: Any) -> dict[str, Any]:
    """A 小学 that meets all seven primary thresholds (each value per 100 students noted beside it)."""
    record: dict[str, Any] = {
        "year": 2025,
        "county": "例县",
        "school_id": school_id,
        "school_name": f"{school_id}小学",
        "school_type": "primary",
        "students_primary": students,
        "students_junior": 0,
        "students_senior": 0,
        "teachers_above_degree_primary": _per_100(5, students),  # 5.0 per 100 students ≥ 4.2
        "backbone_teachers_primary": _per_100(1, students),  # 1.0 ≥ 1.0
        "pe_art_teachers_primary": _per_100(1, students),  # 1.0 ≥ 0.9
        "teaching_aux_area_m2": 4.5 * students,  # 4.5 ≥ 4.5
        "sports_area_m2": 7.5 * students,  # 7.5 ≥ 7.5
        "equipment_value_yuan": 2000.0 * students,  # 2000 ≥ 2000
        "multimedia_rooms": _per_100(3, students),  # 3.0 per 100 ≥ 2.3
    }
    record.update(overrides)
    return record


def junior_school(school_id: str, students: int = 100, **overrides: Any) -> dict[str, Any]:
    """An 初中 that meets all seven junior thresholds."""
    record: dict[str, Any] = {
        "year": 2025,
        "county": "例县",
        "school_id": school_id,
        "school_name": f"{school_id}初中",
        "school_type": "junior",
        "students_primary": 0,
        "students_junior": students,
        "students_senior": 0,
        "teachers_above_degree_junior": _per_100(6, students),  # 6.0 ≥ 5.3
        "backbone_teachers_junior": _per_100(1, students),
        "pe_art_teachers_junior": _per_100(1, students),
        "teaching_aux_area_m2": 5.8 * students,
        "sports_area_m2": 10.2 * students,
        "equipment_value_yuan": 2500.0 * students,
        "multimedia_rooms": _per_100(3, students),  # 3.0 ≥ 2.4
    }
    record.update(overrides)
    return record


def table(*records: dict[str, Any]) -> pl.DataFrame:
    return school_table(list(records))


def nine_year_school(school_id: str = "n9", **overrides: Any) -> dict[str, Any]:
    """A 九年一贯制 school of 166 primary + 210 junior students (the published example of standard.md §4).

    Its teacher counts meet both 学段's thresholds; the shared resources are the primary builder's
    for 166 students, split by weighted enrolment.
    """
    record = primary_school(
        school_id,
        students=166,
        school_type="nine_year",
        students_junior=210,
        teachers_above_degree_junior=12,  # 5.71 per 100 ≥ 5.3
        backbone_teachers_junior=3,
        pe_art_teachers_junior=2,
    )
    record.update(overrides)
    return record


def with_basic_2012_columns(record: dict[str, Any]) -> dict[str, Any]:
    """The record with the columns basic-2012 needs besides the national ones (contracts.md §1)."""
    extra: dict[str, Any] = {"computers": 40, "books": 9000}
    for level in ("primary", "junior"):
        students = record[f"students_{level}"]
        extra |= {f"full_time_teachers_{level}": students // 15, f"mid_title_teachers_{level}": students // 40}
    return {**record, **extra}
