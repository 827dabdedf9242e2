"""The cheapest plan after which a county passes resource allocation (contracts.md §3, issue 5 item 2).

A MILP solved by HiGHS: per school part, binaries choose which indicators meet their thresholds (at
least 6 of 7, the rest at their 85 % floors, standard.md §2); action quantities per school and 学段
add resources. The difference coefficients (§3) enter as tangent-plane cuts of a convex function,
added where the engine finds a coefficient over its limit, until the engine passes the applied plan.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np
import polars as pl

from junheng.engine import Evaluation, evaluate
from junheng.engine.scope import KEYS
from junheng.plan.apply import apply_changes
from junheng.plan.costs import SHARED_ACTION_COLUMNS, TRANSFER_TEACHER, UnitCosts
from junheng.plan.model import FULL_TIME, TEACHER_MOVES, TRANSFER_TYPES, CountyModel, build
from junheng.plan.result import FEASIBLE, INFEASIBLE, OPTIMAL, Action, Change, CountyPlan
from junheng.schema import FIELDS_BY_KEY, Kind
from junheng.standards import Standard

MAX_ROUNDS = 60
MIP_REL_GAP = 1e-6
# While cuts are still being added a coarse gap suffices; the final model is solved to MIP_REL_GAP.
SEARCH_REL_GAP = 1e-3


class PlanError(ValueError):
    """A plan that cannot be asked for (the message is for the user, in Chinese)."""


def require_school_rule(standard: Standard) -> None:
    """The planner aims at standard.md §2's school rule; basic-2012 has none."""
    if standard.school_rule is None:
        raise PlanError(
            f"标准 {standard.name} 没有学校达标规则，无法制定达标规划；请选用优质均衡标准，如 national-2017"
        )


def plan(
    schools: pl.DataFrame,
    standard: Standard,
    costs: UnitCosts,
    *,
    budget: float | None = None,
    time_limit: float = 60.0,
) -> tuple[CountyPlan, ...]:
    """A plan for every county and year in `schools` (validated data-file rows), in the file's order.

    `time_limit` bounds each county's solving, in seconds; a plan found by then is reported as feasible
    with its gap.
    """
    require_school_rule(standard)
    if budget is not None and not (math.isfinite(budget) and budget >= 0):
        raise PlanError(f"预算应为不小于 0 的金额（元），实际为 {budget}")
    counties = schools.select(KEYS).unique(maintain_order=True).rows()
    return tuple(
        plan_county(
            schools.filter((pl.col("county") == county) & (pl.col("year") == year)),
            standard,
            costs,
            budget=budget,
            time_limit=time_limit,
        )
        for county, year in counties
    )


def plan_county(
    table: pl.DataFrame, standard: Standard, costs: UnitCosts, *, budget: float | None, time_limit: float
) -> CountyPlan:
    """The plan of one county and year (`table` holds only its rows)."""
    county, year = table.row(0)[table.columns.index("county")], table.row(0)[table.columns.index("year")]
    before = evaluate(table, standard)
    if before.schools.height == 0:
        return CountyPlan(
            county, year, INFEASIBLE, None, 0.0, (), before, reason="县内没有参与资源配置评估的学校，无法达标"
        )
    started = time.perf_counter()
    full = _cheapest(table, before, standard, costs, time_limit)
    if budget is None or (full.status != INFEASIBLE and full.total_cost <= budget):
        return _with(full, budget=budget, seconds=time.perf_counter() - started)
    best = _most_passing(table, before, standard, costs, budget, time_limit - (time.perf_counter() - started))
    return _with(best, budget=budget, seconds=time.perf_counter() - started)


def _cheapest(
    table: pl.DataFrame, before: Evaluation, standard: Standard, costs: UnitCosts, time_limit: float
) -> CountyPlan:
    county, year = before.counties.row(0)[:2]
    model = build(standard, costs, table, before, budget=None)
    limits = {lv: float(v) for lv, v in standard.cv_limits.items()}
    for level in limits:
        for ind in standard.indicators:
            if not before.levels.filter((pl.col("level") == level) & (pl.col("indicator") == ind.id)).is_empty():
                model.add_cv_cut(level, ind, before, limits[level])
    deadline = time.perf_counter() + time_limit
    gap = SEARCH_REL_GAP
    passing: CountyPlan | None = None  # the last plan the engine passed, kept should time run out
    rounds = 0
    while rounds < MAX_ROUNDS and time.perf_counter() < deadline:
        rounds += 1
        solution = model.milp.solve(time_limit=deadline - time.perf_counter(), mip_rel_gap=gap)
        if solution.values is None:
            if solution.infeasible:
                reason = "在现有措施下不存在使全县所有学校达标、差异系数达标的方案"
                return CountyPlan(county, year, INFEASIBLE, None, 0.0, (), before, reason=reason)
            break
        actions = _actions(model, solution.values)
        after = evaluate(apply_changes(table, (c for a in actions for c in a.changes)), standard)
        if after.counties["pass"][0]:
            found = _plan(county, year, FEASIBLE, solution.gap, actions, after)
            if gap == MIP_REL_GAP:
                return _plan(county, year, OPTIMAL, solution.gap, actions, after) if solution.optimal else found
            passing, gap = found, MIP_REL_GAP
            continue
        for level, ind_id in after.levels.filter(~pl.col("pass")).select("level", "indicator").iter_rows():
            model.add_cv_cut(level, standard.indicator(ind_id), after, limits[level])
    if passing is not None:
        return passing
    reason = f"经 {rounds} 轮求解仍未找到经评估引擎验证达标的方案（时限 {time_limit:.0f} 秒）"
    return CountyPlan(county, year, INFEASIBLE, None, 0.0, (), before, reason=reason)


def _most_passing(
    table: pl.DataFrame, before: Evaluation, standard: Standard, costs: UnitCosts, budget: float, time_limit: float
) -> CountyPlan:
    """The most school parts passing within `budget`; the CVs are reported, not required."""
    county, year = before.counties.row(0)[:2]
    # Areas and yuan are rounded up to the cent after solving: keep room for that inside the budget.
    continuous = [k for k, c in SHARED_ACTION_COLUMNS.items() if FIELDS_BY_KEY[c].kind is not Kind.INTEGER]
    schools = before.schools["school_id"].n_unique()
    room = 0.01 * schools * sum(costs[k] for k in continuous) + 1.0
    model = build(standard, costs, table, before, budget=max(budget - room, 0.0))
    solution = model.milp.solve(time_limit=time_limit, mip_rel_gap=MIP_REL_GAP)
    if solution.values is None:
        return _plan(county, year, INFEASIBLE, None, (), before, reason=f"在 {time_limit:.0f} 秒时限内未找到方案")
    actions = _actions(model, solution.values)
    after = evaluate(apply_changes(table, (c for a in actions for c in a.changes)), standard)
    status = OPTIMAL if solution.optimal else FEASIBLE
    passing = int(after.schools["pass"].sum())
    reason = (
        None
        if after.counties["pass"][0]
        else f"预算 {budget:,.2f} 元内最多使 {passing}/{after.schools.height} 个学校学段达标，全县资源配置仍未通过"
    )
    return _plan(county, year, status, solution.gap, actions, after, reason=reason)


def _actions(model: CountyModel, values: np.ndarray) -> tuple[Action, ...]:
    """The solution as actions, quantities made whole or rounded up to the cent (never below the model's)."""
    costs = model.costs
    actions: list[Action] = []
    for (school_id, kind), column in model.shared.items():
        data_column = SHARED_ACTION_COLUMNS[kind]
        quantity = _quantity(values[column], integer=FIELDS_BY_KEY[data_column].kind is Kind.INTEGER)
        if quantity > 0:
            actions.append(_action(costs, kind, quantity, [Change(school_id, data_column, quantity)]))
    for (p, move), column in model.moves.items():
        quantity = _quantity(values[column], integer=True)
        if quantity > 0:
            part = model.parts[p]
            kind, stems = TEACHER_MOVES[move]
            columns = [f"{stem}_{part.level}" for stem in stems]
            if move.startswith("hire"):
                columns += _full_time(model, part.school_id, part.level)
            actions.append(_action(costs, kind, quantity, [Change(part.school_id, c, quantity) for c in columns]))
    actions += _transfers(model, values)
    return tuple(actions)


def _transfers(model: CountyModel, values: np.ndarray) -> list[Action]:
    """Pair the teachers each school sends with those others receive, in the schools' order."""
    actions: list[Action] = []
    for level in model.standard.levels:
        for t, stems in TRANSFER_TYPES.items():
            sources = _amounts(model, model.transfers_out, values, level, t)
            sinks = _amounts(model, model.transfers_in, values, level, t)
            while sources and sinks:
                (src, available), (dst, wanted) = sources[0], sinks[0]
                n = min(available, wanted)
                columns = [f"{stem}_{level}" for stem in stems]
                changes = [Change(src, c, -n) for c in columns + _full_time(model, src, level)] + [
                    Change(dst, c, n) for c in columns + _full_time(model, dst, level)
                ]
                actions.append(_action(model.costs, TRANSFER_TEACHER, n, changes))
                sources[0], sinks[0] = (src, available - n), (dst, wanted - n)
                sources = [s for s in sources if s[1] > 0]
                sinks = [s for s in sinks if s[1] > 0]
    return actions


def _amounts(
    model: CountyModel, columns: dict[tuple[int, str], int], values: np.ndarray, level: str, t: str
) -> list[tuple[str, float]]:
    out = []
    for (p, tt), column in columns.items():
        quantity = _quantity(values[column], integer=True)
        if tt == t and model.parts[p].level == level and quantity > 0:
            out.append((model.parts[p].school_id, quantity))
    return out


def _full_time(model: CountyModel, school_id: str, level: str) -> list[str]:
    """A new, arriving or leaving teacher is also a full-time one where the school's row reports those."""
    column = f"{FULL_TIME}_{level}"
    return [column] if model.schools[school_id].get(column) is not None else []


def _quantity(value: float, *, integer: bool) -> float:
    if integer:
        return float(round(value))
    return math.ceil(round(value, 6) * 100) / 100 if value > 1e-7 else 0.0


def _action(costs: UnitCosts, kind: str, quantity: float, changes: Sequence[Change]) -> Action:
    return Action(kind, quantity, quantity * costs[kind], tuple(changes))


def _plan(
    county: str,
    year: int,
    status: str,
    gap: float | None,
    actions: tuple[Action, ...],
    after: Evaluation,
    *,
    reason: str | None = None,
) -> CountyPlan:
    return CountyPlan(county, year, status, gap, sum(a.cost for a in actions), actions, after, reason=reason)


def _with(result: CountyPlan, *, budget: float | None, seconds: float) -> CountyPlan:
    return CountyPlan(
        result.county,
        result.year,
        result.status,
        result.gap,
        result.total_cost,
        result.actions,
        result.after,
        result.reason,
        budget,
        seconds,
    )
