"""The dashboards' tables: the engine's frames as typed rows for the templates, worded by `junheng.messages`.

Templates only print these; every figure and every judgement is the engine's, every phrase the one
the command line prints. This module holds the county page and the drill-down behind its
coefficients; school_tables.py and region_tables.py the other pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.urls import reverse

from junheng import messages as msg
from junheng import numbers
from junheng.engine import Evaluation
from junheng.engine.indicators import resource_column, value_column
from junheng.engine.rules import floor_column, meets_column
from junheng.standards import Standard
from junheng.web.collection.tables import Records, county_key
from junheng.web.dashboards import charts
from junheng.web.orgs.models import Organisation

NO_SCHOOLS = "没有参与计算的学校，无法作出结论。"


def page_url(name: str, *args: object, year: int) -> str:
    """A dashboard (or collection) page of `year`."""
    return f"{reverse(name, args=args)}?year={year}"


def one(frame: pl.DataFrame, county: str, year: int) -> pl.DataFrame:
    """The rows of one county and year of an evaluation frame."""
    return frame.filter((pl.col("county") == county) & (pl.col("year") == year))


def sorted_levels(levels: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """The levels frame in the standard's order of 学段 and indicators."""
    level_order = {lv: i for i, lv in enumerate(standard.levels)}
    indicator_order = {ind: i for i, ind in enumerate(standard.indicator_ids)}
    return levels.sort(
        pl.col("year"),
        pl.col("level").replace_strict(level_order, default=len(level_order)),
        pl.col("indicator").replace_strict(indicator_order, default=len(indicator_order)),
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    """The resource-allocation verdict of a county and year, with what it rests on."""

    passed: bool
    headline: str
    reasons: list[str]


def verdict(evaluation: Evaluation, county: Organisation, year: int) -> Verdict | None:
    """The verdict (None when the year has no figures), its counts worded as the CLI's summary."""
    rows = one(evaluation.counties, county_key(county), year).to_dicts()
    if not rows:
        return None
    row = rows[0]
    standard = evaluation.standard
    reasons: list[str] = []
    if row["schools"] == 0:
        reasons.append(NO_SCHOOLS)
    counts = [] if standard.school_rule is None else [f"未达标学校 {row['failing_schools']} 所"]
    if standard.composite is not None:
        counts.append(f"{msg.COMPOSITE}超过限值的学段 {row['failing_indicators']} 个")
    else:
        counts.append(f"{msg.CV}超过限值的指标 {row['failing_indicators']} 项")
    excluded = one(evaluation.excluded, county_key(county), year).height
    counts.append(f"不参与计算学校 {excluded} 所")
    reasons.append("；".join(counts))
    levels = sorted_levels(one(evaluation.levels, county_key(county), year), standard)
    if standard.composite is None:
        for failing in levels.filter(pl.col("pass").not_()).iter_rows(named=True):
            indicator = standard.indicator(failing["indicator"])
            reasons.append(msg.cv_text(standard, failing["level"], indicator, failing["cv"]))
    elif evaluation.composites is not None:
        for failing in (
            one(evaluation.composites, county_key(county), year).filter(pl.col("pass").not_()).iter_rows(named=True)
        ):
            reasons.append(msg.composite_text(standard, failing["level"], failing["composite"]))
    return Verdict(row["pass"], msg.county_verdict_text(county.name, year, row["pass"]), reasons)


@dataclass(frozen=True, slots=True)
class CvRow:
    """One indicator's difference coefficient in one 学段, against its limit (standard.md §3)."""

    indicator: str
    mean: str
    cv: str
    limit: str
    met: str
    passed: bool | None
    near_limit: bool
    note: str
    url: str


@dataclass(frozen=True, slots=True)
class LevelPanel:
    """One 学段 of a county and year: its heading, its coefficients as a table and as a chart, its trend."""

    level: str
    label: str
    heading: str
    rows: list[CvRow]
    composite: str | None
    chart: charts.Option
    trend: charts.Option


def level_panels(evaluation: Evaluation, county: Organisation, year: int, years: Sequence[int]) -> list[LevelPanel]:
    """Per 学段 of `year`: the coefficients with their limits and flags; the trend over `years`."""
    standard = evaluation.standard
    key = county_key(county)
    all_years = sorted_levels(evaluation.levels.filter(pl.col("county") == key), standard)
    this_year = all_years.filter(pl.col("year") == year)
    failing = one(evaluation.schools, key, year).filter(pl.col("pass").not_())
    composites = {} if evaluation.composites is None else _by_level(one(evaluation.composites, key, year))
    panels = []
    for level in dict.fromkeys(this_year["level"].to_list()):
        rows = this_year.filter(pl.col("level") == level)
        first = rows.row(0, named=True)
        heading = f"{msg.level_label(level)}：学校 {first['schools']} 所，在校生 {first['students']:,} 人"
        if standard.school_rule is not None:
            heading += f"，未达标学校 {failing.filter(pl.col('level') == level).height} 所"

        def drill(indicator_id: str, level: str = level) -> str:
            return page_url("dashboards:indicator", county.pk, level, indicator_id, year=year)

        composite = composites.get(level)
        panels.append(
            LevelPanel(
                level=level,
                label=msg.level_label(level),
                heading=heading,
                rows=[_cv_row(standard, r, drill(r["indicator"])) for r in rows.iter_rows(named=True)],
                composite=None if composite is None else _composite_text(standard, composite),
                chart=charts.cv_bars(rows, standard, level, drill),
                trend=charts.cv_trend(all_years.filter(pl.col("level") == level), standard, level, years),
            )
        )
    return panels


def _composite_text(standard: Standard, composite: dict[str, Any]) -> str:
    return (
        f"{msg.composite_text(standard, composite['level'], composite['composite'])}：{msg.met_word(composite['pass'])}"
    )


def _by_level(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    return {row["level"]: row for row in frame.iter_rows(named=True)}


def _cv_row(standard: Standard, row: dict[str, Any], url: str) -> CvRow:
    indicator = standard.indicator(row["indicator"])
    limit = standard.cv_limits.get(row["level"])
    if row["cv"] is None:
        note = msg.UNDEFINED_CV
    elif row["near_limit"]:
        note = msg.near_limit_text(standard)
    else:
        note = ""
    return CvRow(
        indicator=indicator.name,
        mean=msg.NOT_APPLICABLE if row["mean"] is None else msg.value_text(indicator, row["mean"]),
        cv=msg.cv_number(row["cv"], standard),
        limit=msg.NOT_APPLICABLE if limit is None else str(limit),
        met=msg.met_word(row["pass"]),
        passed=row["pass"],
        near_limit=row["near_limit"],
        note=note,
        url=url,
    )


@dataclass(frozen=True, slots=True)
class FailingPart:
    """A school part that fails the school rule: why, and what it lacks in natural units (§2)."""

    code: str
    name: str
    url: str
    level: str
    students: int
    rule: str
    gaps: list[str]


def failing_parts(evaluation: Evaluation, county: Organisation, year: int, records: Records) -> list[FailingPart]:
    """The county's failing school parts of `year`, in the engine's order, as the CLI lists them."""
    standard = evaluation.standard
    if standard.school_rule is None:
        return []
    key = county_key(county)
    failing = one(evaluation.schools, key, year).filter(pl.col("pass").not_())
    gaps: dict[tuple[str, str], list[str]] = {}
    for gap in one(evaluation.shortfalls(), key, year).filter(pl.col("school_pass").not_()).iter_rows(named=True):
        indicator = standard.indicator(gap["indicator"])
        miss = msg.indicator_miss_text(standard, gap["level"], indicator, gap["value"], gap["above_floor"])
        needs = msg.shortfall_note(indicator, gap["to_threshold"], gap["to_floor"], gap["above_floor"])
        gaps.setdefault((gap["school_id"], gap["level"]), []).append(f"{miss}：{needs}")
    return [
        FailingPart(
            code=part["school_id"],
            name=part["school_name"],
            url=page_url("dashboards:school", records.schools[part["school_id"]], year=year),
            level=msg.level_label(part["level"]),
            students=part["students"],
            rule=rule_text(standard, part),
            gaps=gaps.get((part["school_id"], part["level"]), []),
        )
        for part in failing.iter_rows(named=True)
    ]


def rule_text(standard: Standard, part: dict[str, Any]) -> str:
    """The school rule's verdict on a school part, from the engine's flags (messages.school_rule_text)."""
    ids = standard.indicator_ids
    return msg.school_rule_text(
        standard, {i: part[meets_column(i)] for i in ids}, {i: part[floor_column(i)] for i in ids}
    )


@dataclass(frozen=True, slots=True)
class ExcludedSchool:
    """A school left out of the evaluation, with the engine's reason."""

    code: str
    name: str
    url: str
    school_type: str
    reason: str


def excluded_schools(evaluation: Evaluation, county: Organisation, year: int, records: Records) -> list[ExcludedSchool]:
    return [
        ExcludedSchool(
            code=row["school_id"],
            name=row["school_name"],
            url=page_url("dashboards:school", records.schools[row["school_id"]], year=year),
            school_type=msg.school_type_label(row["school_type"]),
            reason=row["reason"],
        )
        for row in one(evaluation.excluded, county_key(county), year).iter_rows(named=True)
    ]


@dataclass(frozen=True, slots=True)
class YearVerdict:
    year: int
    word: str
    passed: bool
    url: str


def verdicts_by_year(evaluation: Evaluation, county: Organisation) -> list[YearVerdict]:
    """The county's verdict in every year with figures, each linking to that year's page."""
    rows = evaluation.counties.filter(pl.col("county") == county_key(county)).sort("year")
    return [
        YearVerdict(
            r["year"], msg.verdict_word(r["pass"]), r["pass"], page_url("dashboards:county", county.pk, year=r["year"])
        )
        for r in rows.iter_rows(named=True)
    ]


@dataclass(frozen=True, slots=True)
class SchoolValue:
    """One school part's value of one indicator, for the drill-down behind a difference coefficient."""

    code: str
    name: str
    url: str
    students: int
    resource: str
    sort_resource: float
    value: str
    sort_value: float | None
    met: str
    meets: bool | None


@dataclass(frozen=True, slots=True)
class IndicatorDetail:
    """The schools behind one difference coefficient: the coefficient, then every school's value."""

    summary: str
    mean: str
    threshold: str
    rows: list[SchoolValue]
    chart: charts.Option


def indicator_detail(
    evaluation: Evaluation, county: Organisation, year: int, level: str, indicator_id: str, records: Records
) -> IndicatorDetail | None:
    """None when the 学段 has no school in `year`."""
    standard = evaluation.standard
    key = county_key(county)
    indicator = standard.indicator(indicator_id)
    stats = one(evaluation.levels, key, year).filter((pl.col("level") == level) & (pl.col("indicator") == indicator_id))
    if stats.is_empty():
        return None
    row = stats.row(0, named=True)
    summary = msg.cv_text(standard, level, indicator, row["cv"])
    if row["near_limit"]:
        summary += f"（{msg.near_limit_text(standard)}）"
    parts = one(evaluation.schools, key, year).filter(pl.col("level") == level)
    threshold = indicator.threshold(level)
    meets = meets_column(indicator_id)
    rows = []
    for part in parts.sort(value_column(indicator_id), nulls_last=True).iter_rows(named=True):
        value = part[value_column(indicator_id)]
        part_meets = part.get(meets)
        rows.append(
            SchoolValue(
                code=part["school_id"],
                name=part["school_name"],
                url=page_url("dashboards:school", records.schools[part["school_id"]], year=year),
                students=part["students"],
                resource=numbers.amount(part[resource_column(indicator_id)], indicator.resource_unit),
                sort_resource=part[resource_column(indicator_id)],
                value=msg.value_text(indicator, value, threshold),
                sort_value=value,
                met=msg.met_word(part_meets),
                meets=part_meets,
            )
        )

    def link(school_id: str) -> str:
        return page_url("dashboards:school", records.schools[school_id], year=year)

    return IndicatorDetail(
        summary=summary,
        mean=msg.NOT_APPLICABLE if row["mean"] is None else msg.value_text(indicator, row["mean"]),
        threshold=msg.NOT_APPLICABLE
        if threshold is None
        else f"{numbers.standard_figure(threshold)} {indicator.value_unit}",
        rows=rows,
        chart=charts.indicator_schools(parts, standard, level, indicator_id, row["mean"], link),
    )
