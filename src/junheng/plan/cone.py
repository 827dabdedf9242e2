"""The difference coefficients (standard.md §3) in the MILP, as cones split part by part.

For one 学段's coefficient of one indicator, with weights w_i = P_i ÷ P and values X_i linear in the
action columns (`Spread`), CV ≤ a reads √(Σ w_i (X_i − m)²) ≤ a·m with the mean m = Σ w_i X_i. In units
of what one unit of resource adds to an average part's value (`scale`), the model gets a column m, per
part a column d_i = X_i − m and a column y_i ≥ 0 with

    Σ w_i y_i ≤ a·m      and      d_i² ≤ a·m · y_i      (each part's share of the variance),

whose squares sum back to the coefficient: Σ w_i d_i² ≤ a·m · Σ w_i y_i ≤ (a·m)². The extended formulation
of Vielma, Dunning, Huchette and Lubin (2017): each part's constraint is a cone in three columns, convex
and of degree 1, so every tangent plane y_i ≥ 2 r d_i − r² a·m (ratio r = d_i ÷ a·m at the point of
contact) holds for every plan. Three nonzeros a cut, where a tangent of the coefficient itself touches
every action column of the 学段; the search adds them at each solution whose coefficient is over its aim.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from junheng.plan.milp import INF, Milp
from junheng.plan.spread import Spread

# Tangents are laid at ratios rounded to this: a coefficient r² a of 1e-12 would be dropped by HiGHS.
RATIO_STEP = 1e-3
# A coefficient whose variance the model under-counts by less than this (relative to a·m) gets no cut;
# otherwise the parts that make up this share of the under-count get one each, the largest first.
_SLACK = 1e-7
SHORT_SHARE = 0.99


@dataclass(slots=True)
class Cone:
    """One coefficient's columns: `mean` (m), `deviations` (d_i) and `shares` (y_i), in units of `scale`;
    `rows` the definition rows, added (`activate`) once a solution has the coefficient over its aim."""

    spread: Spread
    aim: float
    scale: float
    weights: np.ndarray
    mean: int
    deviations: np.ndarray
    shares: np.ndarray
    rows: list[tuple[dict[int, float], float, float]]
    active: bool = False

    def activate(self, milp: Milp) -> None:
        """Add the definition rows and, for every part, the tangent at its value before any action."""
        if self.active:
            return
        self.active = True
        for terms, lower, upper in self.rows:
            milp.row(terms, lower=lower, upper=upper)
        self.cut(milp, np.zeros(len(milp.cost)), everyone=True)

    def point(self, x: np.ndarray) -> tuple[np.ndarray, float]:
        """The deviations d_i and the mean m at the plan x, from its action columns."""
        values = self.spread.values(self.spread.whole(x)) / self.scale
        mean = float(self.weights @ values)
        return values - mean, mean

    def complete(self, x: np.ndarray) -> np.ndarray:
        """x with the cone's columns set from its action columns, each share at its least (d_i² ÷ a·m)."""
        x = x.copy()
        deviations, mean = self.point(x)
        x[self.mean] = mean
        x[self.deviations] = deviations
        x[self.shares] = deviations**2 / (self.aim * mean) if mean > 0 else 0.0
        return x

    def cv(self, x: np.ndarray) -> float:
        """The coefficient read from the model's own columns m and d_i at the point x (standard.md §3)."""
        mean = float(x[self.mean])
        return float(np.sqrt(self.weights @ x[self.deviations] ** 2)) / mean if mean > 0 else np.inf

    def tangents(self, milp: Milp, parts: np.ndarray, ratios: np.ndarray) -> int:
        """Add y_i ≥ 2 r d_i − r² a·m for the parts `parts` at the ratios `ratios`; how many rows.

        The ratios are rounded to RATIO_STEP (a tangent at any ratio holds), so that no coefficient is
        small enough for HiGHS to drop."""
        for i, r in zip(parts.tolist(), np.round(ratios / RATIO_STEP).tolist(), strict=True):
            r *= RATIO_STEP
            milp.row(
                {int(self.shares[i]): 1.0, int(self.deviations[i]): -2.0 * r, self.mean: r * r * self.aim},
                lower=0.0,
            )
        return len(parts)

    def cut(self, milp: Milp, x: np.ndarray, at: np.ndarray | None = None, *, everyone: bool = False) -> int:
        """Tangents at the plan `at` (x itself by default) for the parts whose shares of the variance the
        model's columns at x under-count most (`everyone`: for every part); how many rows."""
        self.activate(milp)
        deviations, mean = self.point(x)
        if mean <= 0:
            return 0
        t = self.aim * mean
        under = self.weights * np.maximum(deviations**2 / t - x[self.shares], 0.0)
        if everyone:
            short = np.arange(len(under))
        elif under.sum() <= _SLACK * t:
            return 0
        else:  # the parts that make up most of the under-count, largest first
            order = np.argsort(-under, kind="stable")
            short = order[: int(np.searchsorted(np.cumsum(under[order]), SHORT_SHARE * under.sum())) + 1]
        if at is not None:
            deviations, mean = self.point(at)
            if mean <= 0:
                return 0
            t = self.aim * mean
        return self.tangents(milp, short, deviations[short] / t)


def extend(milp: Milp, spread: Spread, aim: float) -> Cone:
    """The columns of one coefficient's cone, its rows kept for `Cone.activate`; `aim` is the CV aimed at.

    A coefficient no solution has over its limit (most of a realistic county's) adds nothing to the
    model HiGHS solves: its columns, in no row, are removed by its presolve."""
    weights = spread.students / spread.students.sum()
    # Values in units of what one unit of a part's resource adds to an average part's value: the rows'
    # coefficients on the action columns near 1 whatever the indicator's unit (元 per student or m²).
    per_resource = spread.indicator.per_students * spread.factor / spread.students
    scale = float(weights @ per_resource) or 1.0
    n = len(weights)
    mean = milp.var(lower=0.0)
    deviations = np.array([milp.var(lower=-INF) for _ in range(n)], dtype=np.int64)
    shares = np.array([milp.var() for _ in range(n)], dtype=np.int64)
    unit = per_resource / scale
    value_terms: list[dict[int, float]] = [{} for _ in range(n)]
    for row, col, coef in zip(spread.rows.tolist(), spread.cols.tolist(), spread.coefs.tolist(), strict=True):
        value_terms[row][col] = value_terms[row].get(col, 0.0) + unit[row] * coef
    constant = unit * spread.base
    rows: list[tuple[dict[int, float], float, float]] = []
    # d_i − X_i + m = 0
    for i, terms in enumerate(value_terms):
        row = {int(deviations[i]): 1.0, mean: 1.0, **{col: -coef for col, coef in terms.items()}}
        rows.append((row, float(constant[i]), float(constant[i])))
    # m = Σ w_i X_i, written Σ w_i d_i = 0: HiGHS's presolve would otherwise put each w_i × unit_i, which
    # is 1 ÷ (P × scale) before scaling, small enough to drop, into the rows it substitutes d_i in.
    rows.append(({int(c): float(w) for c, w in zip(deviations, weights, strict=True)}, 0.0, 0.0))
    # Σ w_i y_i − a·m ≤ 0
    rows.append(({**{int(c): float(w) for c, w in zip(shares, weights, strict=True)}, mean: -aim}, -INF, 0.0))
    return Cone(spread, aim, scale, weights, mean, deviations, shares, rows)
