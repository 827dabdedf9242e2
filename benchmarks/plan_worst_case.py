"""The planner's worst case (issue 14 item 4): solve times over random counties of 20–400 schools.

Each county's size is drawn uniformly from 20–400 schools, and it is, with equal odds, a realistic
synthetic county (`junheng.synth.synthesize`) or an unequal one (`benchmarks.plan.unequal_county`, every
difference coefficient over its limit). Every county is planned with the planner's default settings
(what `junheng plan` and the plan page use), the plan is applied to the data and judged by the engine,
and its cost is set against the naive plan the planner starts from.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import polars as pl

from junheng.engine import evaluate
from junheng.plan import default_unit_costs, plan
from junheng.plan.apply import apply_changes
from junheng.plan.model import build
from junheng.plan.naive import naive_point
from junheng.plan.optimiser import DEFAULT_TIME_LIMIT
from junheng.plan.spread import spreads
from junheng.standards import Standard, load_standard
from junheng.synth import synthesize

SIZES = (20, 400)
QUICK_SIZES = (20, 40)
# Targets of issue 14: the 95th percentile and the slowest county, in seconds.
P95_TARGET = 5.0
MAX_TARGET = 20.0
PERCENTILES = (50, 90, 95, 99)
KINDS = ("realistic", "unequal")
QUICK_TIME_LIMIT = 2.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """One county's plan: how long it took, whether the engine passes it, its cost against the naive plan."""

    index: int
    kind: str
    schools: int
    seed: int
    status: str
    stopped: str
    verified: bool
    seconds: float
    gap: float | None
    cost: float
    naive: float | None


def counties(n: int, seed: int, sizes: tuple[int, int]) -> list[tuple[str, int, int]]:
    """(kind, schools, seed) of n random counties: sizes uniform in `sizes`, realistic or unequal at even odds."""
    rng = np.random.default_rng(seed)
    drawn = []
    for _ in range(n):
        size = int(rng.integers(sizes[0], sizes[1] + 1))
        kind = KINDS[1] if rng.random() < 0.5 else KINDS[0]
        drawn.append((kind, size, int(rng.integers(0, 2**31))))
    return drawn


def county_table(kind: str, schools: int, seed: int) -> pl.DataFrame:
    """The county's data-file rows."""
    from benchmarks.plan import unequal_county

    if kind == KINDS[1]:
        return unequal_county(schools, seed)
    return synthesize(counties=1, schools_per_county=schools, seed=seed)


def naive_cost(table: pl.DataFrame, standard: Standard) -> float | None:
    """The cost of the naive plan the planner starts from (None where there is none)."""
    costs = default_unit_costs(standard)
    before = evaluate(table, standard)
    if before.schools.height == 0:
        return None
    model = build(standard, costs, table, before, budget=None)
    x = naive_point(model, spreads(model))
    return None if x is None else float(np.dot(model.milp.cost, x))


def run_county(index: int, kind: str, schools: int, seed: int, standard: Standard, time_limit: float | None) -> Outcome:
    """Plan one county (with the default time limit unless one is given) and judge the plan by the engine."""
    table = county_table(kind, schools, seed)
    costs = default_unit_costs(standard)
    options = {} if time_limit is None else {"time_limit": time_limit}
    started = time.perf_counter()
    [result] = plan(table, standard, costs, **options)
    seconds = time.perf_counter() - started
    applied = apply_changes(table, (c for a in result.actions for c in a.changes))
    verified = result.status != "infeasible" and bool(evaluate(applied, standard).counties["pass"][0])
    stopped = result.search.stopped if result.search else "—"
    return Outcome(
        index,
        kind,
        schools,
        seed,
        result.status,
        stopped,
        verified,
        seconds,
        result.gap,
        result.total_cost,
        naive_cost(table, standard),
    )


def worst_case(
    n: int, seed: int, time_limit: float | None, *, quick: bool = False, only: set[int] | None = None
) -> list[Outcome]:
    """Plan n random counties, print one line each, then the distribution of seconds against the targets.

    `quick`: counties of 20–40 schools and, unless `time_limit` is given, 2 s each (the smoke test);
    `only`: just the counties of the draw with these numbers (to time the slow ones again)."""
    standard = load_standard("national-2017")
    if quick and time_limit is None:
        time_limit = QUICK_TIME_LIMIT
    limit = f"the planner's default, {DEFAULT_TIME_LIMIT:g} s" if time_limit is None else f"{time_limit:g} s"
    sizes = QUICK_SIZES if quick else SIZES
    drawn = [(i, c) for i, c in enumerate(counties(n, seed, sizes)) if only is None or i in only]
    some = "" if only is None else f", only {len(drawn)} of them: {', '.join(str(i) for i, _ in drawn)}"
    print(f"{n} counties of {sizes[0]}–{sizes[1]} schools (uniform), seed {seed}, time limit {limit}{some}")
    print(
        f"{'#':>3} {'kind':>9} {'schools':>7} {'status':>10} {'verified':>8} {'seconds':>8} {'gap':>7} "
        f"{'plan 元':>16} {'naive 元':>16}  stopped"
    )
    outcomes = []
    for index, (kind, schools, county_seed) in drawn:
        o = run_county(index, kind, schools, county_seed, standard, time_limit)
        outcomes.append(o)
        gap = "—" if o.gap is None else f"{o.gap:.2%}"
        naive = "—" if o.naive is None else f"{o.naive:,.0f}"
        print(
            f"{o.index:>3} {o.kind:>9} {o.schools:>7} {o.status:>10} {o.verified!s:>8} {o.seconds:>8.2f} {gap:>7} "
            f"{o.cost:>16,.0f} {naive:>16}  {o.stopped}",
            flush=True,
        )
    summarise(outcomes, quick=quick)
    return outcomes


def distribution(seconds: np.ndarray) -> str:
    """min, the percentiles and max of `seconds`."""
    marks = [f"min {seconds.min():.2f}"]
    marks += [f"p{q} {np.percentile(seconds, q):.2f}" for q in PERCENTILES]
    return ", ".join([*marks, f"max {seconds.max():.2f}"])


def summarise(outcomes: list[Outcome], *, quick: bool) -> None:
    """The distribution of seconds, the counties stopped early, costs against naive, the targets."""
    seconds = np.array([o.seconds for o in outcomes])
    print(f"seconds, all {len(outcomes)}: {distribution(seconds)}")
    for kind in KINDS:
        some = np.array([o.seconds for o in outcomes if o.kind == kind])
        if some.size:
            print(f"seconds, {some.size} {kind}: {distribution(some)}")
    early = [o for o in outcomes if o.status != "optimal"]
    gaps = ", ".join(f"#{o.index} {'—' if o.gap is None else f'{o.gap:.2%}'}" for o in early)
    print(f"stopped early (not proved optimal): {len(early)}/{len(outcomes)}" + (f": {gaps}" if early else ""))
    verified = sum(o.verified for o in outcomes)
    print(f"verified by the engine: {verified}/{len(outcomes)}")
    paired = [(o.cost, o.naive) for o in outcomes if o.verified and o.naive]
    plan_total = sum(c for c, _ in paired)
    naive_total = sum(n for _, n in paired)
    cheaper = np.array([1 - c / n for c, n in paired])
    if paired:
        print(
            f"cost: {plan_total:,.0f} 元 against the naive plans' {naive_total:,.0f} 元 "
            f"({1 - plan_total / naive_total:.1%} cheaper in all; per county median {np.median(cheaper):.1%}, "
            f"least {round(float(cheaper.min()), 6) + 0.0:.1%})"
        )
    p95 = float(np.percentile(seconds, 95))
    slowest = float(seconds.max())
    shown = sum(o.gap is not None for o in early)
    if quick:
        print(f"targets: p95 < {P95_TARGET:g} s, max ≤ {MAX_TARGET:g} s: not run (--quick)")
        return
    print(f"target p95 < {P95_TARGET:g} s: {p95:.2f} s {_met(p95 < P95_TARGET)}")
    print(f"target no county over {MAX_TARGET:g} s: {slowest:.2f} s {_met(slowest <= MAX_TARGET)}")
    print(f"target every county stopped early shows its gap: {shown}/{len(early)} {_met(shown == len(early))}")
    print(f"target every plan verified: {verified}/{len(outcomes)} {_met(verified == len(outcomes))}")


def _met(met: bool) -> str:
    return "met" if met else "NOT MET"
