"""Years ahead (issue 5 part 4): project enrolment to a target year, plan against it, phase it by yearly budget.

Cohort model on each school's 学段 totals: with only totals known, the grades of a 学段 are taken as
equal (the grade counts are those of `junheng.levels`, 6 primary and 3 junior). Each
year the top grade leaves, every other grade moves up, multiplied by the progression rate (a setting,
default 1.0), and the new first grade is the school's entrants: the figure the county gives per school
and year, else a linear trend of the county's own history (its entrants, estimated as the 学段 total ÷
grades, fitted by least squares over the file's years and shared among schools as in the latest year),
else the latest year's total ÷ grades. Senior students, teachers and resources stay as they are; only a
plan adds to them. Totals are rounded to whole students at the end.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from junheng.engine import Evaluation, evaluate
from junheng.levels import COMPULSORY_LEVELS
from junheng.plan.apply import apply_changes
from junheng.plan.costs import UnitCosts
from junheng.plan.optimiser import DEFAULT_TIME_LIMIT, plan_county
from junheng.plan.result import INFEASIBLE, Action, Change, CountyPlan
from junheng.schema import FIELDS_BY_KEY, Kind
from junheng.standards import Standard

Entrants = Mapping[tuple[str, str, int], float]  # (school, 学段, year) → new first-grade students


@dataclass(frozen=True, slots=True)
class ProjectionSettings:
    """Grades per 学段 and `[plan.projection]`'s progression rate."""

    grades: Mapping[str, int]
    progression_rate: float


def projection_settings(standard: Standard) -> ProjectionSettings:
    """The grades of each compulsory 学段 (`junheng.levels`) and the standard's progression rate."""
    grades = {level.value: len(level.grades) for level in COMPULSORY_LEVELS}
    return ProjectionSettings(grades, float(standard.plan.projection.progression_rate))


def project(
    schools: pl.DataFrame,
    standard: Standard,
    target_year: int,
    *,
    entrants: Entrants | None = None,
    settings: ProjectionSettings | None = None,
) -> dict[int, pl.DataFrame]:
    """Each county's latest year projected to every year after it up to `target_year`: year → table.

    The tables hold the latest year's rows with `year` and the compulsory `students_<level>` replaced.
    """
    settings = settings or projection_settings(standard)
    entrants = entrants or {}
    frames: dict[int, list[pl.DataFrame]] = {}
    for (county,) in schools.select("county").unique(maintain_order=True).rows():
        history = schools.filter(pl.col("county") == county)
        base_year = int(history["year"].max())  # type: ignore[arg-type]
        if target_year < base_year:
            raise ValueError(f"目标年度 {target_year} 早于 {county} 数据的最近年度 {base_year}")
        base = history.filter(pl.col("year") == base_year)
        trends = {level: _trend(history, level, settings.grades[level]) for level in settings.grades}
        cohorts = {
            (r["school_id"], level): [(r[f"students_{level}"] or 0) / settings.grades[level]] * settings.grades[level]
            for r in base.iter_rows(named=True)
            for level in settings.grades
        }
        shares = {level: _shares(base, level) for level in settings.grades}
        for year in range(base_year + 1, target_year + 1):
            for (school_id, level), grades in cohorts.items():
                new = entrants.get((school_id, level, year))
                if new is None:
                    new = trends[level](year) * shares[level].get(school_id, 0.0)
                cohorts[(school_id, level)] = [max(new, 0.0)] + [g * settings.progression_rate for g in grades[:-1]]
            totals = {key: round(sum(g)) for key, g in cohorts.items()}
            frames.setdefault(year, []).append(
                base.with_columns(
                    pl.lit(year, dtype=base.schema["year"]).alias("year"),
                    *(
                        pl.col("school_id")
                        .replace_strict({s: n for (s, lv), n in totals.items() if lv == level}, default=None)
                        .cast(base.schema[f"students_{level}"])
                        .alias(f"students_{level}")
                        for level in settings.grades
                    ),
                )
            )
        if target_year == base_year:
            frames.setdefault(base_year, []).append(base)
    return {year: pl.concat(parts) for year, parts in sorted(frames.items())}


def _shares(base: pl.DataFrame, level: str) -> dict[str, float]:
    total = float(base[f"students_{level}"].fill_null(0).sum())
    if not total:
        return {}
    return {r["school_id"]: (r[f"students_{level}"] or 0) / total for r in base.iter_rows(named=True)}


def _trend(history: pl.DataFrame, level: str, grades: int) -> _Line:
    """The county's entrants of a 学段 by year, a least-squares line through total ÷ grades."""
    points = history.group_by("year").agg(pl.col(f"students_{level}").fill_null(0).sum()).sort("year").rows()
    xs = [float(y) for y, _ in points]
    ys = [n / grades for _, n in points]
    if len(xs) < 2:
        return _Line(ys[-1] if ys else 0.0, 0.0, xs[-1] if xs else 0.0)
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    return _Line(my, slope, mx)


@dataclass(frozen=True, slots=True)
class _Line:
    level: float
    slope: float
    at: float

    def __call__(self, year: int) -> float:
        return max(self.level + self.slope * (year - self.at), 0.0)


# Phasing under yearly budgets.


@dataclass(frozen=True, slots=True)
class Phase:
    """The actions (or parts of them) started in one year, what the year spends, and the county's verdict
    that year on the projected enrolment with every action so far applied.

    `cost` is the year's whole spending: the actions started that year plus `carried`, the yearly cost
    of recurring actions (a hired teacher's pay) started in earlier years."""

    year: int
    actions: tuple[Action, ...]
    cost: float
    passes: bool | None = None
    failing_schools: int | None = None
    carried: float = 0.0


@dataclass(frozen=True, slots=True)
class YearsAheadPlan:
    """A county's plan for `target_year`: the plan against the projected table, its phases by year, and
    what did not fit in the yearly budgets (empty when all did)."""

    plan: CountyPlan
    target_year: int
    projected: pl.DataFrame
    phases: tuple[Phase, ...]
    unscheduled: tuple[Action, ...]
    yearly_budget: float | None


def phase(
    actions: Sequence[Action],
    years: Sequence[int],
    yearly_budget: float | None,
    recurring: frozenset[str] = frozenset(),
) -> tuple[tuple[Phase, ...], tuple[Action, ...]]:
    """Spread actions over `years`, cheapest first (a heuristic, not an optimum), each into the earliest
    year with room; an action larger than the room left is split at whole units (cents for amounts)
    so no year spends more than `yearly_budget`. An action of a `recurring` kind costs its unit again in
    every later year, so it takes room in its year and in each year after it. Returns the phases and
    what did not fit."""
    if yearly_budget is None:
        return (Phase(years[-1], tuple(actions), sum(a.cost for a in actions)),), ()
    room = {year: yearly_budget for year in years}
    placed: dict[int, list[Action]] = {year: [] for year in years}
    carried = {year: 0.0 for year in years}
    left: list[Action] = []
    for action in sorted(actions, key=lambda a: (a.cost, a.kind)):
        remaining = action
        for start, year in enumerate(years):
            if remaining.quantity <= 0:
                break
            later = years[start + 1 :] if action.kind in recurring else []
            unit = remaining.cost / remaining.quantity if remaining.quantity else 0.0
            free = min(room[y] for y in [year, *later])
            fits = remaining.quantity if remaining.cost <= free + 1e-9 else _fitting(remaining, free, unit)
            if fits <= 0:
                continue
            part = _part(remaining, fits, unit) if fits < remaining.quantity else remaining
            placed[year].append(part)
            room[year] -= part.cost
            for y in later:
                room[y] -= part.cost
                carried[y] += part.cost
            remaining = _part(remaining, remaining.quantity - fits, unit)
        if remaining.quantity > 0:
            left.append(remaining)
    phases = tuple(
        Phase(y, tuple(placed[y]), sum(a.cost for a in placed[y]) + carried[y], carried=carried[y]) for y in years
    )
    return phases, tuple(left)


def _fitting(action: Action, room: float, unit: float) -> float:
    """The largest quantity of `action` whose cost fits in `room`: whole units, or cents of 元/㎡."""
    if unit <= 0:
        return action.quantity
    step = 1.0 if _whole_units(action) else 0.01
    return min(math.floor(room / unit / step + 1e-9) * step, action.quantity)


def _whole_units(action: Action) -> bool:
    column = action.changes[0].column if action.changes else ""
    field = FIELDS_BY_KEY.get(column)
    return field is None or field.kind is Kind.INTEGER


def _part(action: Action, quantity: float, unit: float) -> Action:
    """`quantity` of the action, its changes scaled in proportion."""
    quantity = round(quantity, 6)
    ratio = quantity / action.quantity if action.quantity else 0.0
    changes = tuple(Change(c.school_id, c.column, round(c.delta * ratio, 6)) for c in action.changes)
    return Action(action.kind, quantity, quantity * unit, changes)


def plan_years_ahead(
    schools: pl.DataFrame,
    standard: Standard,
    costs: UnitCosts,
    target_year: int,
    *,
    yearly_budget: float | None = None,
    budget: float | None = None,
    entrants: Entrants | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> tuple[YearsAheadPlan, ...]:
    """Per county: project to `target_year`, plan so it passes then, phase the plan by yearly budget and
    evaluate each year's projected enrolment with the actions done so far."""
    projections = project(schools, standard, target_year, entrants=entrants)
    results = []
    years = list(projections)
    target = projections[target_year]
    for (county,) in target.select("county").unique(maintain_order=True).rows():
        table = target.filter(pl.col("county") == county)
        result = plan_county(table, standard, costs, budget=budget, time_limit=time_limit)
        phases, left = (
            phase(result.actions, years, yearly_budget, costs.recurring) if result.status != INFEASIBLE else ((), ())
        )
        judged = []
        done: list[Change] = []
        for ph in phases:
            done += [c for a in ph.actions for c in a.changes]
            year_table = projections[ph.year].filter(pl.col("county") == county)
            verdict: Evaluation = evaluate(apply_changes(year_table, done), standard)
            judged.append(
                Phase(
                    ph.year,
                    ph.actions,
                    ph.cost,
                    bool(verdict.counties["pass"][0]),
                    int(verdict.counties["failing_schools"][0]),
                    ph.carried,
                )
            )
        results.append(YearsAheadPlan(result, target_year, table, tuple(judged), left, yearly_budget))
    return tuple(results)
