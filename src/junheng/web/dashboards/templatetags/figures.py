"""Figures as every page writes them, through junheng.numbers (issue 12 §6).

`{{ cost|figure:"money" }}` → 3,315.71 元; `{{ students|figure:"count:人" }}` → 7,176 人;
`{{ students|number:"count" }}` → 7,176 in a cell whose column header names the unit.
"""

from __future__ import annotations

from decimal import Decimal

from django import template

from junheng import numbers
from junheng.numbers import Quantity

register = template.Library()


def _parts(spec: str) -> tuple[Quantity, str | None]:
    kind, _, unit = spec.partition(":")
    return Quantity(kind), unit or None


def _value(value: object) -> float | Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal | float):
        return value
    if isinstance(value, int | str):
        return Decimal(value)
    raise TypeError(f"not a figure: {value!r}")


@register.filter
def figure(value: object, spec: str) -> str:
    """A figure with its unit: `spec` is a kind of junheng.numbers.Quantity, with `:unit` for a count."""
    kind, unit = _parts(spec)
    return numbers.figure(_value(value), kind, unit)


@register.filter
def number(value: object, spec: str) -> str:
    """A figure without its unit, for a cell under a header that names it."""
    kind, _ = _parts(spec)
    return numbers.number(_value(value), kind)
