"""Items judged from the figures a county enters, standard.md §5–§6: G6–G9, G11–G15, Q1, Q2, Q4, Q9.

What each item checks is data in the standard file (`checks` of each item: a ratio of two county
figures against one of the item's thresholds, a single figure, or a yes/no flag), so that a province's
variant changes a rule without a release. A check whose figures were not entered is not passed: it is
reported as missing, with the figures' names, so the county knows what to fill in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from junheng.standards import Check, Item, Standard

Figures = Mapping[str, float | int | bool | None]
SECTIONS = ("guarantee", "quality")


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check of an item: the figure (a rate or amount), its bound, and whether it holds (None: missing)."""

    label: str
    value: float | None
    bound: Decimal | None
    comparison: str  # "≥", "<", "≤" or "是"
    unit: str
    passed: bool | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class ItemResult:
    """An item (e.g. G11) with every check; it passes when all checks pass, and is None while any is missing."""

    id: str
    name: str
    checks: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool | None:
        if any(c.passed is False for c in self.checks):
            return False
        if any(c.passed is None for c in self.checks):
            return None
        return True


def county_figure_items(standard: Standard, figures: Figures) -> tuple[ItemResult, ...]:
    """Every item of the standard computed from county figures, in the standard's order."""
    labels = {key: figure.label for key, figure in standard.county_figures.items()}
    results = []
    for section in SECTIONS:
        for item_id, item in standard.items(section).items():
            if item.kind == "county_figure" and item.checks:
                checks = tuple(_check(check, item, figures, labels) for check in item.checks)
                results.append(ItemResult(item_id, item.name, checks))
    return tuple(results)


def _check(check: Check, item: Item, figures: Figures, labels: Mapping[str, str]) -> CheckResult:
    label, unit = check.label, check.unit
    if check.flag is not None:
        flag = figures.get(check.flag)
        if flag is None:
            return CheckResult(label, None, None, "是", unit, None, f"未填报：{labels.get(check.flag, check.flag)}")
        return CheckResult(label, float(bool(flag)), None, "是", unit, bool(flag), None if flag else f"{label}：否")
    missing = [labels.get(n, n) for n in check.figures if figures.get(n) is None]
    assert check.bound is not None  # the loader refuses a check without a flag or a bound
    comparison, setting = check.bound
    bound = item.setting(setting)
    if missing:
        return CheckResult(label, None, bound, comparison, unit, None, "未填报：" + "、".join(missing))
    if check.figure is not None:
        value = float(_number(figures[check.figure]))
    else:
        assert check.numerator is not None and check.denominator is not None
        denominator = float(_number(figures[check.denominator]))
        if denominator == 0:
            zero = f"{labels.get(check.denominator, check.denominator)}为 0，无法计算比例"
            return CheckResult(label, None, bound, comparison, unit, None, zero)
        value = float(_number(figures[check.numerator])) / denominator
    passed = _holds(Decimal(repr(value)), comparison, bound)
    shortfall = f"{label} {_shown(value, unit)}，要求 {comparison} {_shown(float(bound), unit)}"
    return CheckResult(label, value, bound, comparison, unit, passed, None if passed else shortfall)


def _holds(value: Decimal, comparison: str, bound: Decimal) -> bool:
    # A ratio computed in binary can land a hair below an exact bound (19 / 20 vs 0.95): 1e-12 of slack.
    slack = Decimal("1e-12")
    if comparison == "≥":
        return value >= bound - slack
    if comparison == "≤":
        return value <= bound + slack
    return value < bound


def _number(value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"不是数值：{value!r}") from exc


def _shown(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value * 100:.2f}%".replace(".00%", "%")
    return f"{value:,.2f}".rstrip("0").rstrip(".") + (f" {unit}" if unit else "")
