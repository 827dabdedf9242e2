"""The dashboards: read-only pages of the county, the school and the city or province.

Each view finds its organisation through `orgs.scope` (404 outside the user's reach), fetches its
records with the named queries, evaluates them once with the engine and hands the frames to
`tables` and `charts`.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from junheng import messages
from junheng.engine import Evaluation, evaluate
from junheng.standards import load_standard
from junheng.web.collection import kept
from junheng.web.collection import tables as stored
from junheng.web.collection.services import standard_for
from junheng.web.dashboards import queries, region_tables, school_tables, tables
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
    """A city's or province's page: every county below it, with one query for all their records."""
    region = scope.get_visible(request.user, pk=region_id, kind__in=[Kind.CITY, Kind.PROVINCE])
    counties = queries.counties_for_dashboard(region)
    years = queries.years_with_data(region)
    year = asked_or_latest(request, years)
    context: dict[str, object] = {"region": region, "years": years, "year": year}
    if year is not None:
        records, evaluations = region_evaluated(region, counties, year)
        context["rows"] = region_tables.county_rows(evaluations, counties, year, records)
    return render(request, "dashboards/region.html", context)


def region_evaluated(
    region: Organisation, counties: Sequence[Organisation], year: int
) -> tuple[stored.Records, list[Evaluation]]:
    """The region's records of `year` and their evaluations, one query and one evaluation per standard, kept."""

    def evaluated() -> tuple[stored.Records, list[Evaluation]]:
        records = stored.stored_records(region, counties, years=[year])
        return records, _evaluate_by_standard(records, counties)

    standards = tuple(sorted({c.standard_name() for c in counties}))
    key = ("region", region.pk, year, *standards)
    return kept.kept(key, kept.data_version(region, year=year), evaluated)


def _evaluate_by_standard(records: stored.Records, counties: Sequence[Organisation]) -> list[Evaluation]:
    """One evaluation per standard in force, usually one for the whole region (the engine takes many counties)."""
    groups: dict[str, list[str]] = {}
    for county in counties:
        groups.setdefault(county.standard_name(), []).append(stored.county_key(county))
    return [
        evaluate(records.table.filter(pl.col("county").is_in(keys)), load_standard(name))
        for name, keys in groups.items()
    ]
