"""The dashboards: read-only pages of the county, the school and the city or province.

Each view finds its organisation through `orgs.scope` (404 outside the user's reach), fetches its
records with the named queries, evaluates them once with the engine and hands the frames to
`tables` and `charts`.
"""

from __future__ import annotations

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from junheng import messages
from junheng.engine import evaluate
from junheng.web.collection import tables as stored
from junheng.web.collection.services import standard_for
from junheng.web.dashboards import queries, region_tables, school_tables, tables
from junheng.web.dashboards.region_kept import region_figures, region_years
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation
from junheng.web.years import asked_or_latest

Kind = Organisation.Kind


@login_required
def county(request: HttpRequest, county_id: int) -> HttpResponse:
    """The county page: verdict, coefficients per 学段, failing and excluded schools, trend (issue 3 §5)."""
    county = lookups.visible_county(request.user, county_id)
    queries.with_ancestors(county)
    standard = standard_for(county)

    records, evaluation = stored.county_years(county)
    years = records.years
    year = asked_or_latest(request, years)
    context: dict[str, object] = {"county": county, "years": years, "year": year, "standard": standard}
    if year is not None and year in years:
        context |= {
            "progress": records.progress.get((county.pk, year), stored.Progress()),
            "verdict": tables.verdict(evaluation, county, year),
            "panels": tables.level_panels(evaluation, county, year, years),
            "failing": tables.failing_parts(evaluation, county, year, records),
            "excluded": tables.excluded_schools(evaluation, county, year, records),
            "history": tables.verdicts_by_year(evaluation, county),
        }
    return render(request, "dashboards/county.html", context)


@login_required
def indicator(request: HttpRequest, county_id: int, level: str, indicator_id: str) -> HttpResponse:
    """The schools behind one difference coefficient: each school's value of that indicator in that 学段."""
    county = lookups.visible_county(request.user, county_id)
    queries.with_ancestors(county)
    standard = standard_for(county)
    if level not in standard.levels or indicator_id not in standard.indicator_ids:
        raise Http404("没有这个学段或指标")
    years = queries.years_with_data(county)
    year = asked_or_latest(request, years)
    context: dict[str, object] = {
        "county": county,
        "years": years,
        "year": year,
        "standard": standard,
        "level": level,
        "level_label": messages.level_label(level),
        "indicator": standard.indicator(indicator_id),
    }
    if year is not None and year in years:
        records = stored.stored_records(county, [county], years=[year])
        evaluation = evaluate(records.table, standard)
        context["detail"] = tables.indicator_detail(evaluation, county, year, level, indicator_id, records)
    return render(request, "dashboards/indicator.html", context)


@login_required
def school(request: HttpRequest, school_id: int) -> HttpResponse:
    """The school page: its values against thresholds and floors per 学段, the school rule, its history.

    A school's values and its school rule depend on its own figures only (standard.md §2, §4), so the
    school is evaluated alone, every year at once.
    """
    school = lookups.visible_school(request.user, school_id)
    queries.with_ancestors(school)
    county = lookups.county_above(school)
    records = stored.stored_records(school, [county])
    years = records.years
    year = asked_or_latest(request, years)
    standard = standard_for(county)
    context: dict[str, object] = {
        "school": school,
        "county": county,
        "county_visible": scope.visible(request.user).filter(pk=county.pk).exists(),
        "years": years,
        "year": year,
        "standard": standard,
        "floor_label": messages.floor_label(standard) if standard.school_rule is not None else "基本值",
    }
    if year is not None and year in years:
        evaluation = evaluate(records.table, standard)
        context |= {
            "school_type": _school_type(records.table, year),
            "parts": school_tables.school_parts(evaluation, year),
            "excluded": tables.excluded_schools(evaluation, county, year, records),
            "history": school_tables.school_history(evaluation, years),
        }
    return render(request, "dashboards/school.html", context)


def _school_type(table: pl.DataFrame, year: int) -> str:
    return messages.school_type_label(table.filter(pl.col("year") == year)["school_type"].item())


@login_required
def region(request: HttpRequest, region_id: int) -> HttpResponse:
    """A city's or province's page: every county below it, only those whose records changed evaluated again."""
    region = scope.get_visible(request.user, pk=region_id, kind__in=[Kind.CITY, Kind.PROVINCE])
    counties = queries.counties_for_dashboard(region)
    years = region_years(region, counties)
    year = asked_or_latest(request, years)
    context: dict[str, object] = {"region": region, "years": years, "year": year}
    if year is not None:
        context["rows"] = region_tables.county_rows(region_figures(region, counties, year), counties, year)
    return render(request, "dashboards/region.html", context)
