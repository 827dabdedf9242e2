"""An evaluation as the Excel workbook a bureau files (`junheng evaluate --format xlsx`).

Sheets: 县域结论 (the verdict per county and year), 学校指标 (every school part against every
threshold), 差异系数-小学 / 差异系数-初中 (one per 学段 of the standard), 未达标清单 (what each
school lacks; standards with a school rule only) and 不参与计算学校. Figures are the engine's,
unrounded; only the number formats round them for display.

The workbook is written row by row (xlsxwriter's constant_memory mode), so that a national file of
250,000 school parts does not hold millions of cells in memory. That is why header cells spanning
several columns are merged within their row only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from junheng import messages as msg
from junheng.engine import Evaluation
from junheng.engine.indicators import value_column
from junheng.engine.rules import floor_column, floors, level_constant, meets_column, thresholds
from junheng.engine.scope import KEYS
from junheng.io.evaluation_table import display_width
from junheng.io.finite import finite_columns
from junheng.levels import LEVEL_LABELS
from junheng.schema import FIELDS_BY_KEY, SCHOOL_TYPE_LABELS
from junheng.standards import Indicator

SUMMARY_SHEET = "县域结论"
SCHOOLS_SHEET = "学校指标"
SHORTFALLS_SHEET = "未达标清单"
EXCLUDED_SHEET = "不参与计算学校"
EXCEL_MAX_ROWS = 1_048_576
_MAX_WIDTH = 60
_RED = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}


def cv_sheet_name(level: str) -> str:
    """差异系数-小学, 差异系数-初中."""
    return f"{msg.CV}-{msg.level_label(level)}"


def write_evaluation_xlsx(evaluation: Evaluation, path: str | Path) -> None:
    """Write the workbook of `evaluation` to `path`."""
    # Text is never read as a formula or a link: a school name beginning with “=” stays a name.
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(str(path), options)
    try:
        formats = _Formats(workbook)
        standard = evaluation.standard
        _write(workbook, formats, SUMMARY_SHEET, _summary(evaluation, formats))
        _write(workbook, formats, SCHOOLS_SHEET, _schools(evaluation, formats))
        for level in standard.levels:
            _write(workbook, formats, cv_sheet_name(level), _coefficients(evaluation, level, formats))
        if standard.school_rule is not None:
            _write(workbook, formats, SHORTFALLS_SHEET, _shortfalls(evaluation, formats))
        _write(workbook, formats, EXCLUDED_SHEET, _excluded(evaluation, formats))
    finally:
        workbook.close()


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        header = {"bold": True, "bg_color": "#D9E1F2", "border": 1, "align": "center", "valign": "vcenter"}
        self.header = workbook.add_format({**header, "text_wrap": True})
        self.integer = workbook.add_format({"num_format": "#,##0"})
        self.value = workbook.add_format({"num_format": "#,##0.000"})
        self.cv = workbook.add_format({"num_format": "0.000"})
        self.red = workbook.add_format(_RED)


@dataclass(frozen=True, slots=True)
class _Column:
    header: str
    format: Format | None
    width: float | None = None  # None: fitted to the header and the data
    red_when: str | None = None  # a cell value shown with a red fill
    missing: str | None = None  # written where the value is null, instead of an empty cell


@dataclass(frozen=True, slots=True)
class _Group:
    title: str
    span: int


@dataclass(frozen=True, slots=True)
class _Sheet:
    columns: Sequence[_Column]
    data: pl.DataFrame
    groups: Sequence[_Group] = ()  # a header row above the column titles; each group spans columns
    freeze_columns: int = 2


def _write(workbook: xlsxwriter.Workbook, formats: _Formats, name: str, sheet: _Sheet) -> None:
    """Add the sheet; rows beyond Excel's limit continue on sheets named “name（2）”, “name（3）”…"""
    if sheet.data.width != len(sheet.columns):
        raise ValueError(f"{name}: {sheet.data.width} 列数据，{len(sheet.columns)} 个列标题")
    per_sheet = EXCEL_MAX_ROWS - (2 if sheet.groups else 1)
    widths = _widths(sheet.columns, sheet.data)
    _write_one(workbook.add_worksheet(name), formats, sheet, sheet.data.slice(0, per_sheet), widths)
    for number, offset in enumerate(range(per_sheet, sheet.data.height, per_sheet), start=2):
        chunk = sheet.data.slice(offset, per_sheet)
        _write_one(workbook.add_worksheet(f"{name}（{number}）"), formats, sheet, chunk, widths)


def _write_one(ws: Worksheet, formats: _Formats, sheet: _Sheet, data: pl.DataFrame, widths: list[float]) -> None:
    columns = sheet.columns
    header_row = 1 if sheet.groups else 0
    for col, (column, width) in enumerate(zip(columns, widths, strict=True)):
        ws.set_column(col, col, width, column.format)
    if sheet.groups:
        ws.set_row(0, 36)
        col = 0
        for group in sheet.groups:
            if group.span > 1:
                ws.merge_range(0, col, 0, col + group.span - 1, group.title, formats.header)
            else:
                ws.write_string(0, col, group.title, formats.header)
            col += group.span
    ws.set_row(header_row, 30)
    ws.write_row(header_row, 0, [c.header for c in columns], formats.header)
    fills = [(col, column.missing) for col, column in enumerate(columns) if column.missing is not None]
    for row, values in enumerate(finite_columns(data).iter_rows(), start=header_row + 1):
        ws.write_row(row, 0, _filled(values, fills) if fills else values)
    last = header_row + max(data.height, 1)
    ws.freeze_panes(header_row + 1, sheet.freeze_columns)
    ws.autofilter(header_row, 0, last, len(columns) - 1)
    for col, column in enumerate(columns):
        if column.red_when is not None:
            red = {"type": "cell", "criteria": "==", "value": f'"{column.red_when}"', "format": formats.red}
            ws.conditional_format(header_row + 1, col, last, col, red)


def _filled(values: tuple[Any, ...], fills: Sequence[tuple[int, str]]) -> tuple[Any, ...]:
    cells = list(values)
    for col, missing in fills:
        if cells[col] is None:
            cells[col] = missing
    return tuple(cells)


def _widths(columns: Sequence[_Column], data: pl.DataFrame) -> list[float]:
    """Column widths in Excel's character units, where a CJK character takes two."""
    widths = []
    for column, name in zip(columns, data.columns, strict=True):
        if column.width is not None:
            widths.append(column.width)
            continue
        width = float(display_width(column.header))
        if data.schema[name] == pl.String and data.height:
            # UTF-8 takes 3 bytes for a CJK character and 1 for ASCII: chars + (bytes − chars) / 2 cells.
            chars = pl.col(name).str.len_chars()
            cells = data.select((chars + (pl.col(name).str.len_bytes() - chars) / 2).max()).item()
            width = max(width, float(cells or 0))
        widths.append(min(width + 2, _MAX_WIDTH))
    return widths


def _word(flag: str, true: str, false: str) -> pl.Expr:
    return pl.when(pl.col(flag)).then(pl.lit(true)).when(~pl.col(flag)).then(pl.lit(false)).otherwise(None)


def _labels(column: str, labels: dict[str, str]) -> pl.Expr:
    return pl.col(column).replace_strict(labels, default=pl.col(column)).alias(column)


def _label(key: str) -> str:
    """The Chinese header of a data-file column (contracts.md §1)."""
    return FIELDS_BY_KEY[key].label


def _key_columns() -> list[_Column]:
    return [_Column(_label("county"), None), _Column(_label("year"), None, width=8)]


def _summary(evaluation: Evaluation, formats: _Formats) -> _Sheet:
    """县域结论: one row per county and year."""
    standard = evaluation.standard
    counties = evaluation.counties.select(*KEYS, _word("pass", msg.PASSED, msg.FAILED).alias("verdict"))
    columns = [*_key_columns(), _Column("结论", None, width=10, red_when=msg.FAILED)]
    per_level = evaluation.levels.group_by([*KEYS, "level"]).agg(pl.col("schools").first(), pl.col("students").first())
    for level in standard.levels:
        name = msg.level_label(level)
        counts = per_level.filter(pl.col("level") == level).select(
            *KEYS,
            pl.col("schools").cast(pl.Int64).alias(f"schools_{level}"),
            pl.col("students").alias(f"students_{level}"),
        )
        counties = counties.join(counts, on=KEYS, how="left", nulls_equal=True)
        columns += [_Column(f"{name}学校数", formats.integer), _Column(f"{name}{msg.STUDENTS}", formats.integer)]
    if standard.school_rule is not None:
        failing = (
            evaluation.schools.filter(~pl.col("pass"))
            .group_by(KEYS)
            .agg(
                pl.col("school_id").n_unique().cast(pl.Int64).alias("failing_schools"),
                pl.len().cast(pl.Int64).alias("failing_parts"),
            )
        )
        counties = counties.join(failing, on=KEYS, how="left", nulls_equal=True).with_columns(
            pl.col("failing_schools", "failing_parts").fill_null(0)
        )
        columns += [_Column("未达标学校数", formats.integer), _Column("未达标学段数", formats.integer)]
    if evaluation.composites is not None:
        for level in standard.levels:
            composite = evaluation.composites.filter(pl.col("level") == level).select(
                *KEYS, pl.col("composite").alias(f"composite_{level}")
            )
            counties = counties.join(composite, on=KEYS, how="left", nulls_equal=True)
            columns.append(_Column(f"{msg.level_label(level)}{msg.COMPOSITE}", formats.cv))
    failing_texts = _failing_cv_texts(evaluation)
    counties = counties.with_columns(
        pl.Series(
            "failing_indicators",
            [failing_texts.get((c, y), "无") for c, y in counties.select(KEYS).iter_rows()],
            dtype=pl.String,
        )
    )
    columns.append(_Column(f"未达标的{msg.COMPOSITE if evaluation.composites is not None else msg.CV}", None))
    excluded = evaluation.excluded.group_by(KEYS).agg(pl.len().cast(pl.Int64).alias("excluded"))
    counties = counties.join(excluded, on=KEYS, how="left", nulls_equal=True).with_columns(
        pl.col("excluded").fill_null(0)
    )
    columns.append(_Column("不参与计算学校数", formats.integer))
    return _Sheet(columns, counties)


def _failing_cv_texts(evaluation: Evaluation) -> dict[tuple[str, int], str]:
    """Per county, the coefficients (or composites) over their limit, worded, joined by ；."""
    standard = evaluation.standard
    texts: dict[tuple[str, int], list[str]] = {}
    if evaluation.composites is not None:
        for row in evaluation.composites.filter(~pl.col("pass")).iter_rows(named=True):
            text = msg.composite_text(standard, row["level"], row["composite"])
            texts.setdefault((row["county"], row["year"]), []).append(text)
    else:
        for row in evaluation.levels.filter(~pl.col("pass")).iter_rows(named=True):
            text = msg.cv_text(standard, row["level"], standard.indicator(row["indicator"]), row["cv"])
            texts.setdefault((row["county"], row["year"]), []).append(text)
    return {key: "；".join(lines) for key, lines in texts.items()}


def _schools(evaluation: Evaluation, formats: _Formats) -> _Sheet:
    """学校指标: one row per school part, each indicator against its floor and threshold."""
    standard = evaluation.standard
    rule = standard.school_rule
    fixed = [
        *_key_columns(),
        _Column(_label("school_id"), None),
        _Column(_label("school_name"), None),
        _Column(_label("school_type"), None),
        _Column(msg.LEVEL, None, width=8),
        _Column(msg.STUDENTS, formats.integer, width=10),
    ]
    select: list[pl.Expr] = [
        *(pl.col(k) for k in KEYS),
        pl.col("school_id"),
        pl.col("school_name"),
        _labels("school_type", SCHOOL_TYPE_LABELS),
        _labels("level", LEVEL_LABELS),
        pl.col("students"),
    ]
    columns = list(fixed)
    groups = [_Group("", len(fixed))]
    for ind in standard.indicators:
        title = f"{ind.name}（{ind.value_unit}）"
        if rule is None:
            columns.append(_Column(msg.VALUE, formats.value, width=14))
            select.append(pl.col(value_column(ind.id)))
            groups.append(_Group(title, 1))
            continue
        columns += [
            _Column(msg.floor_label(standard), None, width=13),
            _Column(msg.THRESHOLD, None, width=10),
            _Column(msg.VALUE, formats.value, width=12),
            _Column(msg.IS_MET, None, width=10, red_when=msg.NOT_MET),
        ]
        select += [
            level_constant(floors(ind, rule)).alias(f"floor_{ind.id}"),
            level_constant(thresholds(ind)).alias(f"threshold_{ind.id}"),
            pl.col(value_column(ind.id)),
            _word(meets_column(ind.id), msg.MET, msg.NOT_MET).alias(f"met_{ind.id}"),
        ]
        groups.append(_Group(title, 4))
    if rule is None:
        return _Sheet(columns, evaluation.schools.select(select), groups, freeze_columns=4)
    columns += [
        _Column("达标指标数", formats.integer, width=12),
        _Column("学校结论", None, width=10, red_when=msg.NOT_MET),
        _Column("说明", None, width=_MAX_WIDTH),
    ]
    select += [pl.col("met_count").cast(pl.Int64), _word("pass", msg.MET, msg.NOT_MET).alias("school_pass")]
    data = evaluation.schools.select(select).with_columns(
        pl.Series("explanation", _explanations(evaluation), dtype=pl.String)
    )
    groups.append(_Group("学校达标情况", 3))
    return _Sheet(columns, data, groups, freeze_columns=4)


def _explanations(evaluation: Evaluation) -> list[str | None]:
    """The school rule's explanation for every failing part (standard.md §2); None for the others."""
    standard = evaluation.standard
    ids = standard.indicator_ids
    flags = evaluation.schools.select(
        "pass", *(meets_column(i) for i in ids), *(floor_column(i) for i in ids)
    ).iter_rows()
    out: list[str | None] = []
    for passed, *rest in flags:
        if passed is not False:
            out.append(None)
            continue
        meets = dict(zip(ids, rest[: len(ids)], strict=True))
        above = dict(zip(ids, rest[len(ids) :], strict=True))
        out.append(msg.school_rule_text(standard, meets, above))
    return out


def _coefficients(evaluation: Evaluation, level: str, formats: _Formats) -> _Sheet:
    """差异系数-小学 / -初中: per county, every indicator's mean and CV against the limit (standard.md §3)."""
    standard = evaluation.standard
    judged = bool(standard.cv_limits)
    rows = evaluation.levels.filter(pl.col("level") == level)
    fixed = [*_key_columns(), _Column("学校数", formats.integer, width=8), _Column(msg.STUDENTS, formats.integer)]
    aggs: list[pl.Expr] = [pl.col("schools").first().cast(pl.Int64), pl.col("students").first()]
    columns = list(fixed)
    groups = [_Group("", len(fixed))]
    for ind in standard.indicators:
        this = pl.col("indicator") == ind.id
        columns += [
            _Column(f"{msg.MEAN}（{ind.value_unit}）", formats.value, width=12),
            _Column(msg.CV, formats.cv, width=10, missing=msg.UNDEFINED),
        ]
        aggs += [
            pl.col("mean").filter(this).first().alias(f"mean_{ind.id}"),
            pl.col("cv").filter(this).first().alias(f"cv_{ind.id}"),
        ]
        if judged:
            columns += [_Column(msg.LIMIT, None, width=8), _Column(msg.IS_MET, None, width=10, red_when=msg.NOT_MET)]
            aggs += [
                pl.col("limit").filter(this).first().alias(f"limit_{ind.id}"),
                pl.col("pass").filter(this).first().alias(f"pass_{ind.id}"),
            ]
        groups.append(_Group(ind.name, 4 if judged else 2))
    data = rows.group_by(KEYS, maintain_order=True).agg(aggs)
    if judged:
        data = data.with_columns(
            _word(f"pass_{i}", msg.MET, msg.NOT_MET).alias(f"pass_{i}") for i in standard.indicator_ids
        )
    if evaluation.composites is not None:
        composite = evaluation.composites.filter(pl.col("level") == level).select(
            *KEYS, "composite", "limit", _word("pass", msg.MET, msg.NOT_MET).alias("composite_pass")
        )
        data = data.join(composite, on=KEYS, how="left", nulls_equal=True)
        columns += [
            _Column(msg.COMPOSITE, formats.cv, width=12, missing=msg.UNDEFINED),
            _Column(msg.LIMIT, None, width=8),
            _Column(msg.IS_MET, None, width=10, red_when=msg.NOT_MET),
        ]
        groups.append(_Group(msg.COMPOSITE, 3))
    notes = _notes(evaluation, rows)
    data = data.with_columns(
        pl.Series("notes", [notes.get((c, y), "") for c, y in data.select(KEYS).iter_rows()], dtype=pl.String)
    )
    columns.append(_Column(msg.NOTE, None))
    groups.append(_Group("", 1))
    return _Sheet(columns, data, groups)


def _notes(evaluation: Evaluation, rows: pl.DataFrame) -> dict[tuple[str, int], str]:
    """Per county, the coefficients to check again (within the margin of the limit) or undefined."""
    standard = evaluation.standard
    notes: dict[tuple[str, int], list[str]] = {}
    for row in rows.filter(pl.col("near_limit") | pl.col("cv").is_null()).iter_rows(named=True):
        ind: Indicator = standard.indicator(row["indicator"])
        text = msg.UNDEFINED_CV if row["cv"] is None else msg.near_limit_text(standard)
        notes.setdefault((row["county"], row["year"]), []).append(f"{ind.name}：{text}")
    return {key: "；".join(lines) for key, lines in notes.items()}


def _shortfalls(evaluation: Evaluation, formats: _Formats) -> _Sheet:
    """未达标清单: every indicator a school part misses, with what the school must add."""
    standard = evaluation.standard
    gaps = evaluation.shortfalls()
    columns = [
        *_key_columns(),
        _Column(_label("school_id"), None),
        _Column(_label("school_name"), None),
        _Column(msg.LEVEL, None, width=8),
        _Column(msg.INDICATOR, None),
        _Column(msg.VALUE, formats.value, width=12),
        _Column(msg.THRESHOLD, None, width=10),
        _Column(msg.floor_label(standard), None, width=13),
        _Column("低于基本值", None, width=12, red_when=msg.YES),
        _Column("学校结论", None, width=10, red_when=msg.NOT_MET),
        _Column("达到达标值还差", None, width=16),
        _Column("达到基本值还差", None, width=16),
        _Column("单位", None, width=6),
        _Column("说明", None),
    ]
    if gaps.is_empty():
        return _Sheet(columns, pl.DataFrame({str(i): [] for i in range(len(columns))}))
    units = {ind.id: ind.resource_unit for ind in standard.indicators}
    names = {ind.id: ind.name for ind in standard.indicators}
    texts = [
        msg.shortfall_note(standard.indicator(ind_id), to_threshold, to_floor, above)
        for ind_id, to_threshold, to_floor, above in gaps.select(
            "indicator", "to_threshold", "to_floor", "above_floor"
        ).iter_rows()
    ]
    data = gaps.select(
        *KEYS,
        "school_id",
        "school_name",
        _labels("level", LEVEL_LABELS),
        pl.col("indicator").replace_strict(names).alias("indicator_name"),
        "value",
        "threshold",
        "floor",
        _word("above_floor", msg.NO, msg.YES).alias("below_floor"),
        _word("school_pass", msg.MET, msg.NOT_MET).alias("school_pass"),
        "to_threshold",
        pl.when(pl.col("above_floor")).then(None).otherwise(pl.col("to_floor")).alias("to_floor"),
        pl.col("indicator").replace_strict(units).alias("unit"),
    ).with_columns(pl.Series("text", texts, dtype=pl.String))
    return _Sheet(columns, data)


def _excluded(evaluation: Evaluation, formats: _Formats) -> _Sheet:
    """不参与计算学校: the schools left out, with the reason (standard.md §2)."""
    columns = [
        *_key_columns(),
        _Column(_label("school_id"), None),
        _Column(_label("school_name"), None),
        _Column(_label("school_type"), None),
        _Column("原因", None),
    ]
    data = evaluation.excluded.select(
        *KEYS, "school_id", "school_name", _labels("school_type", SCHOOL_TYPE_LABELS), "reason"
    )
    return _Sheet(columns, data)
