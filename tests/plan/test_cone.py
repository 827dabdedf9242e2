"""The difference coefficients as cones split part by part (plan/cone.py, standard.md §3): the model's
own columns give the engine's coefficient, no tangent cuts off a plan, and a known optimum is still found."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from benchmarks.plan import unequal_county

from junheng.engine import evaluate
from junheng.plan import default_unit_costs, plan
from junheng.plan.actions import actions_of
from junheng.plan.apply import apply_changes
from junheng.plan.cone import Cone, extend
from junheng.plan.milp import Milp
from junheng.plan.model import CV_AIM, CountyModel, build
from junheng.plan.naive import naive_point
from junheng.plan.spread import spreads
from junheng.standards import load_standard
from tests.builders import primary_school, table

NATIONAL = load_standard("national-2017")
COSTS = default_unit_costs(NATIONAL)


def _model(schools: pl.DataFrame) -> tuple[CountyModel, list[Cone], np.ndarray]:
    """The county's model with every coefficient's cone, and the naive plan with the cones' columns set."""
    model = build(NATIONAL, COSTS, schools, evaluate(schools, NATIONAL), budget=None)
    coefficients = spreads(model)
    cones = [extend(model.milp, s, s.limit * (1 - CV_AIM)) for s in coefficients]
    x = naive_point(model, coefficients)
    assert x is not None
    for cone in cones:
        x = cone.complete(x)
    return model, cones, x


def _violated(milp: Milp, x: np.ndarray) -> list[int]:
    """Rows not yet handed to HiGHS that x breaks (beyond 1e-9 of their bound's size)."""
    broken = []
    for index, (lower, upper, terms) in enumerate(milp._rows):
        value = sum(coef * x[column] for column, coef in terms.items())
        if value < lower - 1e-9 * max(1.0, abs(lower)) or value > upper + 1e-9 * max(1.0, abs(upper)):
            broken.append(index)
    return broken


def test_the_coefficient_read_from_the_models_columns_is_the_engines() -> None:
    schools = unequal_county(20, seed=5)
    model, cones, x = _model(schools)
    after = evaluate(apply_changes(schools, (c for a in actions_of(model, x) for c in a.changes)), NATIONAL)
    engine = {(r["level"], r["indicator"]): r["cv"] for r in after.levels.iter_rows(named=True)}
    assert len(cones) == len(engine) == 14
    for cone in cones:  # the plan's areas and 元 are rounded up to the cent: the sixth digit may differ
        assert cone.cv(x) == pytest.approx(engine[(cone.spread.level, cone.spread.indicator.id)], rel=1e-6)


def test_no_tangent_at_any_ratio_cuts_off_the_naive_plan() -> None:
    # A tangent of a convex function of degree 1 holds everywhere: at ratios far outside any plan's too.
    model, cones, x = _model(unequal_county(20, seed=5))
    rng = np.random.default_rng(0)
    for cone in cones:
        cone.activate(model.milp)
        parts = np.arange(len(cone.weights))
        for _ in range(20):
            cone.tangents(model.milp, parts, rng.normal(0, 5, len(parts)))
        cone.cut(model.milp, np.zeros(len(x)), at=x)
    assert len(model.milp._rows) > 20 * sum(len(cone.weights) for cone in cones)
    assert _violated(model.milp, x) == []


def test_the_naive_plan_is_inside_every_cone() -> None:
    # Its coefficients are within their aims, so the cone rows hold with room at the naive plan itself.
    _, cones, x = _model(unequal_county(20, seed=5))
    for cone in cones:
        assert cone.cv(x) <= cone.aim
        assert float(cone.weights @ x[cone.shares]) <= cone.aim * x[cone.mean] * (1 + 1e-12)


def test_one_poor_school_among_rich_ones_is_lifted_exactly_to_the_limit() -> None:
    # Three schools of 100 students at 20 ㎡ per student and one of 300 at 4.5: half the students each side,
    # so CV = (20 − v) ÷ (20 + v) ≤ 0.5 (standard.md §3) first holds at v = 20 ÷ 3. The cheapest plan builds
    # 300 × (20 ÷ 3 − 4.5) = 650 ㎡ at the poor school (the model aims 0.01 % inside the limit).
    rich = [primary_school(f"r{i}", 100, teaching_aux_area_m2=2000.0) for i in range(3)]
    schools = table(*rich, primary_school("p", 300, teaching_aux_area_m2=300 * 4.5))
    [result] = plan(schools, NATIONAL, COSTS)
    assert result.status == "optimal"
    assert [(a.kind, a.changes[0].school_id) for a in result.actions] == [("build_teaching_area", "p")]
    assert result.actions[0].quantity == pytest.approx(650.0, rel=1e-3)
    assert result.total_cost == pytest.approx(650.0 * COSTS["build_teaching_area"], rel=1e-3)


def test_one_parts_resource_is_the_same_computed_alone() -> None:
    _, cones, x = _model(unequal_county(20, seed=5))
    for cone in cones:
        spread = cone.spread
        alone = np.concatenate([spread.whole_of(x, i) for i in range(len(spread.parts))])
        assert alone == pytest.approx(spread.whole(x), rel=1e-12)
