"""The planner against the naive plan on synthetic counties of 50, 150 and 400 schools (issue 5).

Naive: fill every shortfall to its threshold with the natural action (standard.md §2), then lift the
lowest schools of every coefficient still over its limit to a common level, found by bisection, until
the engine passes it (§3). Prints a table of costs and solve times.

    python benchmarks/plan.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

# Run as a script from a checkout: make `junheng` importable when it is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import polars as pl

from junheng.engine import evaluate
from junheng.engine.indicators import value_column
from junheng.plan import default_unit_costs, gaps, plan
from junheng.plan.apply import apply_changes
from junheng.plan.gaps import natural_actions
from junheng.plan.result import Change
from junheng.standards import Standard, load_standard
from junheng.synth import synthesize

SIZES = (50, 150, 400)
SEEDS = (11, 12, 13)
TIME_LIMIT = 60.0


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


def main() -> None:
    standard = load_standard("national-2017")
    costs = default_unit_costs(standard)
    print(f"{'schools':>7} {'seed':>4} {'status':>10} {'plan 元':>16} {'naive 元':>16} {'cheaper':>8} {'seconds':>8}")
    for size in SIZES:
        for seed in SEEDS:
            schools = synthesize(counties=1, schools_per_county=size, seed=seed)
            started = time.perf_counter()
            [result] = plan(schools, standard, costs, time_limit=TIME_LIMIT)
            seconds = time.perf_counter() - started
            naive = naive_cost(schools, standard)
            cheaper = 1 - result.total_cost / naive if naive > 0 else 0.0
            print(
                f"{size:>7} {seed:>4} {result.status:>10} {result.total_cost:>16,.0f} {naive:>16,.0f} "
                f"{cheaper:>8.1%} {seconds:>8.2f}"
            )


if __name__ == "__main__":
    main()
