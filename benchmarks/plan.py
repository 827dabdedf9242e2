"""The planner against the naive plan on synthetic counties of 50, 150 and 400 schools (issue 5), and on
unequal counties of 15–200 schools with every difference coefficient over its limit (issue 10).

Naive: fill every shortfall to its threshold with the natural action (standard.md §2), then lift the
lowest schools of every coefficient still over its limit to a common level, found by bisection, until
the engine passes it (§3). Prints a table of costs and solve times.

Unequal: each county's resources spread school by school until every coefficient of a 学段 with two
schools or more is over its limit. Prints, per county, the status, whether the engine passes the
applied plan, the seconds and the gap to HiGHS's proved lower bound, then how many got a verified plan.

    python benchmarks/plan.py                                   # both, 20 s at most per county: about a minute
    python benchmarks/plan.py --unequal 5 --time-limit 10       # the unequal counties only, a minute
    python benchmarks/plan.py --worst-case 100 [--seed S]        # solve times over 100 random counties
    python benchmarks/plan.py --worst-case 4 --quick             # four small ones, seconds (the smoke test)
    python benchmarks/plan.py --worst-case 100 --counties 4,30   # two of those 100 again
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# Run as a script from a checkout: make `benchmarks` and (when not installed) `junheng` importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import polars as pl

from junheng.engine import evaluate
from junheng.engine.indicators import value_column
from junheng.plan import default_unit_costs, gaps, plan
from junheng.plan.apply import apply_changes
from junheng.plan.gaps import natural_actions
from junheng.plan.optimiser import DEFAULT_TIME_LIMIT
from junheng.plan.result import Change
from junheng.schema import polars_schema
from junheng.standards import Standard, load_standard
from junheng.synth import synthesize

SIZES = (50, 150, 400)
SEEDS = (11, 12, 13)
TIME_LIMIT = DEFAULT_TIME_LIMIT  # what `junheng plan` and the plan page give a county
UNEQUAL_COUNTIES = 10  # about half a minute; `--unequal 45` repeats the count
UNEQUAL_SIZES = (15, 200)
WORST_CASE_SEED = 2026
SPREAD_RESOURCES = (
    "teachers_above_degree_primary",
    "teachers_above_degree_junior",
    "backbone_teachers_primary",
    "backbone_teachers_junior",
    "pe_art_teachers_primary",
    "pe_art_teachers_junior",
    "teaching_aux_area_m2",
    "sports_area_m2",
    "equipment_value_yuan",
    "multimedia_rooms",
)


def unequal_county(schools: int, seed: int) -> pl.DataFrame:
    """A synthetic county whose schools' resources are spread (each times e^N(0, σ), σ growing) until
    every difference coefficient of a 学段 with two schools or more is over its limit."""
    standard = load_standard("national-2017")
    base = synthesize(counties=1, schools_per_county=schools, seed=seed)
    rng = np.random.default_rng(seed)
    schema = polars_schema()
    sigma = 0.6
    while True:
        spread = []
        for column in SPREAD_RESOURCES:
            factor = np.exp(rng.normal(0, sigma, base.height))
            values = pl.Series(column, base[column].cast(pl.Float64).to_numpy() * factor)
            spread.append((values.round(0) if schema[column].is_integer() else values.round(2)).cast(schema[column]))
        county = base.with_columns(spread).with_columns(
            pl.max_horizontal(f"full_time_teachers_{lv}", f"teachers_above_degree_{lv}").alias(
                f"full_time_teachers_{lv}"
            )
            for lv in ("primary", "junior")
        )
        levels = evaluate(county, standard).levels.filter(pl.col("schools") > 1)
        if not levels["pass"].any() or sigma > 3:
            return county
        sigma += 0.2


def naive_cost(schools: pl.DataFrame, standard: Standard) -> float:
    """The cost of filling every shortfall to its threshold and then lifting the lowest schools."""
    costs = default_unit_costs(standard)
    columns = {ind.id: ind for ind in standard.indicators}
    short = gaps(evaluate(schools, standard), costs)
    changes = [
        Change(r["school_id"], _column(columns[r["indicator"]], r["level"]), r["to_threshold"])
        for r in short.iter_rows(named=True)
    ]
    table = apply_changes(schools, _whole_school(changes))
    total = float(short["cost_to_threshold"].sum())
    actions = natural_actions(standard)
    for _ in range(20):
        after = evaluate(table, standard)
        failing = after.levels.filter(~pl.col("pass"))
        if failing.is_empty():
            return total
        level, ind_id, mean = failing.select("level", "indicator", "mean").row(0)
        ind = columns[ind_id]
        parts = after.schools.filter(pl.col("level") == level)
        low, high = 0.0, float(mean)
        for _ in range(40):  # the lowest level every school is lifted to that brings the CV within the limit
            mid = (low + high) / 2
            lifted = apply_changes(table, _lift(parts, ind, level, mid))
            ok = evaluate(lifted, standard).levels.filter((pl.col("level") == level) & (pl.col("indicator") == ind_id))[
                "pass"
            ][0]
            low, high = (low, mid) if ok else (mid, high)
        lift = _lift(parts, ind, level, high)
        total += sum(c.delta for c in lift) * costs[actions[ind_id]]
        table = apply_changes(table, lift)
    return float("nan")


def _column(ind: object, level: str) -> str:
    from junheng.standards import Indicator

    assert isinstance(ind, Indicator)
    return ind.resource_column(level)


def _whole_school(changes: list[Change]) -> list[Change]:
    """A shared resource short at two parts of one school is added once, the larger amount."""
    largest: dict[tuple[str, str], float] = {}
    for c in changes:
        largest[(c.school_id, c.column)] = max(largest.get((c.school_id, c.column), 0.0), c.delta)
    return [Change(s, col, d) for (s, col), d in largest.items()]


def _lift(parts: pl.DataFrame, ind: object, level: str, target: float) -> list[Change]:
    from junheng.standards import Indicator

    assert isinstance(ind, Indicator)
    below = parts.filter(pl.col(value_column(ind.id)) < target)
    changes = []
    for r in below.iter_rows(named=True):
        amount = (target - r[value_column(ind.id)]) * r["students"] / ind.per_students
        if not ind.per_level_resource:
            amount *= r["weight_total"] / r["weight_part"]
        amount = float(-(-amount // 1)) if ind.integral else round(amount + 0.005, 2)
        changes.append(Change(r["school_id"], ind.resource_column(level), amount))
    return _whole_school(changes)


def unequal(counties: int, time_limit: float) -> None:
    """Issue 10's figure: how many unequal counties get a plan the engine passes, in what time and gap."""
    standard = load_standard("national-2017")
    costs = default_unit_costs(standard)
    rng = np.random.default_rng(2025)
    print(f"{'schools':>7} {'seed':>4} {'status':>10} {'verified':>8} {'seconds':>8} {'gap':>7}  stopped")
    verified, seconds, gaps = 0, [], []
    for seed in range(counties):
        size = int(rng.integers(UNEQUAL_SIZES[0], UNEQUAL_SIZES[1] + 1))
        schools = unequal_county(size, seed)
        started = time.perf_counter()
        [result] = plan(schools, standard, costs, time_limit=time_limit)
        seconds.append(time.perf_counter() - started)
        applied = apply_changes(schools, (c for a in result.actions for c in a.changes))
        passes = result.status != "infeasible" and bool(evaluate(applied, standard).counties["pass"][0])
        verified += passes
        if result.gap is not None:
            gaps.append(result.gap)
        gap = "—" if result.gap is None else f"{result.gap:.2%}"
        stopped = result.search.stopped if result.search else "—"
        print(f"{size:>7} {seed:>4} {result.status:>10} {passes!s:>8} {seconds[-1]:>8.2f} {gap:>7}  {stopped}")
    median_gap = f"{float(np.median(gaps)):.2%}" if gaps else "—"
    print(
        f"verified plans: {verified}/{counties}; seconds median {float(np.median(seconds)):.1f}, "
        f"max {max(seconds):.1f}; gap median {median_gap}, max {max(gaps, default=0.0):.2%} "
        f"(time limit {time_limit:g} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--unequal", type=int, metavar="N", help="only the unequal counties, N of them")
    parser.add_argument("--worst-case", type=int, metavar="N", help="only N random counties of 20–400 schools")
    parser.add_argument("--seed", type=int, default=WORST_CASE_SEED, help="the worst case's random counties")
    parser.add_argument("--quick", action="store_true", help="the worst case on small counties (a smoke test)")
    parser.add_argument(
        "--counties", help="the worst case: only these of the N counties drawn, by number (e.g. 4,10,30)"
    )
    parser.add_argument(
        "--time-limit", type=float, help=f"seconds per county (default {TIME_LIMIT:g}; the worst case: the planner's)"
    )
    args = parser.parse_args()
    if args.worst_case is not None:
        from benchmarks.plan_worst_case import worst_case

        only = None if args.counties is None else {int(i) for i in args.counties.split(",")}
        worst_case(args.worst_case, args.seed, args.time_limit, quick=args.quick, only=only)
        return
    args.time_limit = TIME_LIMIT if args.time_limit is None else args.time_limit
    if args.unequal is None:
        naive_comparison(args.time_limit)
    unequal(UNEQUAL_COUNTIES if args.unequal is None else args.unequal, args.time_limit)


def naive_comparison(time_limit: float) -> None:
    """Issue 5's figure: the plan's cost against the naive plan's on the realistic synthetic counties."""
    standard = load_standard("national-2017")
    costs = default_unit_costs(standard)
    print(f"{'schools':>7} {'seed':>4} {'status':>10} {'plan 元':>16} {'naive 元':>16} {'cheaper':>8} {'seconds':>8}")
    for size in SIZES:
        for seed in SEEDS:
            schools = synthesize(counties=1, schools_per_county=size, seed=seed)
            started = time.perf_counter()
            [result] = plan(schools, standard, costs, time_limit=time_limit)
            seconds = time.perf_counter() - started
            naive = naive_cost(schools, standard)
            cheaper = 1 - result.total_cost / naive if naive > 0 else 0.0
            print(
                f"{size:>7} {seed:>4} {result.status:>10} {result.total_cost:>16,.0f} {naive:>16,.0f} "
                f"{cheaper:>8.1%} {seconds:>8.2f}"
            )


if __name__ == "__main__":
    main()
