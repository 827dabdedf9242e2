"""Slow, obviously-correct versions of the engine's computations, to check the fast one against."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal


def weighted_cv(students: Sequence[int], amounts: Sequence[float], per_students: int = 1) -> float | None:
    """standard.md §3 written out term by term."""
    values = [a * per_students / p for p, a in zip(students, amounts, strict=True)]
    total = sum(students)
    mean = sum(p * x for p, x in zip(students, values, strict=True)) / total
    if mean == 0:
        return None
    variance = sum(p * (x - mean) ** 2 for p, x in zip(students, values, strict=True)) / total
    return math.sqrt(variance) / mean


def population_cv(values_per_student: Sequence[float]) -> float:
    """The plain CV of a population where every student carries their school's value."""
    n = len(values_per_student)
    mean = sum(values_per_student) / n
    return math.sqrt(sum((x - mean) ** 2 for x in values_per_student) / n) / mean


def school_rule(values: Sequence[float], thresholds: Sequence[float], floors: Sequence[float], min_met: int) -> bool:
    met = [v >= t for v, t in zip(values, thresholds, strict=True)]
    above = all(m or v >= f for m, v, f in zip(met, values, floors, strict=True))
    return sum(met) >= min_met and above


def composite(cvs: Sequence[float], rounding: str = ROUND_HALF_UP) -> Decimal:
    """standard.md §8 on paper: each CV as written, to 3 decimals; their mean, to 3 decimals; 四舍五入."""
    thousandth = Decimal("0.001")
    parts = [Decimal(repr(cv)).quantize(thousandth, rounding=rounding) for cv in cvs]
    return (sum(parts, Decimal(0)) / len(parts)).quantize(thousandth, rounding=rounding)
