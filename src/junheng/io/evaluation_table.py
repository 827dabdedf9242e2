"""An evaluation as a Chinese report for the terminal (`junheng evaluate --format table`).

One block per county and year: the verdict, a table of difference coefficients per 学段, the failing
school parts with why they fail and what they lack, and the schools left out. Columns are aligned
in terminal cells, where a CJK character takes two (Unicode East Asian Width W and F).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

import polars as pl

from junheng import messages as msg
from junheng.engine import Evaluation
from junheng.engine.rules import floor_column, meets_column
from junheng.engine.scope import KEYS
from junheng.standards import Standard

MAX_LISTED_SCHOOLS = 50
_RULE = "=" * 80
_INDENT = "  "
_GAP = "  "

CountyKey = tuple[str, int]


def display_width(text: str) -> int:
    """The number of terminal cells `text` takes: 2 for wide CJK characters, 0 for combining marks."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int, *, right: bool = False) -> str:
    """`text` padded with spaces to `width` cells, aligned left (or right, for numbers)."""
    fill = " " * max(width - display_width(text), 0)
    return fill + text if right else text + fill


def grid(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> list[str]:
    """Lines of an aligned table: text columns left-aligned, numeric ones right-aligned."""
    widths = [max(display_width(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    return [
        _GAP.join(pad(cell, w, right=num) for cell, w, num in zip(line, widths, numeric, strict=True)).rstrip()
        for line in (headers, *rows)
    ]


def render_table(evaluation: Evaluation, *, max_listed: int = MAX_LISTED_SCHOOLS) -> str:
    """The report for every county and year, at most `max_listed` failing and excluded schools each."""
    report = _Report(evaluation, max_listed)
    blocks = [report.county(row) for row in evaluation.counties.iter_rows(named=True)]
    return "\n\n".join(blocks) + "\n"


class _Report:
    """The evaluation's frames regrouped once per county, so that a national file renders in one pass."""

    def __init__(self, evaluation: Evaluation, max_listed: int) -> None:
        self.evaluation = evaluation
        self.standard: Standard = evaluation.standard
        self.levels = _group(_sorted_levels(evaluation).to_dicts())
        self.composites = _group(evaluation.composites.to_dicts() if evaluation.composites is not None else [])
        failing = evaluation.schools.filter(~pl.col("pass"))
        self.failing_by_level = _counts(failing, [*KEYS, "level"], pl.len())
        self.failing_parts = _counts(failing, KEYS, pl.len())
        self.failing_schools = _counts(failing, KEYS, pl.col("school_id").n_unique())
        listed = _first_per_county(failing, max_listed)
        self.listed = _group(listed.to_dicts())
        self.shortfalls = _group_by_part(self._listed_shortfalls(listed))
        self.excluded_total = _counts(evaluation.excluded, KEYS, pl.len())
        self.excluded = _group(_first_per_county(evaluation.excluded, max_listed).to_dicts())

    def _listed_shortfalls(self, listed: pl.DataFrame) -> list[dict[str, Any]]:
        if self.standard.school_rule is None or listed.is_empty():
            return []
        return (
            self.evaluation.shortfalls()
            .join(listed.select(*KEYS, "school_id", "level"), on=[*KEYS, "school_id", "level"], how="semi")
            .to_dicts()
        )

    def county(self, row: dict[str, Any]) -> str:
        key: CountyKey = (row["county"], row["year"])
        standard = self.standard
        lines = [
            _RULE,
            msg.county_verdict_text(row["county"], row["year"], row["pass"]),
            f"标准：{standard.name} {standard.title}",
            self._summary(key, row),
        ]
        levels = self.levels.get(key, [])
        if not levels:
            lines += ["", "没有参与计算的学校，无法作出结论。"]
        for level, rows in _by_level(levels):
            lines += ["", *self._level(key, level, rows)]
        lines += self._failing(key)
        lines += self._excluded(key)
        return "\n".join(lines)

    def _summary(self, key: CountyKey, row: dict[str, Any]) -> str:
        parts = [] if self.standard.school_rule is None else [f"未达标学校 {self.failing_schools.get(key, 0)} 所"]
        if self.standard.composite is not None:
            parts.append(f"{msg.COMPOSITE}超过限值的学段 {row['failing_indicators']} 个")
        else:
            parts.append(f"{msg.CV}超过限值的指标 {row['failing_indicators']} 项")
        parts.append(f"不参与计算学校 {self.excluded_total.get(key, 0)} 所")
        return "；".join(parts)

    def _level(self, key: CountyKey, level: str, rows: list[dict[str, Any]]) -> list[str]:
        standard = self.standard
        first = rows[0]
        heading = f"{msg.level_label(level)}：学校 {first['schools']} 所，在校生 {first['students']:,} 人"
        if standard.school_rule is not None:
            heading += f"，未达标学校 {self.failing_by_level.get((*key, level), 0)} 所"
        judged = bool(standard.cv_limits)
        headers = [msg.INDICATOR, msg.MEAN, msg.CV, *([msg.LIMIT, msg.IS_MET] if judged else []), msg.NOTE]
        numeric = [False, True, True, *([True, False] if judged else []), False]
        table: list[list[str]] = []
        notes: list[str] = []
        for row in rows:
            indicator = standard.indicator(row["indicator"])
            cells = [indicator.name, _mean(row["mean"]), msg.cv_number(row["cv"], standard)]
            if judged:
                limit = standard.cv_limits.get(level)
                cells += [msg.NOT_APPLICABLE if limit is None else str(limit), msg.met_word(row["pass"])]
                if row["pass"] is False:
                    notes.append(msg.cv_text(standard, level, indicator, row["cv"]))
            cells.append(_note(standard, row))
            table.append(cells)
        lines = [heading, *(_INDENT + line for line in grid(headers, table, numeric))]
        for composite in self.composites.get(key, []):
            if composite["level"] == level:
                text = msg.composite_text(standard, level, composite["composite"])
                lines.append(f"{_INDENT}{text}：{msg.met_word(composite['pass'])}")
        lines += [_INDENT + note for note in notes]
        return lines

    def _failing(self, key: CountyKey) -> list[str]:
        listed = self.listed.get(key, [])
        if not listed:
            return []
        standard = self.standard
        total = self.failing_parts.get(key, 0)
        lines = ["", f"未达标学校（按学段计 {total} 个）："]
        for part in listed:
            ids = standard.indicator_ids
            meets = {i: part[meets_column(i)] for i in ids}
            above = {i: part[floor_column(i)] for i in ids}
            lines.append(
                f"{_INDENT}{part['school_id']} {part['school_name']}"
                f"（{msg.level_label(part['level'])}，在校生 {part['students']:,} 人）"
            )
            lines.append(f"{_INDENT * 2}{msg.school_rule_text(standard, meets, above)}")
            for gap in self.shortfalls.get((*key, part["school_id"], part["level"]), []):
                indicator = standard.indicator(gap["indicator"])
                miss = msg.indicator_miss_text(standard, part["level"], indicator, gap["value"], gap["above_floor"])
                needs = msg.shortfall_note(indicator, gap["to_threshold"], gap["to_floor"], gap["above_floor"])
                lines.append(f"{_INDENT * 2}- {miss}：{needs}")
        if total > len(listed):
            lines.append(
                f"{_INDENT}另有 {total - len(listed)} 个未达标学段未列出，完整清单见 Excel 报表（--format xlsx）。"
            )
        return lines

    def _excluded(self, key: CountyKey) -> list[str]:
        listed = self.excluded.get(key, [])
        if not listed:
            return []
        total = self.excluded_total.get(key, 0)
        lines = ["", f"不参与计算的学校（{total} 所）："]
        for row in listed:
            school_type = msg.school_type_label(row["school_type"])
            lines.append(f"{_INDENT}{row['school_id']} {row['school_name']}（{school_type}）：{row['reason']}")
        if total > len(listed):
            lines.append(f"{_INDENT}另有 {total - len(listed)} 所未列出。")
        return lines


def _mean(mean: float | None) -> str:
    return msg.NOT_APPLICABLE if mean is None else f"{mean:,.3f}"


def _note(standard: Standard, row: dict[str, Any]) -> str:
    if row["cv"] is None:
        return msg.UNDEFINED_CV
    return msg.near_limit_text(standard) if row["near_limit"] else ""


def _sorted_levels(evaluation: Evaluation) -> pl.DataFrame:
    """The levels frame in the standard's order of 学段 and indicators."""
    standard = evaluation.standard
    level_order = {lv: i for i, lv in enumerate(standard.levels)}
    indicator_order = {ind_id: i for i, ind_id in enumerate(standard.indicator_ids)}
    return evaluation.levels.with_columns(
        pl.col("level").replace_strict(level_order, default=len(level_order)).alias("_level"),
        pl.col("indicator").replace_strict(indicator_order, default=len(indicator_order)).alias("_indicator"),
    ).sort([*KEYS, "_level", "_indicator"], maintain_order=True)


def _by_level(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["level"], []).append(row)
    return list(grouped.items())


def _counts(frame: pl.DataFrame, keys: list[str], count: pl.Expr) -> dict[tuple[Any, ...], int]:
    """`count` per group of `keys`, as a dict keyed by the keys' values."""
    return {tuple(row[:-1]): row[-1] for row in frame.group_by(keys).agg(count.alias("_n")).iter_rows()}


def _first_per_county(frame: pl.DataFrame, n: int) -> pl.DataFrame:
    """The first `n` rows of each county and year, in the frame's order."""
    return frame.filter(pl.int_range(pl.len()).over(KEYS) < n)


def _group(rows: list[dict[str, Any]]) -> dict[CountyKey, list[dict[str, Any]]]:
    grouped: dict[CountyKey, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault((row["county"], row["year"]), []).append(row)
    return grouped


def _group_by_part(rows: list[dict[str, Any]]) -> dict[tuple[str, int, str, str], list[dict[str, Any]]]:
    grouped: dict[tuple[str, int, str, str], list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault((row["county"], row["year"], row["school_id"], row["level"]), []).append(row)
    return grouped
