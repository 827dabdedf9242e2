"""The difference coefficients (standard.md §3) as functions of the model's columns, in numpy.

A part's resource is linear in the action quantities x (`CountyModel.whole`, times its share of a
shared resource, standard.md §4), so each coefficient can be computed for any x without the engine:
to lift the lowest schools, to search along a segment for the coefficient's limit, and to place the
tangent cuts of its cone (`cone`). The engine still judges every plan returned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from junheng.plan.model import CountyModel
from junheng.schema import FIELDS_BY_KEY, Kind
from junheng.standards import Indicator

_NOISE = 1e-9


@dataclass(frozen=True, slots=True)
class Spread:
    """One 学段's coefficient of one indicator. `parts` index `CountyModel.parts`; the resource `whole`
    (a 学段's teachers or the school's total) of parts[i] is base[i] + Σ coefs·x[cols] over rows == i
    (`rows` ascending)."""

    level: str
    indicator: Indicator
    limit: float
    parts: np.ndarray
    students: np.ndarray
    factor: np.ndarray
    base: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    coefs: np.ndarray

    @property
    def integral(self) -> bool:
        """Whether the resource is counted in whole units (teachers, rooms)."""
        column = (
            self.indicator.resource
            if not self.indicator.per_level_resource
            else self.indicator.resource_column(self.level)
        )
        return FIELDS_BY_KEY[column].kind is Kind.INTEGER

    def whole(self, x: np.ndarray) -> np.ndarray:
        return self.base + np.bincount(self.rows, weights=self.coefs * x[self.cols], minlength=len(self.parts))

    def whole_of(self, x: np.ndarray, i: int) -> np.ndarray:
        """`whole(x)[i : i + 1]`, computed for part i alone (its terms are one run of `rows`, which ascend)."""
        low, high = np.searchsorted(self.rows, (i, i + 1))
        whole: np.ndarray = self.base[i : i + 1] + self.coefs[low:high] @ x[self.cols[low:high]]
        return whole

    def values(self, whole: np.ndarray) -> np.ndarray:
        """The indicator's value per part: part resource × per_students ÷ students (standard.md §2)."""
        values: np.ndarray = self.indicator.per_students * self.factor * whole / self.students
        return values

    def whole_for(self, value: float) -> np.ndarray:
        """The resource each part's whole needs for `value`."""
        needed: np.ndarray = value * self.students / (self.indicator.per_students * self.factor)
        return needed

    def cv(self, values: np.ndarray) -> float:
        """The enrolment-weighted CV (standard.md §3); infinite where the mean is 0 (undefined, failing)."""
        weights = self.students / self.students.sum()
        mean = float(weights @ values)
        if mean <= 0:
            return math.inf
        return math.sqrt(float(weights @ (values - mean) ** 2)) / mean

    def cv_at(self, x: np.ndarray) -> float:
        return self.cv(self.values(self.whole(x)))

    def round_up(self, amount: np.ndarray) -> np.ndarray:
        """Amounts of resource made whole, or rounded up to the cent, as the plan's actions are."""
        amount = np.maximum(amount, 0.0)
        if self.integral:
            return np.ceil(amount - _NOISE)
        return np.ceil(np.round(amount, 6) * 100 - _NOISE) / 100


def spreads(model: CountyModel) -> list[Spread]:
    """Every 学段's coefficient of every indicator, as the engine computes them (standard.md §3)."""
    limits = {lv: float(v) for lv, v in model.standard.cv_limits.items()}
    out = []
    for level in model.standard.levels:
        members = [p for p, part in enumerate(model.parts) if part.level == level]
        if not members or level not in limits:
            continue
        for ind in model.standard.indicators:
            base, rows, cols, coefs = [], [], [], []
            for i, p in enumerate(members):
                whole, terms = model.whole(p, ind)
                base.append(whole)
                for j, c in terms.items():
                    rows.append(i)
                    cols.append(j)
                    coefs.append(c)
            out.append(
                Spread(
                    level,
                    ind,
                    limits[level],
                    np.array(members, dtype=np.int64),
                    np.array([float(model.parts[p].students) for p in members]),
                    np.array([model.factor(p, ind) for p in members]),
                    np.array(base, dtype=np.float64),
                    np.array(rows, dtype=np.int64),
                    np.array(cols, dtype=np.int64),
                    np.array(coefs, dtype=np.float64),
                )
            )
    return out


def crossing(spread: Spread, inside: np.ndarray, outside: np.ndarray, aim: float) -> float:
    """How far along the segment inside → outside (0 to 1) the coefficient reaches `aim` (bisection).

    Tangents there support the feasible set where the search is (the extended supporting hyperplane
    method): they cut `outside` off, and tighter than tangents at `outside` itself.
    """
    low, high = 0.0, 1.0
    for _ in range(40):
        mid = (low + high) / 2
        if spread.cv_at(inside + mid * (outside - inside)) <= aim:
            low = mid
        else:
            high = mid
    return high
