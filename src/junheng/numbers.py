"""How junheng writes a figure, per kind of quantity, in one place (issue 12 §6).

The pages (through the `figure` and `number` template filters), the report and the Excel export all take
a figure's decimals and unit from `FORMS`: money and area to 0.01, counts whole, an indicator's value to
3 decimals, a difference coefficient at its standard's report decimals and by its rounding rule. Every
figure has thousands separators (7,176) and is rounded on its decimal value (0.5505 → 0.551), never on
its binary one; nothing to show (None, NaN, ∞) is written "—".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from junheng.engine.rounding import rounded_decimal
from junheng.standards import Rounding, Standard

MISSING = "—"


class Quantity(StrEnum):
    """What a figure measures, which fixes its decimals and its unit."""

    COUNT = "count"  # schools, students, teachers, classes, places: 7,176 所/人/名/个/间 (unit given per figure)
    MONEY = "money"  # 元, to 0.01
    AREA = "area"  # ㎡, to 0.01
    VALUE = "value"  # an indicator's value, per student or per 100 students (unit given by the indicator)
    AVERAGE = "average"  # an average of counts: students per class, places per 1,000 residents
    SHARE = "share"  # a share stored as 0.125, written 12.5%
    RATE = "rate"  # a rate the standard judges to 0.01 % (recognition, return rate), stored as 0.8571: 85.71%
    COEFFICIENT = "coefficient"  # a difference coefficient: its standard's report decimals and rounding
    INDEX = "index"  # a Theil index, the solver's relative gap
    SCORE = "score"  # a group's score, 分


@dataclass(frozen=True, slots=True)
class Form:
    """How a kind of quantity is written: its decimals, its unit, whether it is a share of 100."""

    decimals: int
    unit: str = ""
    percent: bool = False


# The decimals of the national standard's difference coefficients (national-2017.toml `report_decimals`);
# a page or sheet that knows its standard writes it by the standard's own (`coefficient`).
FORMS: dict[Quantity, Form] = {
    Quantity.COUNT: Form(0),
    Quantity.MONEY: Form(2, "元"),
    Quantity.AREA: Form(2, "㎡"),
    Quantity.VALUE: Form(3),
    Quantity.AVERAGE: Form(1),
    Quantity.SHARE: Form(1, "%", percent=True),
    Quantity.RATE: Form(2, "%", percent=True),
    Quantity.COEFFICIENT: Form(3),
    Quantity.INDEX: Form(4),
    Quantity.SCORE: Form(1, "分"),
}


def number(
    value: float | Decimal | None,
    kind: Quantity,
    *,
    decimals: int | None = None,
    rounding: Rounding = Rounding.HALF_UP,
) -> str:
    """A figure without its unit, for a table cell whose header names it: 7,176; 3,315.71; 12.5.

    Rounded by `rounding` (四舍五入 unless a standard says otherwise) on the decimal figure; a share is
    multiplied by 100 first. None, NaN and infinities are "—".
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    if isinstance(value, Decimal) and not value.is_finite():
        return MISSING
    form = FORMS[kind]
    places = form.decimals if decimals is None else decimals
    exact = value if isinstance(value, Decimal) else Decimal(value)
    if form.percent:
        exact *= 100
    shown = rounded_decimal(exact, places, rounding)
    if shown.is_zero():
        shown = abs(shown)  # -0.0001 is written 0.000, never -0.000
    return f"{shown:,f}"


def figure(
    value: float | Decimal | None,
    kind: Quantity,
    unit: str | None = None,
    *,
    decimals: int | None = None,
    rounding: Rounding = Rounding.HALF_UP,
) -> str:
    """A figure with its unit: 7,176 人; 3,315.71 元; 1,234.50 ㎡; 85.71%; 0.551.

    `unit` names what a count or an indicator value counts (人, 所, 间); money, area and shares carry
    their own. A missing figure is "—" alone.
    """
    text = number(value, kind, decimals=decimals, rounding=rounding)
    if text == MISSING:
        return text
    form = FORMS[kind]
    shown_unit = form.unit if unit is None else unit
    if not shown_unit:
        return text
    return f"{text}{shown_unit}" if form.percent else f"{text} {shown_unit}"


def standard_figure(value: Decimal) -> str:
    """A threshold or limit with the decimals the standard writes it with, and separators: 2,000; 1.0; 0.50."""
    return f"{value:,f}"


def quantity_of(unit: str) -> Quantity:
    """The kind of a figure a form or a file gives in `unit`: ㎡ an area, 元 money, anything else a count."""
    return {"㎡": Quantity.AREA, "元": Quantity.MONEY}.get(unit, Quantity.COUNT)


def amount(value: float | None, unit: str) -> str:
    """A resource in `unit`, without the unit: ㎡ and 元 at their kind's decimals (420.00); teachers and
    rooms whole, or to 0.01 where a shared room is split between 学段 (2.5 间, standard.md §4)."""
    kind = quantity_of(unit)
    return number(value, kind) if kind is not Quantity.COUNT else trimmed(value, 2)


def trimmed(value: float | None, places: int) -> str:
    """A figure in a sentence, to at most `places` decimals, trailing zeros dropped: 2.2, 17.5, 1,665."""
    text = number(value, Quantity.COUNT, decimals=places)
    return text.rstrip("0").rstrip(".") if "." in text else text


def coefficient(value: float | None, standard: Standard) -> str:
    """A difference coefficient at `standard`'s report decimals by its rounding rule: 0.5505 → 0.551 (§3)."""
    return number(value, Quantity.COEFFICIENT, decimals=standard.report_decimals, rounding=standard.rounding)
