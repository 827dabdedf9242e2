"""Planning on the platform (issue 5 §5): a county's cheapest plan to pass, and what-if figures.

Nothing is stored: a plan is solved again from the stored figures each time it is asked for, and
what-if figures replace a school's record in memory only. Authorisation is checked inside each
function through `orgs.scope`, like collection.services.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.core.exceptions import PermissionDenied
from django.http import Http404

from junheng.engine import Evaluation, evaluate
from junheng.io.plan_xlsx import write_plan_xlsx
from junheng.plan import CountyPlan, PlanError, default_unit_costs, plan
from junheng.plan.projection import YearsAheadPlan, plan_years_ahead
from junheng.schema import FIELDS_BY_KEY, Field, school_table, within_bounds
from junheng.standards import Standard
from junheng.web.collection.models import SchoolRecord
from junheng.web.collection.services import county_records, identity, standard_for, validate_values
from junheng.web.collection.tables import county_table
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User

PLANNERS_ONLY = "只有县级督导部门可以制定达标规划"
# Schools named when figures a plan needs are missing; the rest are counted.
_MISSING_SHOWN = 5


@dataclass(frozen=True, slots=True)
class PlanResult:
    """A county's plan with the figures it was made from; `plan` is None when the year has no figures."""

    county: Organisation
    year: int
    table: pl.DataFrame
    before: Evaluation
    plan: CountyPlan | None


def county_plan(*, user: User, county_id: int, year: int, budget: float | None) -> PlanResult:
    """The cheapest plan after which the county passes (with a budget: the most it can buy), §5 of issue 5.

    Raises `junheng.plan.PlanError` for a standard without a school rule or an unusable budget.
    """
    county = lookups.managed_county(user, county_id, refusal=PLANNERS_ONLY)
    standard = standard_for(county)
    table = _reported(county_table(county, year), standard)
    # The planner's default time limit bounds each request's solving (a plan found by then shows its gap).
    plans = plan(table, standard, default_unit_costs(standard), budget=budget)
    return PlanResult(county, year, table, evaluate(table, standard), plans[0] if plans else None)


@dataclass(frozen=True, slots=True)
class AheadResult:
    """A plan for a target year: the county's figures projected to it, the plan, and its phases by year."""

    county: Organisation
    year: int
    projected: pl.DataFrame
    before: Evaluation
    ahead: YearsAheadPlan | None


def county_plan_ahead(
    *, user: User, county_id: int, year: int, target_year: int, yearly_budget: float | None
) -> AheadResult:
    """Project enrolment from every year up to `year` to `target_year`, plan so the county passes then,
    and phase the actions by year under `yearly_budget` (issue 5 §4)."""
    county = lookups.managed_county(user, county_id, refusal=PLANNERS_ONLY)
    standard = standard_for(county)
    years = sorted(
        {
            y
            for y in SchoolRecord.objects.filter(
                school__path__startswith=county.path, year__lte=year, school_type__isnull=False
            ).values_list("year", flat=True)
        }
    )
    history = _reported(county_table(county, years or [year]), standard)
    if history.height == 0:
        return AheadResult(county, year, history, evaluate(history, standard), None)
    results = plan_years_ahead(
        history,
        standard,
        default_unit_costs(standard),
        target_year,
        yearly_budget=yearly_budget,
    )
    ahead = results[0] if results else None
    projected = ahead.projected if ahead is not None else history
    return AheadResult(county, year, projected, evaluate(projected, standard), ahead)


def plan_workbook(*, user: User, county_id: int, year: int, budget: float | None) -> tuple[str, bytes]:
    """The same plan as an Excel workbook (io/plan_xlsx.py): (file name, bytes)."""
    return workbook_of(county_plan(user=user, county_id=county_id, year=year, budget=budget))


def workbook_of(result: PlanResult) -> tuple[str, bytes]:
    """A solved plan as the CLI's Excel workbook: (file name, bytes)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.xlsx"
        write_plan_xlsx([result.plan] if result.plan else [], path)
        return f"{result.county.name}{result.year}年度达标规划.xlsx", path.read_bytes()


def _reported(table: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """`table`, or PlanError naming the schools whose figures the standard needs are not reported: a figure
    stored outside its bounds before they were checked reads as not reported (`schema.within_bounds`)."""
    needed = [key for key in standard.required_columns() if key in table.columns]
    missing = table.select(
        "school_name", "year", *(_not_reported(FIELDS_BY_KEY[key]).alias(key) for key in needed)
    ).filter(pl.any_horizontal(needed))
    if missing.height == 0:
        return table
    where = []
    for row in missing.head(_MISSING_SHOWN).iter_rows(named=True):
        labels = "、".join(FIELDS_BY_KEY[key].label for key in needed if row[key])
        where.append(f"{row['school_name']} {row['year']} 年度的{labels}")
    more = f"等 {missing.height} 所学校" if missing.height > _MISSING_SHOWN else ""
    raise PlanError(f"{'；'.join(where)}{more}未填报或超出合理范围，无法制定规划；请学校更正后再规划")


def _not_reported(field: Field) -> pl.Expr:
    """True where the figure is missing; a 学段's figure is not needed where it has no students."""
    missing = pl.col(field.key).is_null()
    return missing if field.level is None else missing & (pl.col(f"students_{field.level}") > 0).fill_null(True)


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The county evaluated with one school's figures replaced in memory."""

    county: Organisation
    school: Organisation
    year: int
    evaluation: Evaluation

    def school_evaluation(self) -> Evaluation:
        """The evaluation restricted to the school's parts (its rule depends on its own figures, §2)."""
        parts = self.evaluation.schools.filter(pl.col("school_id") == self.school.code)
        return dataclasses.replace(self.evaluation, schools=parts)


def what_if_fields(standard: Standard, figures: Mapping[str, object]) -> list[str]:
    """The figures a what-if form offers: per 学段 with students, its students and the indicators' resources."""
    keys: list[str] = []
    for level in standard.levels:
        students = figures.get(f"students_{level}")
        if not isinstance(students, int | float) or students <= 0:
            continue
        keys.append(f"students_{level}")
        keys.extend(ind.resource_column(level) for ind in standard.indicators)
    return list(dict.fromkeys(keys))


def school_figures(*, user: User, county_id: int, school_id: int, year: int) -> tuple[Organisation, dict[str, object]]:
    """A school of a visible county and its stored figures of a year (404 if it has none)."""
    county = lookups.visible_county(user, county_id)
    for record in county_records(county, year):
        if record.school.pk == school_id:
            return county, record.values()
    raise Http404("该学校本年度没有数据")


def what_if(*, user: User, county_id: int, school_id: int, year: int, values: Mapping[str, object]) -> WhatIf:
    """The county evaluated as if one school's figures were `values` (over its stored ones); nothing is saved.

    Raises errors.InvalidData with the importer's messages for figures it would refuse.
    """
    county = lookups.visible_county(user, county_id)
    if not scope.can_analyse(user, county):
        raise PermissionDenied("只有县级督导室和督学可以试算；观察员可以查看评估结果")
    records = county_records(county, year)
    record = next((r for r in records if r.school.pk == school_id), None)
    if record is None:
        raise Http404("该学校本年度没有数据")
    typed = validate_values(record.values() | dict(values), county=county, school=record.school, year=year)
    rows = [identity(r, county) | (typed if r.pk == record.pk else r.values()) for r in records]
    return WhatIf(county, record.school, year, evaluate(within_bounds(school_table(rows)), standard_for(county)))
