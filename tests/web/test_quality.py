"""The suspicious-figure flags on hand-made records: change from last year, contradictions, area outliers."""

from __future__ import annotations

from typing import Any

import pytest

from junheng.web.collection.models import SchoolRecord
from junheng.web.collection.quality import (
    DEFAULT_CHANGE_RATIO,
    Flag,
    FlagKind,
    area_flags,
    change_flags,
    change_ratio,
    consistency_flags,
    county_flags,
)

SCHOOL: dict[str, Any] = {
    "school_type": "primary",
    "students_primary": 500,
    "students_junior": 0,
    "students_senior": 0,
    "classes_primary": 12,
    "teachers_above_degree_primary": 25,
    "backbone_teachers_primary": 6,
    "pe_art_teachers_primary": 5,
    "teaching_aux_area_m2": 2500.0,
    "sports_area_m2": 4000.0,
    "equipment_value_yuan": 1_200_000.0,
    "multimedia_rooms": 14,
    "music_rooms": 1,
    "art_rooms": 1,
}


def record(school_id: int = 1, year: int = 2025, **figures: Any) -> SchoolRecord:
    """An unsaved record: the flags are pure functions and need no database."""
    return SchoolRecord(school_id=school_id, year=year, **(SCHOOL | figures))


def described(flags: list[Flag]) -> list[tuple[str, str]]:
    return [(flag.field, flag.kind) for flag in flags]


# Change from last year.


@pytest.mark.parametrize(
    ("before", "now", "flagged"),
    [(500, 760, True), (500, 750, False), (500, 240, True), (500, 250, False), (500, 500, False)],
)
def test_students_moving_beyond_half_of_last_year_are_flagged(before: int, now: int, flagged: bool) -> None:
    flags = change_flags(record(students_primary=now), record(year=2024, students_primary=before), ratio=0.5)
    assert described(flags) == ([("students_primary", "change")] if flagged else [])


def test_the_message_says_from_what_to_what_and_by_how_much() -> None:
    [flag] = change_flags(
        record(teaching_aux_area_m2=1100.0), record(year=2024, teaching_aux_area_m2=2500.0), ratio=0.5
    )
    assert flag.message == (
        "教学及辅助用房面积由 2,500 变为 1,100，比上年减少 56%，超过 ±50%；请核对是否填错，或在修改原因中说明"
    )
    assert flag.label == "教学及辅助用房面积"
    assert flag.kind.label == "与上年相比变化过大"


def test_teachers_areas_and_equipment_are_compared_too() -> None:
    now = record(backbone_teachers_primary=20, sports_area_m2=9000.0, equipment_value_yuan=100_000.0)
    flags = change_flags(now, record(year=2024), ratio=0.5)
    assert [f.field for f in flags] == ["backbone_teachers_primary", "sports_area_m2", "equipment_value_yuan"]


def test_rooms_and_classes_are_not_compared_with_last_year() -> None:
    assert change_flags(record(multimedia_rooms=40, classes_primary=30), record(year=2024), ratio=0.5) == []


def test_a_figure_that_was_zero_or_not_reported_last_year_has_no_ratio() -> None:
    previous = record(year=2024, students_junior=0, full_time_teachers_primary=None)
    now = record(students_junior=0, full_time_teachers_primary=30)
    assert change_flags(now, previous, ratio=0.5) == []


def test_the_ratio_comes_from_the_settings(settings: Any) -> None:
    assert change_ratio() == DEFAULT_CHANGE_RATIO == 0.5
    settings.JUNHENG_CHANGE_RATIO = 0.1
    assert change_ratio() == 0.1
    flags = change_flags(record(students_primary=560), record(year=2024), ratio=change_ratio())
    assert described(flags) == [("students_primary", "change")]


# Internal contradictions.


def test_a_well_formed_record_has_no_contradiction() -> None:
    assert consistency_flags(record(full_time_teachers_primary=30, max_class_size_primary=45)) == []


def test_backbone_teachers_above_the_teachers_above_degree_are_not_a_contradiction() -> None:
    assert consistency_flags(record(backbone_teachers_primary=30, teachers_above_degree_primary=20)) == []


def test_pe_art_or_backbone_teachers_beyond_the_full_time_teachers_are_flagged() -> None:
    flags = consistency_flags(
        record(
            full_time_teachers_primary=5,
            teachers_above_degree_primary=5,
            pe_art_teachers_primary=6,
            backbone_teachers_primary=6,
        )
    )
    assert described(flags) == [
        ("backbone_teachers_primary", "inconsistent"),
        ("pe_art_teachers_primary", "inconsistent"),
    ]
    assert flags[1].message == (
        "小学体育艺术专任教师数（6）多于小学专任教师数（5）：体育艺术专任教师是专任教师的一部分，"
        "不能多于小学专任教师数；请核对这两个数"
    )


def test_full_time_teachers_not_reported_leave_pe_art_and_backbone_unchecked() -> None:
    assert consistency_flags(record(pe_art_teachers_primary=60, backbone_teachers_primary=60)) == []


def test_students_without_classes_and_classes_without_students_are_flagged() -> None:
    [no_classes] = consistency_flags(record(classes_primary=0))
    assert (no_classes.field, no_classes.message) == (
        "classes_primary",
        "小学在校生数为 500，但小学班级数为 0：有学生却没有班级",
    )
    [no_students] = consistency_flags(record(students_junior=0, classes_junior=2))
    assert (no_students.field, no_students.message) == (
        "classes_junior",
        "初中班级数为 2，但初中在校生数为 0：有班级却没有学生",
    )


def test_classes_not_reported_are_not_a_contradiction() -> None:
    assert consistency_flags(record(classes_primary=None, max_class_size_primary=20)) == []


def test_rooms_in_a_school_without_students_are_flagged_room_by_room() -> None:
    empty = record(students_primary=0, classes_primary=0, multimedia_rooms=3, music_rooms=0, art_rooms=1)
    flags = consistency_flags(empty)
    assert described(flags) == [("multimedia_rooms", "inconsistent"), ("art_rooms", "inconsistent")]
    assert flags[0].message == "网络多媒体教室数为 3，但全校在校生数为 0；请核对在校生数"


def test_rooms_count_the_students_of_every_level() -> None:
    assert (
        consistency_flags(record(school_type="junior", students_primary=0, classes_primary=0, students_junior=90)) == []
    )


@pytest.mark.parametrize(("largest", "flagged"), [(41, True), (42, False), (55, False)])
def test_a_largest_class_below_the_average_class_is_flagged(largest: int, flagged: bool) -> None:
    # 500 students in 12 classes: 41.7 on average, so the largest class has at least 42.
    flags = consistency_flags(record(max_class_size_primary=largest))
    assert described(flags) == ([("max_class_size_primary", "inconsistent")] if flagged else [])
    if flagged:
        assert flags[0].message == (
            "小学最大班额为 41，小于平均班额 41.7（500 人 ÷ 12 个班）；最大班额不会小于平均班额，请核对"
        )


# Area per student against the county's range.


def county(areas: list[float], students: int = 500) -> list[SchoolRecord]:
    """Schools of one county with these teaching areas and the same enrolment."""
    return [record(school_id=n, teaching_aux_area_m2=area, students_primary=students) for n, area in enumerate(areas)]


def test_an_area_per_student_far_above_the_county_is_flagged() -> None:
    # Per student 4.0 … 5.4 and 7.4; Q1 = 4.5, Q3 = 5.2, IQR = 0.7: the fences are 2.4 and 7.3.
    schools = county([2000, 2200, 2250, 2400, 2500, 2550, 2600, 2700, 3700])
    [flag] = area_flags(schools)
    assert (flag.record.school_id, flag.field, flag.kind) == (8, "teaching_aux_area_m2", FlagKind.OUTLIER)
    assert flag.message == (
        "生均教学及辅助用房面积 7.4 ㎡，远高于全县学校的一般范围（2.4–7.3 ㎡）；请核对教学及辅助用房面积和在校生数"
    )


def test_an_area_per_student_far_below_the_county_is_flagged() -> None:
    schools = county([1100, 2200, 2250, 2400, 2500, 2550, 2600, 2700])
    # fences 4.475 − 3 × 0.65 = 2.525 and 5.125 + 1.95 = 7.075, both 四舍五入 on the written figure (2.53, 7.08)
    assert [(f.record.school_id, f.message) for f in area_flags(schools)] == [
        (
            0,
            "生均教学及辅助用房面积 2.2 ㎡，远低于全县学校的一般范围（2.53–7.08 ㎡）；"
            "请核对教学及辅助用房面积和在校生数",
        )
    ]


def test_an_area_just_inside_the_fence_is_not_flagged() -> None:
    assert area_flags(county([2000, 2200, 2250, 2400, 2500, 2550, 2600, 2700, 3600])) == []


def test_sports_area_is_judged_on_its_own() -> None:
    schools = county([2500] * 6)
    schools[2] = record(school_id=2, sports_area_m2=40_000.0)
    assert described(area_flags(schools)) == [("sports_area_m2", "outlier")]


def test_too_few_schools_have_no_range_and_schools_without_students_are_left_out() -> None:
    assert area_flags(county([100, 2500, 9000])) == []
    schools = county([2500, 2500, 2500, 2500])
    schools.append(record(school_id=9, students_primary=0, classes_primary=0, teaching_aux_area_m2=9000.0))
    assert area_flags(schools) == []


# All together, as the tracker computes them.


def test_county_flags_compare_each_school_with_its_own_last_year() -> None:
    this_year = [record(school_id=1), record(school_id=2, students_primary=240), record(school_id=3)]
    last_year = [record(school_id=2, year=2024), record(school_id=1, year=2024, students_primary=260)]
    flags = county_flags(this_year, last_year, ratio=0.5)
    assert [(f.record.school_id, f.field) for f in flags] == [(1, "students_primary"), (2, "students_primary")]
    assert "由 260 变为 500，比上年增加 92%" in flags[0].message
    assert "由 500 变为 240，比上年减少 52%" in flags[1].message


def test_county_flags_gather_every_kind() -> None:
    # School 0: 25 ㎡ of each area per student where the others have 5 and 8, and 80 % fewer students.
    this_year = [
        record(school_id=0, students_primary=100),
        *county([2500] * 4)[1:],
        record(school_id=7, pe_art_teachers_primary=9, full_time_teachers_primary=8, teachers_above_degree_primary=8),
    ]
    last_year = [record(school_id=0, year=2024)]
    flags = county_flags(this_year, last_year, ratio=0.5)
    assert sorted((f.record.school_id, f.field, f.kind) for f in flags) == [
        (0, "sports_area_m2", "outlier"),
        (0, "students_primary", "change"),
        (0, "teaching_aux_area_m2", "outlier"),
        (7, "pe_art_teachers_primary", "inconsistent"),
    ]
