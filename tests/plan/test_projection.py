"""Years ahead (issue 5 part 4): cohorts move up, entrants from a trend or a figure, plans phased by budget."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junheng.engine import evaluate
from junheng.plan import default_unit_costs
from junheng.plan.apply import apply_changes
from junheng.plan.projection import ProjectionSettings, phase, plan_years_ahead, project
from junheng.plan.result import Action, Change
from junheng.standards import load_standard
from tests.builders import junior_school, primary_school, table

NATIONAL = load_standard("national-2017")
COSTS = default_unit_costs(NATIONAL)


def _students(projected: pl.DataFrame, school_id: str, level: str = "primary") -> int:
    return int(projected.filter(pl.col("school_id") == school_id)[f"students_{level}"][0])


def test_a_cohort_moves_up_and_the_top_grade_leaves() -> None:
    # 600 primary students = 100 per grade. Entrants of 130 a year: 500 + 130, then 400 + 260.
    schools = table(primary_school("a", 600))
    given_entrants = {("a", "primary", 2026): 130.0, ("a", "primary", 2027): 130.0}
    years = project(schools, NATIONAL, 2027, entrants=given_entrants)
    assert list(years) == [2026, 2027]
    assert (_students(years[2026], "a"), _students(years[2027], "a")) == (630, 660)
    assert years[2027]["year"][0] == 2027


def test_the_progression_rate_thins_every_cohort_that_moves_up() -> None:
    # Junior: 300 = 100 per grade; 90 % move up: 90 + 90 + 120 entrants = 300 after one year.
    schools = table(junior_school("j", 300))
    rates = ProjectionSettings({"primary": 6, "junior": 3}, 0.9)
    [(_, projected)] = project(schools, NATIONAL, 2026, entrants={("j", "junior", 2026): 120.0}, settings=rates).items()
    assert _students(projected, "j", "junior") == 300
    [(_, projected)] = project(schools, NATIONAL, 2026, entrants={("j", "junior", 2026): 100.0}, settings=rates).items()
    assert _students(projected, "j", "junior") == 280


def test_entrants_follow_the_county_trend_of_several_years() -> None:
    # Entrants (total ÷ 6): 100 in 2024, 110 in 2025 → 120 in 2026. Grades of 2025: 6 × 110.
    schools = table(primary_school("a", 600, year=2024), primary_school("a", 660, year=2025))
    years = project(schools, NATIONAL, 2026)
    assert _students(years[2026], "a") == 660 - 110 + 120


def test_a_single_year_keeps_steady_entrants() -> None:
    years = project(table(primary_school("a", 600)), NATIONAL, 2028)
    assert _students(years[2028], "a") == 600


def test_the_target_year_plan_passes_the_engine_on_the_projected_table() -> None:
    # Growth of 60 entrants a year (total 360 → 720 over two years) leaves a short of area by 2027.
    schools = table(primary_school("a", 360, year=2024), primary_school("a", 720, year=2025))
    assert evaluate(schools.filter(pl.col("year") == 2025), NATIONAL).counties["pass"][0]
    [result] = plan_years_ahead(schools, NATIONAL, COSTS, 2027)
    assert _students(result.projected, "a") > 720
    assert not evaluate(result.projected, NATIONAL).counties["pass"][0]
    assert result.plan.status == "optimal" and result.plan.actions
    changed = apply_changes(result.projected, (c for a in result.plan.actions for c in a.changes))
    assert evaluate(changed, NATIONAL).counties["pass"][0]
    assert result.phases[-1].passes is True


def test_yearly_budgets_split_an_action_across_years() -> None:
    area = Action("build_teaching_area", 100.0, 300_100.0, (Change("a", "teaching_aux_area_m2", 100.0),))
    phases, left = phase([area], [2026, 2027], 200_000.0)
    # 200,000 ÷ 3,001 = 66.644…: 66.64 ㎡ in 2026, the other 33.36 ㎡ in 2027.
    assert [p.cost for p in phases] == [pytest.approx(66.64 * 3001), pytest.approx(33.36 * 3001)]
    assert left == ()
    assert sum(c.delta for p in phases for a in p.actions for c in a.changes) == pytest.approx(100.0)


def test_a_hired_teacher_is_paid_again_every_later_year() -> None:
    # Two teachers at 100,000 a year and 250,000 of equipment, 300,000 a year over three years: the
    # teachers (cheaper) start in 2026 and are paid again in 2027 and 2028, leaving 100,000 a year for
    # the equipment: 100,000 in 2026, 100,000 in 2027, the last 50,000 in 2028.
    hire = Action("hire_teacher", 2.0, 200_000.0, (Change("a", "teachers_above_degree_primary", 2.0),))
    kit = Action("buy_equipment", 250_000.0, 250_000.0, (Change("b", "equipment_value_yuan", 250_000.0),))
    phases, left = phase([kit, hire], [2026, 2027, 2028], 300_000.0, frozenset({"hire_teacher"}))
    assert [p.carried for p in phases] == [0.0, 200_000.0, 200_000.0]
    assert [p.cost for p in phases] == [pytest.approx(c) for c in (300_000.0, 300_000.0, 250_000.0)]
    assert [[a.kind for a in p.actions] for p in phases] == [
        ["hire_teacher", "buy_equipment"],
        ["buy_equipment"],
        ["buy_equipment"],
    ]
    assert left == ()
    assert sum(a.quantity for p in phases for a in p.actions if a.kind == "buy_equipment") == pytest.approx(250_000.0)


def test_a_hire_waits_until_every_later_year_has_room_for_its_pay() -> None:
    # 150,000 a year: a teacher hired in 2026 costs 100,000 in 2026, 2027 and 2028, so only one fits;
    # the second cannot start in any year without pushing a later year over its budget.
    hire = Action("hire_teacher", 2.0, 200_000.0, (Change("a", "teachers_above_degree_primary", 2.0),))
    phases, left = phase([hire], [2026, 2027, 2028], 150_000.0, frozenset({"hire_teacher"}))
    assert [p.cost for p in phases] == [100_000.0, 100_000.0, 100_000.0]
    assert [sum(a.quantity for a in p.actions) for p in phases] == [1.0, 0.0, 0.0]
    assert [a.quantity for a in left] == [1.0]


def test_the_national_standard_makes_pay_recurring() -> None:
    assert COSTS.recurring == frozenset({"hire_teacher", "transfer_teacher"})


_kinds = st.sampled_from([("hire_teacher", "teachers_above_degree_primary"), ("buy_equipment", "equipment_value_yuan")])


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(_kinds, st.integers(1, 30)), min_size=0, max_size=6),
    st.integers(1, 4),
    st.floats(0, 900_000, allow_nan=False),
)
def test_no_year_spends_more_than_its_budget(
    specs: list[tuple[tuple[str, str], int]], years: int, budget: float
) -> None:
    actions = [
        Action(kind, float(q), q * COSTS[kind], (Change(f"s{i}", column, float(q)),))
        for i, ((kind, column), q) in enumerate(specs)
    ]
    phases, left = phase(actions, list(range(2026, 2026 + years)), budget, COSTS.recurring)
    for p in phases:
        assert p.cost <= budget + 1e-6
        assert all(a.cost == pytest.approx(a.quantity * COSTS[a.kind]) for a in p.actions)
    for kind in {a.kind for a in actions}:
        wanted = sum(a.quantity for a in actions if a.kind == kind)
        done = sum(a.quantity for p in phases for a in p.actions if a.kind == kind)
        missing = sum(a.quantity for a in left if a.kind == kind)
        assert done + missing == pytest.approx(wanted)
    if sum(a.cost for a in actions) <= budget:
        assert left == () and sum(p.cost for p in phases[:1]) == pytest.approx(sum(a.cost for a in actions))
