"""The planner returns a plan the engine passes whenever one exists, and says `infeasible` only when none
can (issue 10 §2: 14 of 45 random counties with every coefficient over its limit came back infeasible)."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
from benchmarks.plan import unequal_county
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from junheng.engine import evaluate
from junheng.plan import CountyPlan, default_unit_costs, plan
from junheng.plan.apply import apply_changes
from junheng.plan.result import CLOSE_GAP
from junheng.plan.rotation import plan_rotation
from junheng.standards import Standard, load_standard
from tests.builders import primary_school, table

NATIONAL = load_standard("national-2017")
COSTS = default_unit_costs(NATIONAL)


def _verified(schools: pl.DataFrame, result: CountyPlan, standard: Standard = NATIONAL) -> bool:
    changed = apply_changes(schools, (c for a in result.actions for c in a.changes))
    return bool(evaluate(changed, standard).counties["pass"][0])


def test_a_county_with_every_coefficient_over_its_limit_gets_a_verified_plan() -> None:
    # 30 schools, all 14 coefficients over (up to 3.8 times the limit): the old planner ran out of rounds
    # of cuts and reported "infeasible" with a cost of 0, after 60 s as after 8.
    schools = unequal_county(30, seed=1)
    assert evaluate(schools, NATIONAL).levels.height == 14
    [result] = plan(schools, NATIONAL, COSTS, time_limit=8.0)
    assert result.status in {"optimal", "feasible"}
    assert result.total_cost > 0 and _verified(schools, result)
    assert result.search is not None and result.search.lower_bound is not None
    assert result.gap is not None and 0 <= result.gap <= CLOSE_GAP  # within 1 % of HiGHS's proved lower bound
    assert result.search.stopped in {"proved_optimal", "within_gap"}


def test_the_plan_says_why_the_search_stopped() -> None:
    [result] = plan(unequal_county(15, seed=3), NATIONAL, COSTS, time_limit=3.0)
    assert result.search is not None
    note = result.search.note()
    assert "已经评估引擎验证达标" in note
    if result.status == "feasible":
        assert result.search.stopped in {"time_limit", "within_gap"}
        assert "求解时限（3 秒）已到" in note or "已证明与最低可能费用相差不超过 1%" in note
        assert f"{result.search.lower_bound:,.2f} 元" in note


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(8, 20), st.integers(0, 10_000))
def test_every_returned_plan_is_verified_or_honestly_infeasible(schools: int, seed: int) -> None:
    county = unequal_county(schools, seed)
    [result] = plan(county, NATIONAL, COSTS, time_limit=2.0)
    assert result.search is not None
    if result.status == "infeasible":  # only where no plan can exist, and then it says which constraint
        assert result.search.stopped == "no_plan_possible" and result.reason
    else:
        assert _verified(county, result)
        assert result.total_cost == sum(a.cost for a in result.actions)


def _variant(folder: Path) -> Standard:
    """national-2017 with L7 counted in mid-title teachers, which no action of the planner adds."""
    path = folder / "无措施指标.toml"
    path.write_text(
        'name = "no-action-l7"\nparent = "national-2017"\n\n[indicators.L7]\nresource = "mid_title_teachers"\n'
        'per_level_resource = true\nthresholds = { primary = "5", junior = "5" }\n',
        encoding="utf-8",
    )
    return load_standard(path)


def test_a_school_short_of_a_resource_no_action_adds_is_infeasible_and_named(tmp_path: Path) -> None:
    standard = _variant(tmp_path)
    # 2 mid-title teachers per 100 students, below the floor of 4.25: no action adds any.
    schools = table(primary_school("a", 100, mid_title_teachers_primary=2, full_time_teachers_primary=6))
    [result] = plan(schools, standard, default_unit_costs(standard), time_limit=5.0)
    assert result.status == "infeasible"
    assert result.reason is not None and "a（小学）" in result.reason and "mid_title_teachers" in result.reason
    assert result.search is not None and result.search.stopped == "no_plan_possible"


def test_a_resource_no_action_adds_is_no_obstacle_where_it_is_met(tmp_path: Path) -> None:
    standard = _variant(tmp_path)
    schools = table(
        primary_school("a", 100, mid_title_teachers_primary=5, teaching_aux_area_m2=300.0, full_time_teachers_primary=6)
    )
    [result] = plan(schools, standard, default_unit_costs(standard), time_limit=5.0)
    assert result.status == "optimal" and _verified(schools, result, standard)


def test_a_rotation_out_of_time_does_not_say_it_cannot_be_arranged() -> None:
    schools = table(
        primary_school("a", 300, teachers_above_degree_primary=30, backbone_teachers_primary=15),
        primary_school("b", 300, teachers_above_degree_primary=20, backbone_teachers_primary=0),
    )
    [result] = plan_rotation(schools, NATIONAL, time_limit=0.0)
    assert result.status == "infeasible" and result.reason is not None
    assert "时限内未找到" in result.reason and "无法安排" not in result.reason


def test_a_county_that_cannot_be_closed_in_time_stays_within_the_time_limit() -> None:
    # 120 unequal schools: HiGHS cannot prove an optimum in 4 s. The time limit bounds the whole solving,
    # HiGHS's overrun past its own limit and the last verification included (issue 14 §4: no county over
    # the limit, its gap shown).
    county = unequal_county(120, seed=7)
    started = time.perf_counter()
    [result] = plan(county, NATIONAL, COSTS, time_limit=4.0)
    seconds = time.perf_counter() - started
    assert result.status == "feasible" and result.search is not None
    assert result.search.stopped in {"time_limit", "within_gap"}
    assert result.gap is not None and result.gap > 0 and _verified(county, result)
    # HiGHS's presolve cannot be interrupted: on a loaded machine it may run a little past the deadline
    # (benchmarks/plan.py --worst-case measures the distribution); before the fix a round ran to twice its limit.
    assert seconds <= 4.0 * 1.25 and result.solve_seconds <= seconds


def test_a_county_of_120_unequal_schools_is_planned_within_1_percent_of_the_bound() -> None:
    # Issue 14 §4: with the coefficients as one dense cut each, such a county ran out of its 20 s with a
    # gap of 10-20 % (often the naive plan itself); split part by part into cones, the relaxation's point,
    # made whole and lifted, is a plan the engine passes within 1 % of the proved lower bound.
    county = unequal_county(120, seed=7)
    [result] = plan(county, NATIONAL, COSTS)
    assert result.search is not None and result.search.stopped == "within_gap"
    assert result.gap is not None and result.gap <= CLOSE_GAP and _verified(county, result)
    note = result.search.note()
    assert "已证明与最低可能费用相差不超过 1%" in note and "共 0 轮" not in note
