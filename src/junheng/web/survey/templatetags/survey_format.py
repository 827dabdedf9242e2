"""Rates as the survey pages show them."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def percent(rate: Decimal | None) -> str:
    """0.857142… → "85.71%"; no rate (nothing to divide by) → "—"."""
    return "—" if rate is None else f"{rate * 100:.2f}%"
