"""The Chinese phrases junheng shows for evaluation results, in one place.

The terminal report, the JSON and Excel writers and the web all word a result the same way by
calling these functions. Every threshold, floor, limit, margin and unit comes from the Standard;
only the wording lives here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal

from junheng import numbers
from junheng.levels import LEVEL_LABELS
from junheng.schema import SCHOOL_TYPE_LABELS
from junheng.standards import Indicator, Standard

MET = "达标"
NOT_MET = "未达标"
PASSED = "通过"
FAILED = "未通过"
NOT_APPLICABLE = "—"
YES = "是"
NO = "否"

RESOURCE_ALLOCATION = "资源配置"
INDICATOR = "指标"
LEVEL = "学段"
STUDENTS = "在校生数"
MEAN = "均值"
CV = "差异系数"
LIMIT = "限值"
IS_MET = "是否达标"
THRESHOLD = "达标值"
VALUE = "实际值"
NOTE = "提示"
COMPOSITE = "综合差异系数"
UNDEFINED = "无定义"
UNDEFINED_CV = "均值为 0，差异系数无定义"

_VALUE_PLACES = numbers.FORMS[numbers.Quantity.VALUE].decimals
_MAX_VALUE_PLACES = 6


def level_label(level: str) -> str:
    """小学 / 初中 for a 学段 key."""
    return LEVEL_LABELS.get(level, level)


def school_type_label(school_type: str) -> str:
    """九年一贯制学校 etc. for a school-type key (contracts.md §1)."""
    return SCHOOL_TYPE_LABELS.get(school_type, school_type)


def met_word(meets: bool | None) -> str:
    """达标 / 未达标 for an indicator, a school or a difference coefficient; — where nothing was judged."""
    if meets is None:
        return NOT_APPLICABLE
    return MET if meets else NOT_MET


def verdict_word(passed: bool | None) -> str:
    """通过 / 未通过 for a county's verdict."""
    if passed is None:
        return NOT_APPLICABLE
    return PASSED if passed else FAILED


def county_verdict_text(county: str, year: int, passed: bool) -> str:
    """The headline of a county's result, e.g. “甲县 2025 年 资源配置：未通过”."""
    return f"{county} {year} 年 {RESOURCE_ALLOCATION}：{verdict_word(passed)}"


def decimal_text(value: Decimal) -> str:
    """A figure of the standard without trailing zeros: 4.2 × 0.85 shows as 3.57, 2000 × 0.85 as 1,700."""
    return f"{value.normalize():,f}"


def number_text(value: float, places: int) -> str:
    """A figure with thousands separators, at most `places` decimals, trailing zeros dropped (numbers.trimmed)."""
    return numbers.trimmed(value, places)


def floor_label(standard: Standard) -> str:
    """The column title of the floor, with the standard's ratio: 基本值（85%）."""
    rule = standard.school_rule
    if rule is None:
        raise ValueError(f"标准 {standard.name} 没有学校达标规则，没有基本值")
    return f"基本值（{decimal_text(rule.floor_ratio * 100)}%）"


def cv_number(cv: float | None, standard: Standard) -> str:
    """A difference coefficient at the standard's report decimals by its rounding rule (0.5505 → 0.551 四舍五入),
    or 无定义 (standard.md §3)."""
    return UNDEFINED if cv is None else numbers.coefficient(cv, standard)


def value_text(indicator: Indicator, value: float | None, threshold: Decimal | None = None) -> str:
    """An indicator value with its unit at the decimals of an indicator value, e.g. “3.333 人”, “6.600 ㎡”.

    Below a threshold the value is shown with as many decimals as it takes (up to 6) not to read as
    equal to it: 4.1999 against 4.2 shows as 4.1999, not 4.2.
    """
    if value is None:
        return f"{NOT_APPLICABLE} {indicator.value_unit}"
    places = value_places(value, threshold)
    return numbers.figure(value, numbers.Quantity.VALUE, indicator.value_unit, decimals=places)


def value_places(value: float, threshold: Decimal | None = None) -> int:
    """The decimals an indicator value is shown with: 3, or more (up to 6) below a threshold it would round to."""
    places = _VALUE_PLACES
    if threshold is not None and value < float(threshold):
        while places < _MAX_VALUE_PLACES and round(value, places) >= float(threshold):
            places += 1
    return places


def amount_text(indicator: Indicator, amount: float) -> str:
    """A resource amount in natural units: whole teachers and rooms, ㎡ and 元 to 0.01 (420.00 ㎡)."""
    if indicator.integral:
        # Part of a teacher or a room cannot be added: a shortfall of 2.3 rooms is 3 rooms.
        return f"{math.ceil(round(amount, 6)):,d}"
    return numbers.number(amount, numbers.quantity_of(indicator.resource_unit))


def _resource_phrase(indicator: Indicator, amount: float) -> str:
    # A counted thing takes its measure word directly (3 名骨干教师); a measured one is spaced (420 ㎡ 面积).
    separator = "" if indicator.integral else " "
    return f"{amount_text(indicator, amount)} {indicator.resource_unit}{separator}{indicator.short}"


def shortfall_text(indicator: Indicator, amount: float) -> str:
    """What a school must add to reach a threshold: “还差 3 名县级以上骨干教师”, “还差 420 ㎡ 体育运动场馆面积”."""
    return f"还差 {_resource_phrase(indicator, amount)}"


def floor_shortfall_text(indicator: Indicator, amount: float) -> str:
    """What a school must add to reach the 85 % floor: “达到基本值还差 1 名高于规定学历教师”."""
    return f"达到基本值还差 {_resource_phrase(indicator, amount)}"


def shortfall_note(indicator: Indicator, to_threshold: float, to_floor: float, above_floor: bool) -> str:
    """What a school lacks for one indicator: to the threshold, and to the floor when below it."""
    texts = [shortfall_text(indicator, to_threshold)]
    if not above_floor:
        texts.append(floor_shortfall_text(indicator, to_floor))
    return "；".join(texts)


def near_limit_text(standard: Standard) -> str:
    """The flag on a difference coefficient within the standard's margin of its limit (standard.md §3)."""
    return f"距限值不足 {standard.near_limit_margin}，请复核"


def cv_text(standard: Standard, level: str, indicator: Indicator, cv: float | None) -> str:
    """A difference coefficient against its limit, standard.md §3.

    “小学 生均体育运动场馆面积 差异系数 0.523，超过限值 0.50”. The unrounded value is compared; an
    undefined coefficient (mean 0) is said to be undefined, never shown as 0.
    """
    subject = f"{level_label(level)} {indicator.name}"
    if cv is None:
        return f"{subject} {UNDEFINED_CV}"
    text = f"{subject} {CV} {cv_number(cv, standard)}"
    limit = standard.cv_limits.get(level)
    if limit is None:
        return text
    return f"{text}，{'超过' if cv > float(limit) else '未超过'}{LIMIT} {limit}"


def composite_text(standard: Standard, level: str, composite: float | None) -> str:
    """basic-2012's composite against its limit, standard.md §8: “小学 综合差异系数 0.359，未超过限值 0.65”."""
    subject = f"{level_label(level)} {COMPOSITE}"
    if composite is None:
        return f"{subject}{UNDEFINED}：有指标{UNDEFINED_CV}"
    text = f"{subject} {cv_number(composite, standard)}"
    limit = standard.composite.limits.get(level) if standard.composite is not None else None
    if limit is None:
        return text
    return f"{text}，{'超过' if composite > float(limit) else '未超过'}{LIMIT} {limit}"


def indicator_miss_text(
    standard: Standard, level: str, indicator: Indicator, value: float | None, above_floor: bool | None
) -> str:
    """One indicator a school part does not meet: its value against the threshold and the floor (§2)."""
    threshold = indicator.threshold(level)
    text = f"{indicator.name} {value_text(indicator, value, threshold)}"
    if threshold is None:
        return text
    text += f"，{THRESHOLD} {numbers.standard_figure(threshold)}"
    rule = standard.school_rule
    if rule is None:
        return text
    floor = decimal_text(rule.floor(threshold))
    if above_floor:
        return f"{text}（不低于基本值 {floor}）"
    return f"{text}，低于基本值 {floor}"


def school_rule_text(
    standard: Standard, meets: Mapping[str, bool | None], above_floor: Mapping[str, bool | None]
) -> str:
    """Why a school part passes or fails the school rule of standard.md §2, from the engine's flags.

    A part fails when fewer than `min_met` indicators meet, or when any that does not meet is below
    its floor; the text names whichever cause applies (both when both do).
    """
    rule = standard.school_rule
    if rule is None:
        raise ValueError(f"标准 {standard.name} 没有学校达标规则")
    total = len(standard.indicators)
    met = sum(1 for ind in standard.indicators if meets.get(ind.id))
    missed = [ind for ind in standard.indicators if not meets.get(ind.id)]
    below = [ind for ind in missed if not above_floor.get(ind.id)]
    ratio = decimal_text(rule.floor_ratio * 100)
    causes: list[str] = []
    if met < rule.min_met:
        more = rule.min_met - met
        causes.append(f"{total} 项指标中仅 {met} 项{MET}，少于 {rule.min_met} 项（再有 {more} 项{MET}即满足项数要求）")
    if below:
        names = "、".join(ind.name for ind in below)
        causes.append(f"{len(below)} 项低于基本值（{THRESHOLD}的 {ratio}%）：{names}")
    if causes:
        return f"{NOT_MET}：" + "；".join(causes)
    if not missed:
        return f"{MET}：{total} 项指标全部{MET}"
    return f"{MET}：{total} 项指标中 {met} 项{MET}，其余 {len(missed)} 项不低于基本值（{THRESHOLD}的 {ratio}%）"
