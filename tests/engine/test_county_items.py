"""Items judged from county figures, standard.md §5–§6, with the thresholds of each standard file."""

from __future__ import annotations

from typing import Any

import pytest

from junheng.engine.county_items import ItemResult, county_figure_items
from junheng.standards import load_standard

NATIONAL = load_standard("national-2017")

# A county that meets every item.
GOOD: dict[str, Any] = {
    "small_schools_funded_as_minimum": True,
    "special_school_operating_funds": 6_000 * 120,
    "special_school_students": 120,
    "teacher_average_pay": 98_000,
    "civil_servant_average_pay": 97_500,
    "performance_pay_fully_set": True,
    "teachers_completed_360_hours": 3_200,
    "teachers_due_360_hours": 3_200,
    "teachers_rotated": 330,
    "teachers_eligible_for_rotation": 3_000,
    "backbone_teachers_rotated": 70,
    "licensed_full_time_teachers": 3_500,
    "full_time_teachers": 3_500,
    "primary_zoned_admissions": 5_000,
    "primary_admissions": 5_000,
    "junior_zoned_admissions": 3_800,
    "junior_admissions": 4_000,
    "quota_places_allocated_to_junior_schools": 820,
    "quality_high_school_places": 1_000,
    "left_behind_children_care_system": True,
    "migrant_children_in_public_places": 900,
    "eligible_migrant_children": 1_000,
    "junior_graduates": 3_900,
    "junior_entrants_three_years_earlier": 4_000,
    "disabled_children_enrolled": 96,
    "disabled_children": 100,
    "lowest_school_training_funds": 5_000,
    "lowest_school_operating_budget": 100_000,
    "monitoring_subjects_at_level_3": True,
    "monitoring_difference_rate": 0.12,
}


def _items(figures: dict[str, Any], standard_name: str = "national-2017") -> dict[str, ItemResult]:
    return {item.id: item for item in county_figure_items(load_standard(standard_name), figures)}


def test_a_county_meeting_every_figure_passes_every_item() -> None:
    items = _items(GOOD)
    assert set(items) == {"G6", "G7", "G8", "G9", "G11", "G12", "G13", "G14", "G15", "Q1", "Q2", "Q4", "Q9"}
    assert {item_id: item.passed for item_id, item in items.items()} == dict.fromkeys(items, True)


def test_junior_zoned_admission_of_exactly_95_percent_passes_and_94_9_fails() -> None:
    assert _items(GOOD | {"junior_zoned_admissions": 950, "junior_admissions": 1000})["G13"].passed is True
    failed = _items(GOOD | {"junior_zoned_admissions": 949, "junior_admissions": 1000})["G13"]
    assert failed.passed is False
    assert failed.checks[1].reason == "城区和镇区公办初中就近划片入学比例 94.90%，要求 ≥ 95%"


def test_rotation_needs_ten_percent_and_a_fifth_of_them_backbone_teachers() -> None:
    item = _items(GOOD | {"teachers_rotated": 300, "backbone_teachers_rotated": 59})["G11"]
    assert [c.passed for c in item.checks] == [True, False]  # 10 % rotated; 59 / 300 = 19.7 % backbone


def test_anhui_counts_backbone_teachers_against_the_eligible_ones() -> None:
    figures = GOOD | {"teachers_rotated": 700, "backbone_teachers_rotated": 150}  # 150/700 = 21 %, 150/3000 = 5 %
    assert _items(figures)["G11"].passed is True
    assert _items(figures, "anhui-2017")["G11"].passed is False


@pytest.mark.parametrize(("standard", "passes"), [("national-2017", True), ("guangxi-2017", False)])
def test_seed_001s_province_allocates_80_percent_of_quality_places(standard: str, passes: bool) -> None:
    figures = GOOD | {"quota_places_allocated_to_junior_schools": 700}  # 70 %
    assert _items(figures, standard)["G14"].passed is passes


def test_the_difference_rate_must_be_below_0_15_not_equal() -> None:
    assert _items(GOOD | {"monitoring_difference_rate": 0.15})["Q9"].passed is False
    assert _items(GOOD | {"monitoring_difference_rate": 0.149})["Q9"].passed is True


def test_teacher_pay_below_civil_servants_fails_g8_with_the_figures() -> None:
    item = _items(GOOD | {"teacher_average_pay": 90_000, "civil_servant_average_pay": 100_000})["G8"]
    assert item.passed is False
    assert item.checks[0].reason == "教师平均工资收入与当地公务员平均工资收入之比 0.9，要求 ≥ 1"


def test_a_flag_set_to_no_fails_its_item() -> None:
    item = _items(GOOD | {"left_behind_children_care_system": False})["G15"]
    assert item.passed is False
    assert item.checks[0].reason == "留守儿童关爱体系健全：否"


def test_missing_figures_leave_the_item_undecided_and_name_them() -> None:
    figures = {k: v for k, v in GOOD.items() if k not in {"disabled_children", "performance_pay_fully_set"}}
    items = _items(figures)
    assert items["Q2"].passed is None
    assert items["Q2"].checks[0].reason == "未填报：适龄残疾儿童少年数"
    assert items["G8"].passed is None
    assert items["G8"].checks[1].reason == "未填报：按规定足额核定教师绩效工资总量（是/否）"


def test_a_zero_denominator_is_reported_not_divided() -> None:
    item = _items(GOOD | {"special_school_students": 0})["G7"]
    assert item.passed is None
    assert item.checks[0].reason == "特殊教育学校在校生数为 0，无法计算比例"


def test_special_school_funds_are_per_student_in_yuan() -> None:
    item = _items(GOOD | {"special_school_operating_funds": 5_999 * 120})["G7"]
    assert item.passed is False
    assert item.checks[0].reason == "特殊教育学校生均公用经费 5,999 元，要求 ≥ 6,000 元"
