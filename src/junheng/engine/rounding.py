"""Rounding figures to a standard's decimals by the standard's rule (`[difference] rounding`), on decimals.

Polars' `round` works on the binary value: 0.5505 is stored as 0.550499999…, so it comes out 0.550 where
四舍五入 on the written figure gives 0.551 (issue 10). Here a figure is first taken to `NOISE_DECIMALS`
decimals, beyond which a coefficient's digits are floating-point noise, never data; from there on all is
integer arithmetic, so a half is exactly a half and the rule decides it.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from junheng.engine.text import sentence
from junheng.standards import Rounding

NOISE_DECIMALS = 12


def rounded_units(value: pl.Expr, decimals: int, rule: Rounding) -> pl.Expr:
    """`value` rounded to `decimals` by `rule`, as a whole number of 10^-decimals (Int64): 0.5505 → 551."""
    noise_free = (value * 10.0**NOISE_DECIMALS).round(0).cast(pl.Int64)
    return rounded_quotient(noise_free, pl.lit(10 ** (NOISE_DECIMALS - decimals), dtype=pl.Int64), rule)


def rounded_quotient(numerator: pl.Expr, denominator: pl.Expr, rule: Rounding) -> pl.Expr:
    """numerator ÷ denominator (integers, denominator > 0) rounded to a whole number by `rule`, exactly."""
    size = numerator.abs()
    whole, rest = size // denominator, size % denominator
    half = 2 * rest == denominator
    if rule is Rounding.HALF_UP:
        up = (2 * rest > denominator) | half
    else:
        up = (2 * rest > denominator) | (half & (whole % 2 == 1))
    magnitude = whole + up.cast(pl.Int64)
    return pl.when(numerator < 0).then(-magnitude).otherwise(magnitude)


def units_value(units: pl.Expr, decimals: int) -> pl.Expr:
    """Whole 10^-decimals as the float nearest the written figure: 9 thousandths → 0.009.

    Parsed from the figure's text (`9e-3`), because Polars' float division is not correctly rounded
    (it gives 9 ÷ 1000 = 0.009000000000000001, which would not equal the published 0.009).
    """
    return sentence(units.cast(pl.String), f"e-{decimals}").cast(pl.Float64)


def rounded_decimal(value: float | Decimal, decimals: int, rule: Rounding) -> Decimal:
    """One figure rounded as `rounded_units` rounds a column, for text: 0.5505 → Decimal('0.551')."""
    noise_free = Decimal(value).quantize(Decimal(1).scaleb(-NOISE_DECIMALS))
    return noise_free.quantize(Decimal(1).scaleb(-decimals), rounding=rule.decimal_mode)
