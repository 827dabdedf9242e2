"""Plausibility rules for a school's figures, as data beside the schema (schema.py).

The schema's bounds and `AT_MOST` relations refuse what is impossible; these rules only warn about
what is possible but rare enough to be a typing slip more often than the truth (a class of 85, a figure
ten times last year's). A warning never blocks a save: the clerk checks it, the reviewer sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from junheng.levels import COMPULSORY_LEVELS, LEVEL_LABELS
from junheng.messages import number_text
from junheng.schema import FIELDS, FIELDS_BY_KEY, NUMERIC_KINDS


@dataclass(frozen=True, slots=True)
class Ceiling:
    """A figure above `limit` is unusual."""

    key: str
    limit: float
    why: str  # in Chinese: why a figure above the limit is rare


@dataclass(frozen=True, slots=True)
class RatioCeiling:
    """`numerator` / `denominator` above `limit` is unusual; `name` says what the ratio is."""

    numerator: str
    denominator: str
    limit: float
    name: str
    why: str


@dataclass(frozen=True, slots=True)
class UsuallyAtMost:
    """`part` (times `times`, when given: rooms × their smallest area) is usually not above `whole`."""

    part: str
    whole: str
    why: str
    times: str | None = None


Rule = Ceiling | RatioCeiling | UsuallyAtMost

# The largest class the rules accept without a question: well above 66 (超大班额, standard.md) and rare.
LARGEST_CLASS = 80
# A figure this many times last year's, or less than last year's divided by it, is questioned.
GROWTH_FACTOR = 10

RULES: tuple[Rule, ...] = (
    *(
        Ceiling(f"max_class_size_{lv}", LARGEST_CLASS, f"一个班超过 {LARGEST_CLASS} 人极为少见，多为录入错误")
        for lv in COMPULSORY_LEVELS
    ),
    *(
        RatioCeiling(
            f"students_{lv}",
            f"classes_{lv}",
            LARGEST_CLASS,
            f"{LEVEL_LABELS[lv]}平均班额",
            f"平均每班超过 {LARGEST_CLASS} 人极为少见，请核对在校生数和班级数",
        )
        for lv in COMPULSORY_LEVELS
    ),
    *(UsuallyAtMost(f"full_time_teachers_{lv}", f"students_{lv}", "专任教师一般少于学生") for lv in COMPULSORY_LEVELS),
    UsuallyAtMost(
        "music_room_min_area_m2",
        "teaching_aux_area_m2",
        "各音乐专用教室都不小于最小面积，合计是教学及辅助用房的一部分",
        times="music_rooms",
    ),
    UsuallyAtMost(
        "art_room_min_area_m2",
        "teaching_aux_area_m2",
        "各美术专用教室都不小于最小面积，合计是教学及辅助用房的一部分",
        times="art_rooms",
    ),
)

GROWTH_KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS if f.kind in NUMERIC_KINDS and f.key != "year")


@dataclass(frozen=True, slots=True)
class Unusual:
    """A figure worth a second look, and why (in Chinese); never a reason to refuse it."""

    field: str
    message: str


def warnings(values: Mapping[str, object], previous: Mapping[str, object] | None = None) -> list[Unusual]:
    """The warnings on a school's typed figures (`values` by field key); `previous` are last year's,
    when there are any. A figure not reported (None) raises none."""
    found = [warning for rule in RULES if (warning := _check(rule, values)) is not None]
    if previous is not None:
        found += [warning for key in GROWTH_KEYS if (warning := _growth(key, values, previous)) is not None]
    return found


def _check(rule: Rule, values: Mapping[str, object]) -> Unusual | None:
    if isinstance(rule, Ceiling):
        value = _number(values, rule.key)
        if value is not None and value > rule.limit:
            return Unusual(rule.key, f"{_label(rule.key)}为 {_text(value)}，超过 {_text(rule.limit)}：{rule.why}")
        return None
    if isinstance(rule, RatioCeiling):
        top, bottom = _number(values, rule.numerator), _number(values, rule.denominator)
        if top is None or not bottom or top / bottom <= rule.limit:
            return None
        message = (
            f"{rule.name}为 {number_text(top / bottom, 1)} 人（{_text(top)} 人 ÷ {_text(bottom)} 个班），"
            f"超过 {_text(rule.limit)} 人：{rule.why}"
        )
        return Unusual(rule.denominator, message)
    part, whole = _number(values, rule.part), _number(values, rule.whole)
    times = 1.0 if rule.times is None else _number(values, rule.times)
    if part is None or whole is None or times is None or part * times <= whole:
        return None
    if rule.times is None:
        told = f"{_label(rule.part)}（{_text(part)}）多于{_label(rule.whole)}（{_text(whole)}）"
    else:
        told = (
            f"{_label(rule.times)} {_text(times)} × {_label(rule.part)} {_text(part)} = {_text(part * times)}，"
            f"多于{_label(rule.whole)}（{_text(whole)}）"
        )
    return Unusual(rule.part, f"{told}：{rule.why}，请核对")


def _growth(key: str, values: Mapping[str, object], previous: Mapping[str, object]) -> Unusual | None:
    new, old = _number(values, key), _number(previous, key)
    if new is None or not old or not new:
        return None
    if new >= old * GROWTH_FACTOR:
        how = f"是上年（{_text(old)}）的 {number_text(new / old, 1)} 倍"
    elif new * GROWTH_FACTOR <= old:
        how = f"不到上年（{_text(old)}）的十分之一"
    else:
        return None
    return Unusual(key, f"{_label(key)}为 {_text(new)}，{how}：请核对是否多输或少输了位数")


def _number(values: Mapping[str, object], key: str) -> float | None:
    value = values.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _label(key: str) -> str:
    return FIELDS_BY_KEY[key].label


def _text(value: float) -> str:
    return number_text(value, 2)
