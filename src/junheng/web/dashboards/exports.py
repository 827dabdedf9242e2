"""The dashboards' tables in Excel (issue 12 §5): the county's coefficients, failing and excluded schools;
the schools behind one coefficient; a city's or province's counties; a school's values.

Each view finds its organisation and year as its page does (`orgs.lookups`, the same 404s) and builds its
sheets from the same evaluation frames, so a cell holds the number the page prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from junheng import messages as msg
from junheng.engine import Evaluation, evaluate
from junheng.engine.indicators import value_column
from junheng.engine.rounding import rounded_decimal
from junheng.engine.rules import meets_column
from junheng.io.xlsx_table import Cell, Column, Kind, Table
from junheng.standards import Indicator, Standard
from junheng.web.collection import tables as stored
from junheng.web.collection.services import standard_for
from junheng.web.dashboards import queries, region_tables, tables
from junheng.web.dashboards.region_kept import region_figures
from junheng.web.exports import file_name, xlsx_response
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation
from junheng.web.years import asked_year

OrgKind = Organisation.Kind
# A resource amount is shown to 0.01 (messages.number_text); money and area keep their own kinds.
RESOURCE_KINDS = {"㎡": Kind.AREA, "元": Kind.MONEY}


def _year(request: HttpRequest, years: Sequence[int]) -> int:
    """The page's year (?year=, else the latest with figures); 404 when that year has no figures."""
    year = asked_year(request)
    year = year if year is not None else years[-1] if years else None
    if year is None or year not in years:
        raise Http404("该年度尚无已填报的数据")
    return year


@login_required
@require_GET
def county(request: HttpRequest, county_id: int) -> HttpResponse:
    """The county page's tables of a year: coefficients per 学段, failing schools, excluded schools, the years."""
    county = lookups.visible_county(request.user, county_id)
    records, evaluation = stored.county_years(county)
    year = _year(request, records.years)
    failing = tables.failing_parts(evaluation, county, year, records)
    excluded = tables.excluded_schools(evaluation, county, year, records)
    history = tables.verdicts_by_year(evaluation, county)
    sheets = [
        _coefficients(evaluation, county, year),
        *_composites(evaluation, county, year),
        Table(
            "未达标学校",
            [
                Column("学校", [p.name for p in failing]),
                Column("学校标识码", [p.code for p in failing]),
                Column("学段", [p.level for p in failing]),
                Column("在校生数", [p.students for p in failing], Kind.COUNT, unit="人"),
                Column("原因", [p.rule for p in failing]),
                Column("差额", ["；".join(p.gaps) for p in failing]),
            ],
        ),
        Table(
            "不参与计算的学校",
            [
                Column("学校", [s.name for s in excluded]),
                Column("学校标识码", [s.code for s in excluded]),
                Column("学校类型", [s.school_type for s in excluded]),
                Column("原因", [s.reason for s in excluded]),
            ],
        ),
        Table(
            "历年变化",
            [
                Column("年度", [h.year for h in history], Kind.YEAR),
                Column("资源配置", [h.word for h in history]),
            ],
        ),
    ]
    return xlsx_response(file_name(county.name, "资源配置看板", year), sheets)


def _coefficients(evaluation: Evaluation, county: Organisation, year: int) -> Table:
    """Every indicator's difference coefficient per 学段, as the county page's tables (standard.md §3)."""
    standard = evaluation.standard
    levels = tables.sorted_levels(tables.one(evaluation.levels, stored.county_key(county), year), standard)
    rows = list(levels.iter_rows(named=True))
    indicators = [standard.indicator(r["indicator"]) for r in rows]
    limits = [standard.cv_limits.get(r["level"]) for r in rows]
    notes = [
        msg.UNDEFINED_CV if r["cv"] is None else msg.near_limit_text(standard) if r["near_limit"] else "" for r in rows
    ]
    return Table(
        "差异系数",
        [
            Column("学段", [msg.level_label(r["level"]) for r in rows]),
            Column("指标", [i.name for i in indicators]),
            Column("均值", [r["mean"] for r in rows], Kind.VALUE),
            Column("均值单位", [i.value_unit for i in indicators]),
            Column(
                "差异系数", [_cv(r["cv"], standard) for r in rows], Kind.COEFFICIENT, decimals=standard.report_decimals
            ),
            Column(
                "限值",
                [_limit(lim) for lim in limits],
                Kind.COEFFICIENT,
                cell_decimals=[_places(lim) for lim in limits],
            ),
            Column("是否达标", [msg.met_word(r["pass"]) for r in rows]),
            Column("提示", notes),
        ],
    )


def _composites(evaluation: Evaluation, county: Organisation, year: int) -> list[Table]:
    """basic-2012's composite per 学段 against its limit (standard.md §8); no sheet under other standards."""
    if evaluation.composites is None or evaluation.standard.composite is None:
        return []
    standard, limits = evaluation.standard, evaluation.standard.composite.limits
    rows = list(tables.one(evaluation.composites, stored.county_key(county), year).iter_rows(named=True))
    return [
        Table(
            "综合差异系数",
            [
                Column("学段", [msg.level_label(r["level"]) for r in rows]),
                Column(
                    "综合差异系数",
                    [_cv(r["composite"], standard) for r in rows],
                    Kind.COEFFICIENT,
                    decimals=standard.report_decimals,
                ),
                Column(
                    "限值",
                    [_limit(limits.get(r["level"])) for r in rows],
                    Kind.COEFFICIENT,
                    cell_decimals=[_places(limits.get(r["level"])) for r in rows],
                ),
                Column("是否达标", [msg.met_word(r["pass"]) for r in rows]),
            ],
        )
    ]


def _limit(limit: Decimal | None) -> float | None:
    """A figure of the standard (a limit, a threshold, a floor) as a number."""
    return None if limit is None else float(limit)


def _places(limit: Decimal | None) -> int:
    """The decimals a figure of the standard is written with (0.50 → 2, 4.2 → 1), as the page prints it."""
    exponent = 0 if limit is None else limit.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _cv(cv: float | None, standard: Standard) -> Cell:
    """The coefficient as the page prints it: rounded by the standard's rule, or 无定义."""
    if cv is None:
        return msg.UNDEFINED
    return float(rounded_decimal(cv, standard.report_decimals, standard.rounding))


@login_required
@require_GET
def indicator(request: HttpRequest, county_id: int, level: str, indicator_id: str) -> HttpResponse:
    """The schools behind one difference coefficient: each school's resource and value, as its page lists them."""
    county = lookups.visible_county(request.user, county_id)
    standard = standard_for(county)
    if level not in standard.levels or indicator_id not in standard.indicator_ids:
        raise Http404("没有这个学段或指标")
    year = _year(request, queries.years_with_data(county))
    records = stored.stored_records(county, [county], years=[year])
    found = standard.indicator(indicator_id)
    detail = tables.indicator_detail(evaluate(records.table, standard), county, year, level, indicator_id, records)
    rows = [] if detail is None else detail.rows
    threshold = found.threshold(level)
    places = [3 if r.sort_value is None else msg.value_places(r.sort_value, threshold) for r in rows]
    columns = [
        Column("学校", [r.name for r in rows]),
        Column("学校标识码", [r.code for r in rows]),
        Column("在校生数", [r.students for r in rows], Kind.COUNT, unit="人"),
        Column(
            found.short,
            [r.sort_resource for r in rows],
            RESOURCE_KINDS.get(found.resource_unit, Kind.VALUE),
            unit=found.resource_unit,
            decimals=2,
        ),
        Column("实际值", [r.sort_value for r in rows], Kind.VALUE, unit=found.value_unit, cell_decimals=places),
        Column("是否达标", [r.met for r in rows]),
    ]
    name = f"{msg.level_label(level)}{found.name}"
    return xlsx_response(file_name(county.name, f"{name}各校数据", year), [Table(name, columns)])


@login_required
@require_GET
def region(request: HttpRequest, region_id: int) -> HttpResponse:
    """A city's or province's counties of a year, as its page compares them."""
    region = scope.get_visible(request.user, pk=region_id, kind__in=[OrgKind.CITY, OrgKind.PROVINCE])
    counties = queries.counties_for_dashboard(region)
    year = _year(request, queries.years_with_data(region))
    figures = region_figures(region, counties, year)
    rows = region_tables.county_rows(figures, counties, year)
    progress = [figures[c.pk].progress for c in counties]
    columns = [
        Column("县区", [r.name for r in rows]),
        Column("资源配置", [r.verdict for r in rows]),
        Column("差异系数最接近或超过限值的指标", [r.worst for r in rows]),
        Column("参评学校", [r.schools for r in rows], Kind.COUNT, unit="所"),
        Column("未达标学校", [r.failing_schools for r in rows], Kind.COUNT, unit="所"),
        Column("已提交记录", [p.handed_in if p.records else None for p in progress], Kind.COUNT, unit="份"),
        Column("全部记录", [p.records if p.records else None for p in progress], Kind.COUNT, unit="份"),
        Column(
            "填报进度", [p.handed_in / p.records if p.records else "未发布填报任务" for p in progress], Kind.PERCENT
        ),
    ]
    table = Table(f"{year}年各县区资源配置", columns)
    return xlsx_response(file_name(region.name, "各县区资源配置", year), [table])


@login_required
@require_GET
def school(request: HttpRequest, school_id: int) -> HttpResponse:
    """A school's values against thresholds and floors per 学段 in a year, and its values over the years."""
    school = lookups.visible_school(request.user, school_id)
    county = school.ancestor(OrgKind.COUNTY)
    if county is None:
        raise Http404("该学校不属于任何县区")
    records = stored.stored_records(school, [county])
    year = _year(request, records.years)
    evaluation = evaluate(records.table, standard_for(county))
    sheets = [_values(evaluation, year), _history(evaluation, records.years)]
    return xlsx_response(file_name(school.name, "学校看板", year), sheets)


def _values(evaluation: Evaluation, year: int) -> Table:
    """The school page's tables of `year`: every indicator of every 学段 against its threshold and floor (§2)."""
    standard = evaluation.standard
    rule = standard.school_rule
    gaps = {
        (g["level"], g["indicator"]): g
        for g in evaluation.shortfalls().filter(pl.col("year") == year).iter_rows(named=True)
    }
    lines: list[tuple[str, Indicator, dict[str, Any]]] = [
        (part["level"], indicator, part)
        for part in evaluation.schools.filter(pl.col("year") == year).iter_rows(named=True)
        for indicator in standard.indicators
    ]
    thresholds = [i.threshold(level) for level, i, _ in lines]
    values: list[float | None] = [part[value_column(i.id)] for _, i, part in lines]
    notes = []
    for level, i, _ in lines:
        gap = gaps.get((level, i.id))
        notes.append(
            "" if gap is None else msg.shortfall_note(i, gap["to_threshold"], gap["to_floor"], gap["above_floor"])
        )
    floors = [None if rule is None or t is None else rule.floor(t).normalize() for t in thresholds]
    floor_header = "基本值" if rule is None else msg.floor_label(standard)
    return Table(
        f"{year}年各项指标",
        [
            Column("学段", [msg.level_label(level) for level, _, _ in lines]),
            Column("指标", [i.name for _, i, _ in lines]),
            Column("单位", [i.value_unit for _, i, _ in lines]),
            # the standard's own figures, with the decimals it writes them with (4.2, 3.57), as the page
            Column(floor_header, [_limit(f) for f in floors], Kind.VALUE, cell_decimals=[_places(f) for f in floors]),
            Column(
                "达标值", [_limit(t) for t in thresholds], Kind.VALUE, cell_decimals=[_places(t) for t in thresholds]
            ),
            Column(
                "实际值",
                values,
                Kind.VALUE,
                cell_decimals=[
                    3 if v is None else msg.value_places(v, t) for v, t in zip(values, thresholds, strict=True)
                ],
            ),
            Column("是否达标", [msg.met_word(part.get(meets_column(i.id))) for _, i, part in lines]),
            Column("差额", notes),
        ],
    )


def _history(evaluation: Evaluation, years: Sequence[int]) -> Table:
    """The school's values of every indicator per 学段 over the years, one column per year."""
    standard = evaluation.standard
    by_key = {(p["level"], p["year"]): p for p in evaluation.schools.iter_rows(named=True)}
    levels = list(dict.fromkeys(evaluation.schools["level"].to_list()))
    lines = [(level, i) for level in levels for i in standard.indicators]
    year_columns = []
    for year in years:
        cells: list[Cell] = []
        places: list[int] = []
        for level, i in lines:
            part = by_key.get((level, year))
            value = None if part is None else part[value_column(i.id)]
            cells.append(value)
            places.append(3 if value is None else msg.value_places(value, i.threshold(level)))
        year_columns.append(Column(f"{year}年", cells, Kind.VALUE, cell_decimals=places))
    return Table(
        "历年数据",
        [
            Column("学段", [msg.level_label(level) for level, _ in lines]),
            Column("指标", [i.name for _, i in lines]),
            Column("单位", [i.value_unit for _, i in lines]),
            *year_columns,
        ],
    )
