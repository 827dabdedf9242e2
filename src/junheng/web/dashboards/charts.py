"""ECharts options built from the engine's frames: every figure comes from `evaluate`, none is recomputed.

An option is the JSON object `echarts.setOption` takes. Each data point may carry `tip` (the tooltip,
worded by `junheng.messages`) and `url` (the page with the data behind it, opened on click);
static/junheng/dashboards.js reads both. Values are rounded only to be drawn: the colours, like the
tables, follow the engine's unrounded judgements.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from junheng import messages as msg
from junheng import numbers
from junheng.engine.indicators import value_column
from junheng.engine.rules import floor_column, meets_column
from junheng.standards import Standard

Option = dict[str, Any]

GOOD = "#2e7d32"
WARN = "#b26a00"
BAD = "#c62828"
ACCENT = "#1f6feb"
_HEADROOM = 1.1
_ROUND_STEPS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
# Reference lines label alternately at the right and the left end, so that two close lines stay legible.
_LABEL_POSITIONS = ("insideEndTop", "insideStartTop")


def _reference_lines(*lines: tuple[float, str, str]) -> dict[str, Any]:
    """Dashed horizontal lines (a limit, a threshold, a mean), each as (value, label, colour)."""
    return {
        "symbol": "none",
        "silent": True,
        "data": [
            {
                "yAxis": value,
                "lineStyle": {"color": color, "type": "dashed"},
                "label": {"formatter": label, "position": _LABEL_POSITIONS[i % 2], "color": color},
            }
            for i, (value, label, color) in enumerate(lines)
        ],
    }


def _axis_max(values: Sequence[float | None], *marks: float) -> float | None:
    """A round top for the value axis when a reference line would sit above every bar; else ECharts' own."""
    present = [v for v in values if v is not None]
    if not marks or (present and max(present) >= max(marks)):
        return None
    top = max(marks) * _HEADROOM
    magnitude = 10.0 ** math.floor(math.log10(top))
    return next(round(step * magnitude, 10) for step in _ROUND_STEPS if step * magnitude >= top)


def cv_bars(levels: pl.DataFrame, standard: Standard, level: str, drill: Callable[[str], str]) -> Option:
    """One 学段's difference coefficients as bars against the limit (standard.md §3).

    `levels` holds the engine's rows of one county, year and 学段; `drill(indicator_id)` is the URL of
    the schools behind a bar. A bar is red over the limit, amber within the near-limit margin.
    """
    limit = standard.cv_limits.get(level)
    names: list[str] = []
    values: list[float | None] = []
    data: list[dict[str, Any]] = []
    for row in levels.iter_rows(named=True):
        indicator = standard.indicator(row["indicator"])
        tip = msg.cv_text(standard, level, indicator, row["cv"])
        if row["near_limit"]:
            tip += f"（{msg.near_limit_text(standard)}）"
        color = BAD if row["pass"] is False else WARN if row["near_limit"] else GOOD
        names.append(indicator.short)
        values.append(None if row["cv"] is None else round(row["cv"], standard.report_decimals))
        data.append(
            {
                "value": values[-1],
                "label": {"formatter": msg.cv_number(row["cv"], standard)},  # 0.330, not ECharts' 0.33
                "tip": tip,
                "url": drill(indicator.id),
                "itemStyle": {"color": color},
            }
        )
    series: dict[str, Any] = {"type": "bar", "name": msg.CV, "data": data, "label": {"show": True, "position": "top"}}
    if limit is not None:
        series["markLine"] = _reference_lines((float(limit), f"{msg.LIMIT} {limit}", BAD))
    return {
        "tooltip": {"trigger": "item"},
        "grid": {"left": 48, "right": 24, "top": 24, "bottom": 96},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 30}},
        "yAxis": {
            "type": "value",
            "name": msg.CV,
            "max": _axis_max(values, *([] if limit is None else [float(limit)])),
        },
        "series": [series],
    }


def cv_trend(levels: pl.DataFrame, standard: Standard, level: str, years: Sequence[int]) -> Option:
    """One 学段's difference coefficients over the years, one line per indicator, with the limit."""
    by_key = {(r["indicator"], r["year"]): r for r in levels.iter_rows(named=True)}
    series: list[dict[str, Any]] = []
    for indicator in standard.indicators:
        points: list[dict[str, Any]] = []
        for year in years:
            row = by_key.get((indicator.id, year))
            cv = None if row is None else row["cv"]
            text = msg.cv_number(cv, standard) if row is not None else msg.NOT_APPLICABLE
            points.append({"value": None if cv is None else round(cv, standard.report_decimals), "tip": text})
        series.append({"type": "line", "name": indicator.short, "data": points, "connectNulls": False})
    limit = standard.cv_limits.get(level)
    if limit is not None and series:
        series[0]["markLine"] = _reference_lines((float(limit), f"{msg.LIMIT} {limit}", BAD))
    values = [point["value"] for line in series for point in line["data"]]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 48, "right": 24, "top": 48, "bottom": 32},
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": {
            "type": "value",
            "name": msg.CV,
            "max": _axis_max(values, *([] if limit is None else [float(limit)])),
        },
        "series": series,
    }


def _percent_of_threshold(value: float | None, threshold: float) -> float | None:
    return None if value is None or threshold == 0 else round(value / threshold * 100, 1)


def school_values(part: dict[str, Any], standard: Standard) -> Option | None:
    """A school part's seven values as a share of each threshold, with 100 % and the floor marked (§2).

    The seven indicators have different units, so each bar is the value ÷ its threshold; the tooltip
    gives the value itself. None for a standard without thresholds (basic-2012).
    """
    rule = standard.school_rule
    if rule is None:
        return None
    level = part["level"]
    names: list[str] = []
    values: list[float | None] = []
    data: list[dict[str, Any]] = []
    for indicator in standard.indicators:
        threshold = indicator.threshold(level)
        if threshold is None:
            continue
        value = part[value_column(indicator.id)]
        meets, above = part[meets_column(indicator.id)], part[floor_column(indicator.id)]
        names.append(indicator.short)
        values.append(_percent_of_threshold(value, float(threshold)))
        data.append(
            {
                "value": values[-1],
                "tip": f"{indicator.name}：{msg.value_text(indicator, value, threshold)}，"
                f"{msg.THRESHOLD} {threshold}，{msg.met_word(meets)}",
                "itemStyle": {"color": GOOD if meets else WARN if above else BAD},
            }
        )
    floor = float(rule.floor_ratio * 100)
    lines = _reference_lines(
        (100.0, f"{msg.THRESHOLD} 100%", GOOD),
        (floor, msg.floor_label(standard), BAD),
    )
    return {
        "tooltip": {"trigger": "item"},
        "grid": {"left": 56, "right": 24, "top": 24, "bottom": 96},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 30}},
        "yAxis": {"type": "value", "name": f"占{msg.THRESHOLD}%", "max": _axis_max(values, 100.0)},
        "series": [
            {
                "type": "bar",
                "name": f"占{msg.THRESHOLD}%",
                "data": data,
                "label": {"show": True, "position": "top", "formatter": "{c}%"},
                "markLine": lines,
            }
        ],
    }


def school_history(parts: pl.DataFrame, standard: Standard, level: str, years: Sequence[int]) -> Option | None:
    """A school part's values over the years, each as a share of its threshold, one line per indicator."""
    if standard.school_rule is None:
        return None
    by_year = {r["year"]: r for r in parts.iter_rows(named=True)}
    series: list[dict[str, Any]] = []
    for indicator in standard.indicators:
        threshold = indicator.threshold(level)
        if threshold is None:
            continue
        points = []
        for year in years:
            row = by_year.get(year)
            value = None if row is None else row[value_column(indicator.id)]
            points.append(
                {
                    "value": _percent_of_threshold(value, float(threshold)),
                    "tip": msg.NOT_APPLICABLE if row is None else msg.value_text(indicator, value, threshold),
                }
            )
        series.append({"type": "line", "name": indicator.short, "data": points})
    if series:
        series[0]["markLine"] = _reference_lines((100.0, f"{msg.THRESHOLD} 100%", GOOD))
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 56, "right": 24, "top": 48, "bottom": 32},
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": {"type": "value", "name": f"占{msg.THRESHOLD}%"},
        "series": series,
    }


def indicator_schools(
    parts: pl.DataFrame,
    standard: Standard,
    level: str,
    indicator_id: str,
    mean: float | None,
    link: Callable[[str], str],
) -> Option:
    """Every school part's value of one indicator, lowest first, with the threshold and the county mean.

    `parts` holds the engine's school rows of one county, year and 学段; `link(school_id)` is a
    school's page.
    """
    indicator = standard.indicator(indicator_id)
    threshold = indicator.threshold(level)
    column = value_column(indicator_id)
    names: list[str] = []
    values: list[float | None] = []
    data: list[dict[str, Any]] = []
    for row in parts.sort(column, nulls_last=True).iter_rows(named=True):
        meets = row.get(meets_column(indicator_id))
        names.append(row["school_name"])
        values.append(None if row[column] is None else round(row[column], 6))
        data.append(
            {
                "value": values[-1],
                "tip": f"{row['school_name']}：{msg.value_text(indicator, row[column], threshold)}",
                "url": link(row["school_id"]),
                "itemStyle": {"color": ACCENT if meets is None else GOOD if meets else BAD},
            }
        )
    marks: list[tuple[float, str, str]] = []
    if threshold is not None:
        marks.append((float(threshold), f"{msg.THRESHOLD} {numbers.standard_figure(threshold)}", GOOD))
    if mean is not None:
        marks.append((mean, f"{msg.MEAN} {numbers.number(mean, numbers.Quantity.VALUE)}", ACCENT))
    series: dict[str, Any] = {"type": "bar", "name": indicator.name, "data": data}
    if marks:
        series["markLine"] = _reference_lines(*marks)
    return {
        "tooltip": {"trigger": "item"},
        "grid": {"left": 64, "right": 24, "top": 24, "bottom": 120},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 45}},
        "yAxis": {
            "type": "value",
            "name": indicator.value_unit,
            "max": _axis_max(values, *(m[0] for m in marks)),
        },
        "dataZoom": [{"type": "inside"}, {"type": "slider", "height": 16, "bottom": 4}] if len(data) > 30 else [],
        "series": [series],
    }
