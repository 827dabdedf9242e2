"""The school page's tables: a school's values against thresholds and floors, and their history (§2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from junheng import messages as msg
from junheng import numbers
from junheng.engine import Evaluation
from junheng.engine.indicators import value_column
from junheng.engine.rules import floor_column, meets_column
from junheng.web.dashboards import charts
from junheng.web.dashboards.tables import rule_text


@dataclass(frozen=True, slots=True)
class ValueRow:
    """One of a school part's indicators against its threshold and floor (standard.md §2)."""

    indicator: str
    floor: str
    threshold: str
    value: str
    met: str
    meets: bool | None
    above_floor: bool | None
    note: str


@dataclass(frozen=True, slots=True)
class SchoolPart:
    """A school's part in one 学段 and year: its values, the school rule's verdict and why."""

    level: str
    label: str
    students: int
    passed: bool | None
    met: str
    rule: str
    rows: list[ValueRow]
    chart: charts.Option | None


def school_parts(evaluation: Evaluation, year: int) -> list[SchoolPart]:
    """Every 学段 of the (one) school in `evaluation` in `year`."""
    standard = evaluation.standard
    rule = standard.school_rule
    gaps = {
        (g["level"], g["indicator"]): g
        for g in evaluation.shortfalls().filter(pl.col("year") == year).iter_rows(named=True)
    }
    parts = []
    for part in evaluation.schools.filter(pl.col("year") == year).iter_rows(named=True):
        level = part["level"]
        rows = []
        for indicator in standard.indicators:
            threshold = indicator.threshold(level)
            gap = gaps.get((level, indicator.id))
            rows.append(
                ValueRow(
                    indicator=indicator.name,
                    floor=msg.NOT_APPLICABLE
                    if rule is None or threshold is None
                    else msg.decimal_text(rule.floor(threshold)),
                    threshold=msg.NOT_APPLICABLE if threshold is None else numbers.standard_figure(threshold),
                    value=msg.value_text(indicator, part[value_column(indicator.id)], threshold),
                    met=msg.met_word(part.get(meets_column(indicator.id))),
                    meets=part.get(meets_column(indicator.id)),
                    above_floor=part.get(floor_column(indicator.id)),
                    note=""
                    if gap is None
                    else msg.shortfall_note(indicator, gap["to_threshold"], gap["to_floor"], gap["above_floor"]),
                )
            )
        parts.append(
            SchoolPart(
                level=level,
                label=msg.level_label(level),
                students=part["students"],
                passed=part["pass"],
                met=msg.met_word(part["pass"]),
                rule="" if rule is None else rule_text(standard, part),
                rows=rows,
                chart=charts.school_values(part, standard),
            )
        )
    return parts


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    good: bool | None


@dataclass(frozen=True, slots=True)
class History:
    """A school part's values over the years: one row per indicator, one column per year."""

    level: str
    label: str
    years: list[int]
    verdicts: list[Cell]
    rows: list[tuple[str, list[Cell]]]
    chart: charts.Option | None


def school_history(evaluation: Evaluation, years: Sequence[int]) -> list[History]:
    """The (one) school's values and school-rule verdicts in every year with figures, per 学段."""
    standard = evaluation.standard
    histories = []
    for level in dict.fromkeys(evaluation.schools["level"].to_list()):
        parts = evaluation.schools.filter(pl.col("level") == level)
        by_year = {p["year"]: p for p in parts.iter_rows(named=True)}
        verdicts = [
            Cell(msg.met_word(by_year[y]["pass"]), by_year[y]["pass"])
            if y in by_year
            else Cell(msg.NOT_APPLICABLE, None)
            for y in years
        ]
        rows = []
        for indicator in standard.indicators:
            threshold = indicator.threshold(level)
            cells = []
            for y in years:
                part = by_year.get(y)
                if part is None:
                    cells.append(Cell(msg.NOT_APPLICABLE, None))
                else:
                    value = part[value_column(indicator.id)]
                    cells.append(
                        Cell(msg.value_text(indicator, value, threshold), part.get(meets_column(indicator.id)))
                    )
            rows.append((indicator.name, cells))
        histories.append(
            History(
                level,
                msg.level_label(level),
                list(years),
                verdicts,
                rows,
                charts.school_history(parts, standard, level, years),
            )
        )
    return histories
