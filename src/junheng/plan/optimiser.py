"""The cheapest plan after which a county passes resource allocation (contracts.md §3, issue 5 item 2).

A MILP solved by HiGHS: per school part, binaries choose which indicators meet their thresholds (at
least 6 of 7, the rest at their 85 % floors, standard.md §2); action quantities per school and 学段
add resources. The difference coefficients (§3) enter as cones split part by part (`cone`), approached
by sparse tangent cuts where a solution has a coefficient over its limit: first on the linear
relaxation, whose point, made whole, is often within 1 % of the optimum, then on the MILP. The search
starts from the naive plan (`naive`), which exists whenever any plan does, and only ever replaces it by
a cheaper plan the engine passes, so the answer is a verified plan, with the gap to HiGHS's proved
bound (issue 10), and ends once that gap is under 1 % (`CLOSE_GAP`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from junheng.engine import Evaluation, evaluate
from junheng.engine.scope import KEYS
from junheng.plan.actions import actions_of
from junheng.plan.apply import apply_changes
from junheng.plan.cone import Cone, extend
from junheng.plan.costs import SHARED_ACTION_COLUMNS, UnitCosts
from junheng.plan.model import CV_AIM, CountyModel, build
from junheng.plan.naive import blocked, lifted, naive_point, rounded, toward
from junheng.plan.result import (
    CLOSE,
    CLOSE_GAP,
    FEASIBLE,
    IMPOSSIBLE,
    INFEASIBLE,
    MILP,
    NAIVE,
    OPTIMAL,
    PROVED,
    REPAIRED,
    ROUND_LIMIT,
    ROUNDED,
    SOLVER,
    TIME_LIMIT,
    Action,
    CountyPlan,
    Search,
)
from junheng.plan.spread import crossing, spreads
from junheng.schema import FIELDS_BY_KEY, Kind
from junheng.standards import Standard

# What `junheng plan` and the plan page give each county, in seconds; the plan found by then is returned
# with its gap to HiGHS's proved lower bound.
DEFAULT_TIME_LIMIT = 20.0
# HiGHS looks at its clock only now and then (presolve and the root's heuristics run on past it: an
# interrupt was answered 2.3 s late on a 183-school county, on a quiet machine) and the last solution is
# still to be verified: rounds stop at this share of the limit, less the most a round has overrun, so
# that the county's whole solving stays within it.
WALL_SHARE = 0.9
# A MILP round given less than this (or than the shortest round so far) cannot even presolve a large
# county's model: it is not started.
MIN_ROUND_SECONDS = 0.5
# Before any round has measured it, this share of the limit is kept free for the first round's overrun
# (its root heuristics, like its presolve, ran 1.5 s past an interrupt on a loaded machine) and the
# verification and repairs after it.
FIRST_LATE = 0.1
MAX_ROUNDS = 60
MIP_REL_GAP = 1e-6
# While cuts are still being added a coarse gap suffices; the final model is solved to MIP_REL_GAP.
SEARCH_REL_GAP = 1e-2
# Rounds of cuts on the linear relaxation before the first MILP, and the share of the time they may take.
RELAXED_ROUNDS = 200
RELAXED_SHARE = 0.25
# They stop at a round that raised the relaxation's optimum by less than this (relative): the bound is
# then as good as the gap it is to show, and the point as near a plan as rounding makes it.
RELAXED_RISE = 1e-4
RELAXED_POINTS = 3
# With a verified plan in hand, one MILP round may take this share of the time left.
ROUND_SHARE = 0.4
# A plan within CLOSE_GAP (result.py) of HiGHS's proved lower bound ends the search, its gap reported,
# but only after the MILP's own verified solution was given this long to be proved optimal.
FINAL_ROUND_SECONDS = 2.0
# ... and only where the relaxation's last solve took under 1 ÷ this of it (HiGHS's presolve and root take
# many times one solve of the relaxation, and cannot be interrupted).
FINAL_ROUND_LPS = 20


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
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> tuple[CountyPlan, ...]:
    """A plan for every county and year in `schools` (validated data-file rows), in the file's order.

    `time_limit` bounds each county's solving, in seconds, its verification included; a plan found by
    then is reported as feasible with its gap.
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
    started = time.perf_counter()
    deadline = started + WALL_SHARE * time_limit
    county, year = table.row(0)[table.columns.index("county")], table.row(0)[table.columns.index("year")]
    before = evaluate(table, standard)
    if before.schools.height == 0:
        return CountyPlan(
            county, year, INFEASIBLE, None, 0.0, (), before, reason="县内没有参与资源配置评估的学校，无法达标"
        )
    full = _cheapest(table, before, standard, costs, deadline, time_limit)
    if budget is None or (full.status != INFEASIBLE and full.total_cost <= budget):
        return replace(full, budget=budget, solve_seconds=time.perf_counter() - started)
    best = _most_passing(table, before, standard, costs, budget, deadline, time_limit)
    return replace(best, budget=budget, solve_seconds=time.perf_counter() - started)


@dataclass(frozen=True, slots=True)
class _Found:
    """A point of the model the engine passes, as the plan it stands for."""

    x: np.ndarray
    actions: tuple[Action, ...]
    after: Evaluation
    cost: float
    source: str


def _cheapest(
    table: pl.DataFrame, before: Evaluation, standard: Standard, costs: UnitCosts, deadline: float, time_limit: float
) -> CountyPlan:
    """The cheapest plan found by `deadline`: from the naive plan, improved by the MILP with cuts.

    Every round solves the MILP; a solution the engine passes is kept when cheaper, one it does not is
    lifted where its coefficients are over (and kept when that passes and is cheaper), and cuts at the
    solution and where the segment from the best plan to it crosses each limit are added.
    """
    county, year = before.counties.row(0)[:2]
    model = build(standard, costs, table, before, budget=None)
    coefficients = spreads(model)

    def search(stopped: str, rounds: int, lower: float | None, status: str, found: _Found | None) -> Search:
        return Search(stopped, rounds, lower, status, found.source if found else None, time_limit)

    impossible = blocked(model, coefficients)
    if impossible is not None:
        return _plan(
            county, year, INFEASIBLE, None, (), before, reason=impossible, search=search(IMPOSSIBLE, 0, None, "", None)
        )
    cones = [extend(model.milp, spread, spread.limit * (1 - CV_AIM)) for spread in coefficients]
    start = naive_point(model, coefficients)
    naive = best = _found(model, table, standard, start, NAIVE) if start is not None else None
    lower, relaxed, lp_seconds = _relaxed_cuts(model, cones, best, deadline)
    # The relaxation's last points are near-optimal vertices, each a little over some limit: made whole
    # and lifted they differ in cost by a per cent or two. The cheapest the engine passes is kept.
    made = [p for p in (rounded(model, coefficients, x) for x in relaxed) if p is not None]
    for point in sorted(made, key=lambda p: float(np.dot(model.milp.cost, p))):
        if best is not None and float(np.dot(model.milp.cost, point)) >= best.cost:
            break
        candidate = _found(model, table, standard, point, ROUNDED)
        if candidate is not None:
            best = candidate if best is None or candidate.cost < best.cost else best
            break
    gap = SEARCH_REL_GAP
    rounds, stopped, status = 0, ROUND_LIMIT, ""
    share = ROUND_SHARE if best is not None else 1.0
    # The most a round has taken beyond the time HiGHS was given (its overrun, the verification and the
    # repairs after it): kept free at the end of the next. HiGHS's presolve cannot be interrupted, so a
    # round is not started in less time than the shortest round so far took.
    late, asked, round_started, shortest = FIRST_LATE * time_limit, 0.0, 0.0, MIN_ROUND_SECONDS
    cap = math.inf  # the final round's, once the MILP's solution is verified

    def close(best: _Found | None, within: float = CLOSE_GAP) -> bool:
        return best is not None and lower is not None and best.cost - lower <= within * best.cost

    def proved(best: _Found | None) -> bool:
        return close(best, MIP_REL_GAP)

    # Where a coefficient binds, HiGHS's branch and bound seldom betters a rounded plan already this close
    # in the time a county has (one of 300 unequal schools: not in minutes): it gets one final round, if
    # the relaxation solves fast enough for its presolve, which cannot be interrupted, to fit in it.
    if close(best) and any(cone.active for cone in cones):
        if lp_seconds * FINAL_ROUND_LPS > FINAL_ROUND_SECONDS:
            stopped = PROVED if proved(best) else CLOSE
        gap, cap = MIP_REL_GAP, FINAL_ROUND_SECONDS
    while stopped not in (CLOSE, PROVED) and rounds < MAX_ROUNDS:
        now = time.perf_counter()
        if rounds:
            late = max(late, now - round_started - asked)
        left = deadline - now - late
        if left < shortest:
            stopped = TIME_LIMIT
            break
        rounds += 1
        # A round stopped early still gives HiGHS's best point so far, to repair and to cut at.
        round_started, asked = now, min(left * share, cap)
        # Interrupted, at the latest, when the round's whole window is used up (a final round's: its own).
        solution = model.milp.solve(time_limit=asked, mip_rel_gap=gap, stop_at=now + min(left, cap))
        shortest = max(MIN_ROUND_SECONDS, solution.seconds if rounds == 1 else min(shortest, solution.seconds))
        status = solution.status
        if solution.bound is not None:
            lower = solution.bound if lower is None else max(lower, solution.bound)
        if solution.values is None:
            if close(best):
                stopped = CLOSE
                break
            if solution.infeasible and best is None:
                reason = "在现有措施下不存在使全县所有学校达标、差异系数达标的方案"
                return _plan(
                    county,
                    year,
                    INFEASIBLE,
                    None,
                    (),
                    before,
                    reason=reason,
                    search=search(IMPOSSIBLE, rounds, None, status, None),
                )
            if solution.timed_out and share < 1:
                share = 1.0  # no point yet: the next round may take all the time left
                continue
            stopped = TIME_LIMIT if solution.timed_out else SOLVER
            break
        x = solution.values
        found = _found(model, table, standard, x, MILP)
        if found is not None:
            best = found if best is None or found.cost <= best.cost else best
            if gap == MIP_REL_GAP and solution.optimal:  # proved: nothing cheaper than the MILP's optimum
                return _plan(
                    county,
                    year,
                    OPTIMAL,
                    solution.gap,
                    best.actions,
                    best.after,
                    search=search(PROVED, rounds, lower, status, best),
                )
            if gap == MIP_REL_GAP and close(best):
                stopped = CLOSE
                break
            if gap == MIP_REL_GAP:  # not proved, not close: the same model again, with all the time left
                share, cap = 1.0, math.inf
            else:
                gap, cap = MIP_REL_GAP, FINAL_ROUND_SECONDS
            continue
        repairs = [lifted(model, coefficients, x)]
        repairs += [toward(model, coefficients, inside.x, x) for inside in (best, naive) if inside is not None]
        for repaired in repairs:
            candidate = _found(model, table, standard, repaired, REPAIRED) if repaired is not None else None
            if candidate is not None and (best is None or candidate.cost < best.cost):
                best = candidate
        cut = _cut(model, cones, x, best)
        if proved(best):
            stopped = PROVED
            break
        if close(best):
            stopped = CLOSE
            break
        if not cut:  # the engine fails a solution the model's coefficients pass: more rounds would repeat it
            stopped = SOLVER
            break
    if best is None:
        reason = (
            f"经 {rounds} 轮求解未找到经评估引擎验证达标的方案：部分学校的资源没有措施能增加，差异系数无法降到限值以内"
        )
        return _plan(
            county,
            year,
            INFEASIBLE,
            None,
            (),
            before,
            reason=reason,
            search=search(stopped, rounds, lower, status, None),
        )
    final_gap = (
        (best.cost - lower) / best.cost if lower is not None and best.cost > 0 else (0.0 if best.cost == 0 else None)
    )
    final_gap = max(final_gap, 0.0) if final_gap is not None else None
    status_word = OPTIMAL if stopped == PROVED else FEASIBLE
    return _plan(
        county,
        year,
        status_word,
        final_gap,
        best.actions,
        best.after,
        search=search(stopped, rounds, lower, status, best),
    )


def _cut(model: CountyModel, cones: list[Cone], x: np.ndarray, best: _Found | None) -> bool:
    """Cuts off x for every coefficient it has over the limit: for each part whose share of the variance
    the model under-counts at x, the tangent at x, and the tangent where the segment from the best plan
    (inside every limit) to x crosses the limit. False if none is over."""
    cut = False
    for cone in cones:
        spread, aim = cone.spread, cone.aim
        if spread.cv_at(x) > aim:
            cut = cone.cut(model.milp, x) > 0 or cut
            if best is not None:
                cone.cut(model.milp, x, at=best.x + crossing(spread, best.x, x, aim) * (x - best.x))
    return cut


def _relaxed_cuts(
    model: CountyModel, cones: list[Cone], best: _Found | None, deadline: float
) -> tuple[float | None, list[np.ndarray], float]:
    """Cuts from the linear relaxation, whose rounds take milliseconds where the MILP's take seconds:
    most of the coefficients' shape is learnt before the first MILP. Its last optimum bounds every
    plan's cost from below; its last RELAXED_POINTS points and how long its last solve took are
    returned with it."""
    lower, seconds = None, 0.0
    points: list[np.ndarray] = []
    budget = time.perf_counter() + RELAXED_SHARE * (deadline - time.perf_counter())
    for _ in range(RELAXED_ROUNDS):
        if time.perf_counter() >= budget:
            break
        solution = model.milp.solve(time_limit=budget - time.perf_counter(), mip_rel_gap=MIP_REL_GAP, relaxation=True)
        if solution.values is None:
            break
        rising = lower is None or solution.bound is None or solution.bound > lower + RELAXED_RISE * abs(lower)
        lower = solution.bound if solution.bound is not None else lower
        points, seconds = [*points[1 - RELAXED_POINTS :], solution.values], solution.seconds
        if not rising or not _cut(model, cones, solution.values, best):
            break
    return lower, points, seconds


def _found(model: CountyModel, table: pl.DataFrame, standard: Standard, x: np.ndarray, source: str) -> _Found | None:
    """The plan of point x if the engine passes the data with its changes applied (standard.md §2–§4)."""
    actions = actions_of(model, x)
    after = evaluate(apply_changes(table, (c for a in actions for c in a.changes)), standard)
    if not after.counties["pass"][0]:
        return None
    return _Found(x, actions, after, sum(a.cost for a in actions), source)


def _most_passing(
    table: pl.DataFrame,
    before: Evaluation,
    standard: Standard,
    costs: UnitCosts,
    budget: float,
    deadline: float,
    time_limit: float,
) -> CountyPlan:
    """The most school parts passing within `budget`; the CVs are reported, not required.

    Doing nothing is a plan within any budget: it is returned should HiGHS find none in time.
    """
    county, year = before.counties.row(0)[:2]
    # Areas and yuan are rounded up to the cent after solving: keep room for that inside the budget.
    continuous = [k for k, c in SHARED_ACTION_COLUMNS.items() if FIELDS_BY_KEY[c].kind is not Kind.INTEGER]
    schools = before.schools["school_id"].n_unique()
    room = 0.01 * schools * sum(costs[k] for k in continuous) + 1.0
    model = build(standard, costs, table, before, budget=max(budget - room, 0.0))
    nothing = np.zeros(len(model.milp.cost))
    # After a full plan that took all the time, HiGHS still gets a short round to fit the budget.
    stop_at = max(deadline, time.perf_counter() + MIN_ROUND_SECONDS)
    solution = model.milp.solve(time_limit=stop_at - time.perf_counter(), mip_rel_gap=MIP_REL_GAP, stop_at=stop_at)
    values = solution.values if solution.values is not None else nothing
    actions = actions_of(model, values)
    after = evaluate(apply_changes(table, (c for a in actions for c in a.changes)), standard)
    status = OPTIMAL if solution.optimal else FEASIBLE
    stopped = PROVED if solution.optimal else TIME_LIMIT if solution.timed_out else SOLVER
    passing = int(after.schools["pass"].sum())
    reason = (
        None
        if after.counties["pass"][0]
        else f"预算 {budget:,.2f} 元内最多使 {passing}/{after.schools.height} 个学校学段达标，全县资源配置仍未通过"
    )
    # The objective counts passing parts, not 元: no bound on the cost; the plan need not pass: no source.
    search = Search(stopped, 1, None, solution.status, None, time_limit)
    return _plan(county, year, status, solution.gap, actions, after, reason=reason, search=search)


def _plan(
    county: str,
    year: int,
    status: str,
    gap: float | None,
    actions: tuple[Action, ...],
    after: Evaluation,
    *,
    reason: str | None = None,
    search: Search | None = None,
) -> CountyPlan:
    return CountyPlan(
        county, year, status, gap, sum(a.cost for a in actions), actions, after, reason=reason, search=search
    )
