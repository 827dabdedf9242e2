"""The planner against optima worked by hand, and against the engine on random counties (contracts.md §3)."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from junheng.engine import evaluate
from junheng.plan import CountyPlan, default_unit_costs, gaps, plan
from junheng.plan.apply import apply_changes
from junheng.standards import load_standard
from tests.builders import junior_school, nine_year_school, primary_school, table

NATIONAL = load_standard("national-2017")
COSTS = default_unit_costs(NATIONAL)


def _only(schools: pl.DataFrame, budget: float | None = None) -> CountyPlan:
    [result] = plan(schools, NATIONAL, COSTS, budget=budget)
    return result


def _applied_passes(schools: pl.DataFrame, result: CountyPlan) -> bool:
    changed = apply_changes(schools, (c for a in result.actions for c in a.changes))
    return bool(evaluate(changed, NATIONAL).counties["pass"][0])


def test_the_costliest_shortfall_is_left_at_its_floor() -> None:
    # 4.0 ㎡ per student (floor 3.825) would cost 50 ㎡ × 3001 元; 1900 元 per student costs 10,000 元.
    schools = table(primary_school("a", 100, teaching_aux_area_m2=400.0, equipment_value_yuan=190_000.0))
    result = _only(schools)
    assert result.status == "optimal"
    assert [(a.kind, a.quantity, a.cost) for a in result.actions] == [("buy_equipment", 10_000.0, 10_000.0)]
    assert result.after.schools["v_L4"][0] == 4.0
    assert _applied_passes(schools, result)


def test_a_school_below_the_floor_is_raised_to_the_floor_only() -> None:
    # 3.0 ㎡ per student, below the floor 3.825: 82.5 ㎡ lift it to the floor; the other six meet.
    schools = table(primary_school("a", 100, teaching_aux_area_m2=300.0))
    result = _only(schools)
    assert [(a.kind, a.quantity) for a in result.actions] == [("build_teaching_area", 82.5)]
    assert result.total_cost == 82.5 * 3001
    assert _applied_passes(schools, result)


def test_a_passing_county_needs_nothing() -> None:
    result = _only(table(primary_school("a"), junior_school("b")))
    assert (result.status, result.actions, result.total_cost) == ("optimal", (), 0)


def test_a_teacher_moves_where_a_hire_would_cost_more() -> None:
    # School b lacks a backbone teacher (0 per 100, below the floor); a has two more than it needs. Training
    # one at b leaves L2's coefficient at its limit (3 and 1: 0.5), two cost as much as the move at the
    # default costs: at 15,000 元 the move is the one cheapest plan.
    schools = table(
        primary_school("a", 100, backbone_teachers_primary=3), primary_school("b", 100, backbone_teachers_primary=0)
    )
    [result] = plan(schools, NATIONAL, COSTS.replaced({"transfer_teacher": 15_000.0}))
    assert [a.kind for a in result.actions] == ["transfer_teacher"]
    assert result.total_cost == 15_000.0
    assert _applied_passes(schools, result)


def test_the_budget_is_never_exceeded_and_the_shortfall_is_explained() -> None:
    schools = table(
        primary_school("a", 100, teaching_aux_area_m2=300.0), primary_school("b", 100, equipment_value_yuan=100_000.0)
    )
    result = _only(schools, budget=200_000.0)
    assert result.total_cost <= 200_000.0
    assert result.after.schools["pass"].sum() == 1  # b's 50,000 元 of equipment fits; a's 247,582.5 元 does not
    assert result.reason is not None and "1/2" in result.reason


def test_a_large_enough_budget_gives_the_cheapest_passing_plan() -> None:
    schools = table(primary_school("a", 100, teaching_aux_area_m2=300.0))
    assert _only(schools, budget=1e7).total_cost == _only(schools).total_cost


def test_a_difference_coefficient_over_its_limit_is_brought_within_it() -> None:
    rich = [primary_school(f"r{i}", 100, teaching_aux_area_m2=2000.0) for i in range(3)]
    poor = primary_school("p", 300, teaching_aux_area_m2=300 * 4.5)
    schools = table(*rich, poor)
    assert not evaluate(schools, NATIONAL).counties["pass"][0]
    result = _only(schools)
    assert result.status == "optimal"
    l4 = result.after.levels.filter(pl.col("indicator") == "L4").row(0, named=True)
    assert l4["cv"] <= l4["limit"]
    assert _applied_passes(schools, result)


def test_gaps_price_each_shortfall_at_the_unit_cost() -> None:
    schools = table(primary_school("a", 100, teaching_aux_area_m2=300.0, multimedia_rooms=1))
    found = gaps(evaluate(schools, NATIONAL), COSTS).select("indicator", "action", "to_threshold", "cost_to_threshold")
    assert found.rows() == [
        ("L4", "build_teaching_area", 150.0, 150.0 * 3001),
        ("L7", "add_multimedia_room", 2.0, 120_000.0),
    ]


_factor = st.sampled_from([0.5, 0.8, 0.9, 1.0, 1.3, 2.0, 3.0])


@st.composite
def _county(draw: st.DrawFn) -> pl.DataFrame:
    records = []
    for i in range(draw(st.integers(1, 5))):
        students = draw(st.integers(30, 900))
        maker = draw(st.sampled_from([primary_school, junior_school]))
        base = maker(f"s{i}", students)
        for column in ("teaching_aux_area_m2", "sports_area_m2", "equipment_value_yuan"):
            base[column] = round(base[column] * draw(_factor), 2)
        for column in [c for c in base if c.startswith(("teachers_above", "backbone", "pe_art"))] + [
            "multimedia_rooms"
        ]:
            base[column] = int(base[column] * draw(_factor))
        records.append(base)
    if draw(st.booleans()):
        records.append(nine_year_school("n9", sports_area_m2=draw(st.sampled_from([500.0, 2000.0]))))
    return table(*records)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_county(), st.one_of(st.none(), st.floats(0, 2e6)))
def test_every_plan_passes_the_engine_and_costs_what_its_actions_say(
    schools: pl.DataFrame, budget: float | None
) -> None:
    result = _only(schools, budget=budget) if budget is not None else _only(schools)
    assert result.status in {"optimal", "feasible"}
    for action in result.actions:
        assert action.cost == action.quantity * COSTS[action.kind]
    assert result.total_cost == sum(a.cost for a in result.actions)
    if budget is None:
        assert _applied_passes(schools, result)
    else:
        assert result.total_cost <= budget
        before = int(evaluate(schools, NATIONAL).schools["pass"].sum())
        assert int(result.after.schools["pass"].sum()) >= before
    changed = apply_changes(schools, (c for a in result.actions for c in a.changes))
    assert evaluate(changed, NATIONAL).counties.equals(result.after.counties)
