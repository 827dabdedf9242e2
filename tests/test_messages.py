"""The Chinese wording of results: natural units, difference coefficients, and why a school fails."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from junheng import messages as msg
from junheng.standards import SchoolRule, Standard, load_standard

NATIONAL = load_standard("national-2017")
BASIC = load_standard("basic-2012")
IDS = NATIONAL.indicator_ids


def flags(missed: dict[str, bool]) -> tuple[dict[str, bool], dict[str, bool]]:
    """The engine's meets/above-floor flags for a part missing `missed` (id → above its floor)."""
    meets = {i: i not in missed for i in IDS}
    above = {i: missed.get(i, True) for i in IDS}
    return meets, above


@pytest.mark.parametrize(
    ("indicator_id", "amount", "text"),
    [
        ("L2", 3.0, "还差 3 名县级以上骨干教师"),
        ("L5", 420.0, "还差 420.00 ㎡ 体育运动场馆面积"),
        ("L6", 52000.0, "还差 52,000.00 元 教学仪器设备值"),
        ("L7", 2.0, "还差 2 间网络多媒体教室"),
        ("L4", 93.28, "还差 93.28 ㎡ 教学及辅助用房面积"),
        ("L5", 112.5, "还差 112.50 ㎡ 体育运动场馆面积"),
        ("L6", 2272.73, "还差 2,272.73 元 教学仪器设备值"),
        ("L5", 12345.6, "还差 12,345.60 ㎡ 体育运动场馆面积"),
    ],
)
def test_shortfall_in_natural_units(indicator_id: str, amount: float, text: str) -> None:
    assert msg.shortfall_text(NATIONAL.indicator(indicator_id), amount) == text


def test_whole_units_are_rounded_up_after_float_noise_is_dropped() -> None:
    rooms = NATIONAL.indicator("L7")
    assert msg.shortfall_text(rooms, 2.3) == "还差 3 间网络多媒体教室"
    assert msg.shortfall_text(rooms, 2.0000000000000004) == "还差 2 间网络多媒体教室"


def test_floor_shortfall_and_the_note_that_combines_them() -> None:
    teachers = NATIONAL.indicator("L1")
    assert msg.floor_shortfall_text(teachers, 1.0) == "达到基本值还差 1 名高于规定学历教师"
    assert msg.shortfall_note(teachers, 3.0, 1.0, above_floor=False) == (
        "还差 3 名高于规定学历教师；达到基本值还差 1 名高于规定学历教师"
    )
    assert msg.shortfall_note(teachers, 3.0, 0.0, above_floor=True) == "还差 3 名高于规定学历教师"


def test_cv_over_its_limit() -> None:
    text = msg.cv_text(NATIONAL, "primary", NATIONAL.indicator("L5"), 0.5234)
    assert text == "小学 生均体育运动场馆面积 差异系数 0.523，超过限值 0.50"


def test_cv_within_its_limit_uses_the_levels_own_limit() -> None:
    text = msg.cv_text(NATIONAL, "junior", NATIONAL.indicator("L5"), 0.449)
    assert text == "初中 生均体育运动场馆面积 差异系数 0.449，未超过限值 0.45"


def test_cv_is_compared_unrounded_though_shown_at_three_decimals() -> None:
    text = msg.cv_text(NATIONAL, "primary", NATIONAL.indicator("L1"), 0.5004)
    assert text.endswith("差异系数 0.500，超过限值 0.50")


def test_undefined_cv_is_said_to_be_undefined_never_zero() -> None:
    text = msg.cv_text(NATIONAL, "junior", NATIONAL.indicator("L2"), None)
    assert text == "初中 每百名学生拥有县级以上骨干教师数 均值为 0，差异系数无定义"
    assert "0.000" not in text
    assert msg.cv_number(None, NATIONAL) == "无定义"


def test_basic_2012_cv_has_no_per_indicator_limit_but_a_composite_one() -> None:
    assert msg.cv_text(BASIC, "primary", BASIC.indicator("B5"), 0.208) == "小学 生均图书册数 差异系数 0.208"
    assert msg.composite_text(BASIC, "primary", 0.359) == "小学 综合差异系数 0.359，未超过限值 0.65"
    assert msg.composite_text(BASIC, "primary", 0.881) == "小学 综合差异系数 0.881，超过限值 0.65"


def test_near_limit_flag_takes_the_margin_from_the_standard() -> None:
    assert msg.near_limit_text(NATIONAL) == "距限值不足 0.0005，请复核"
    wider = replace(NATIONAL, near_limit_margin=Decimal("0.001"))
    assert msg.near_limit_text(wider) == "距限值不足 0.001，请复核"


def test_limits_thresholds_and_floors_come_from_the_standard() -> None:
    stricter = replace(
        NATIONAL,
        cv_limits={"primary": Decimal("0.40"), "junior": Decimal("0.45")},
        school_rule=SchoolRule(min_met=6, floor_ratio=Decimal("0.9")),
    )
    assert msg.cv_text(stricter, "primary", stricter.indicator("L5"), 0.45).endswith("超过限值 0.40")
    assert msg.floor_label(stricter) == "基本值（90%）"
    miss = msg.indicator_miss_text(stricter, "primary", stricter.indicator("L1"), 3.6, above_floor=False)
    assert miss == "每百名学生拥有高于规定学历教师数 3.600 人，达标值 4.2，低于基本值 3.78"


def test_floor_label_and_floors_without_float_noise() -> None:
    assert msg.floor_label(NATIONAL) == "基本值（85%）"
    miss = msg.indicator_miss_text(NATIONAL, "primary", NATIONAL.indicator("L6"), 1666.6666666666667, False)
    assert miss == "生均教学仪器设备值 1,666.667 元，达标值 2,000，低于基本值 1,700"


def test_a_value_just_below_its_threshold_does_not_read_as_equal_to_it() -> None:
    text = msg.value_text(NATIONAL.indicator("L1"), 4.19996, Decimal("4.2"))
    assert text == "4.19996 人"


def test_school_fails_because_too_few_indicators_meet() -> None:
    meets, above = flags({"L4": True, "L6": True})
    assert (
        msg.school_rule_text(NATIONAL, meets, above)
        == "未达标：7 项指标中仅 5 项达标，少于 6 项（再有 1 项达标即满足项数要求）"
    )


def test_school_fails_because_one_indicator_is_below_its_floor() -> None:
    meets, above = flags({"L5": False})
    text = msg.school_rule_text(NATIONAL, meets, above)
    assert text == "未达标：1 项低于基本值（达标值的 85%）：生均体育运动场馆面积"
    assert "少于" not in text


def test_school_fails_for_both_causes() -> None:
    meets, above = flags({"L1": False, "L2": False, "L5": False, "L6": True})
    text = msg.school_rule_text(NATIONAL, meets, above)
    assert text == (
        "未达标：7 项指标中仅 3 项达标，少于 6 项（再有 3 项达标即满足项数要求）；"
        "3 项低于基本值（达标值的 85%）：每百名学生拥有高于规定学历教师数、每百名学生拥有县级以上骨干教师数、"
        "生均体育运动场馆面积"
    )


def test_school_that_passes_with_one_indicator_above_its_floor() -> None:
    meets, above = flags({"L7": True})
    assert (
        msg.school_rule_text(NATIONAL, meets, above)
        == "达标：7 项指标中 6 项达标，其余 1 项不低于基本值（达标值的 85%）"
    )


def test_school_rule_text_needs_a_school_rule() -> None:
    with pytest.raises(ValueError, match="basic-2012"):
        msg.school_rule_text(BASIC, {}, {})


def test_levels_verdicts_and_school_types_in_chinese() -> None:
    assert [msg.level_label(lv) for lv in NATIONAL.levels] == ["小学", "初中"]
    assert (msg.met_word(True), msg.met_word(False), msg.met_word(None)) == ("达标", "未达标", "—")
    assert (msg.verdict_word(True), msg.verdict_word(False)) == ("通过", "未通过")
    assert msg.county_verdict_text("甲县", 2025, False) == "甲县 2025 年 资源配置：未通过"
    assert msg.school_type_label("nine_year") == "九年一贯制学校"


def standard_with_threshold(standard: Standard, indicator_id: str, level: str, value: str) -> Standard:
    indicators = tuple(
        replace(ind, thresholds={**ind.thresholds, level: Decimal(value)}) if ind.id == indicator_id else ind
        for ind in standard.indicators
    )
    return replace(standard, indicators=indicators)


def test_a_bureaus_own_threshold_changes_the_wording() -> None:
    bureau = standard_with_threshold(NATIONAL, "L1", "primary", "5")
    miss = msg.indicator_miss_text(bureau, "primary", bureau.indicator("L1"), 4.5, above_floor=True)
    assert miss == "每百名学生拥有高于规定学历教师数 4.500 人，达标值 5（不低于基本值 4.25）"
