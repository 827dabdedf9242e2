"""The city or province page's table: every county below it, with what a supervisor compares them by."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from junheng import messages as msg
from junheng.engine import Evaluation
from junheng.standards import Standard
from junheng.web.collection.tables import Progress, Records, county_key
from junheng.web.dashboards.tables import page_url
from junheng.web.orgs.models import Organisation


@dataclass(frozen=True, slots=True)
class CountyRow:
    """One county on a city's or province's page; `sort_*` are what its columns sort by (dashboards.js)."""

    name: str
    url: str
    verdict: str
    passed: bool | None
    worst: str
    sort_worst: str
    schools: int
    failing_schools: int | None
    progress: str
    sort_progress: str


@dataclass(frozen=True, slots=True)
class CountyFigures:
    """What a region page shows of one county's year, kept under its data version (`region_kept`)."""

    verdict: str
    passed: bool | None
    worst: str
    sort_worst: str
    schools: int
    failing_schools: int | None
    progress: Progress


def county_figures(
    evaluations: Sequence[Evaluation], counties: Sequence[Organisation], year: int, records: Records
) -> dict[int, CountyFigures]:
    """Every county's figures in `year`, by county id: verdict, worst coefficient, failing schools, progress."""
    found: dict[str, tuple[Standard, dict[str, Any], dict[str, Any] | None]] = {}
    for evaluation in evaluations:
        worst_of = _worst(evaluation)
        for row in evaluation.counties.filter(pl.col("year") == year).iter_rows(named=True):
            found[row["county"]] = (evaluation.standard, row, worst_of.get(row["county"]))
    figures: dict[int, CountyFigures] = {}
    for county in counties:
        progress = records.progress.get((county.pk, year), Progress())
        result = found.get(county_key(county))
        if result is None:
            figures[county.pk] = CountyFigures(msg.NOT_APPLICABLE, None, msg.NOT_APPLICABLE, "", 0, None, progress)
            continue
        standard, row, worst = result
        if worst is None:
            worst_text, sort_worst = msg.NOT_APPLICABLE, ""
        else:
            # An undefined coefficient fails whatever its limit: it sorts as the worst of all.
            worst_text = _worst_text(standard, worst)
            sort_worst = "Infinity" if worst["cv"] is None else f"{worst['margin']:.6f}"
        figures[county.pk] = CountyFigures(
            verdict=msg.verdict_word(row["pass"]),
            passed=row["pass"],
            worst=worst_text,
            sort_worst=sort_worst,
            schools=row["schools"],
            failing_schools=None if standard.school_rule is None else row["failing_schools"],
            progress=progress,
        )
    return figures


def county_rows(figures: Mapping[int, CountyFigures], counties: Sequence[Organisation], year: int) -> list[CountyRow]:
    """Every county of a region in `year`, as its page lists them."""
    return [_county_row(county, figures[county.pk], year) for county in counties]


def _county_row(county: Organisation, figures: CountyFigures, year: int) -> CountyRow:
    progress = figures.progress
    if progress.records == 0:
        collected, sort_progress = "未发布填报任务", ""
    else:
        collected, sort_progress = (
            f"{progress.handed_in} / {progress.records}",
            f"{progress.handed_in / progress.records:.6f}",
        )
    return CountyRow(
        name=county.name,
        url=page_url("dashboards:county", county.pk, year=year),
        verdict=figures.verdict,
        passed=figures.passed,
        worst=figures.worst,
        sort_worst=figures.sort_worst,
        schools=figures.schools,
        failing_schools=figures.failing_schools,
        progress=collected,
        sort_progress=sort_progress,
    )


def _worst(evaluation: Evaluation) -> dict[str, dict[str, Any]]:
    """Per county, the coefficient (basic-2012: the composite) furthest above, or nearest below, its limit.

    An undefined coefficient fails whatever its limit, so it ranks first.
    """
    if evaluation.composites is not None:
        judged = evaluation.composites.rename({"composite": "cv"}).with_columns(
            pl.lit(None, dtype=pl.String).alias("indicator")
        )
    else:
        judged = evaluation.levels
    ranked = judged.with_columns(
        pl.when(pl.col("cv").is_null()).then(float("inf")).otherwise(pl.col("cv") - pl.col("limit")).alias("margin")
    ).sort("margin", descending=True, nulls_last=True)
    first = ranked.unique(["county", "year"], keep="first", maintain_order=True)
    return {row["county"]: row for row in first.iter_rows(named=True)}


def _worst_text(standard: Standard, worst: dict[str, Any]) -> str:
    if worst["indicator"] is None:
        return msg.composite_text(standard, worst["level"], worst["cv"])
    return msg.cv_text(standard, worst["level"], standard.indicator(worst["indicator"]), worst["cv"])
