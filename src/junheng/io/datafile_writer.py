"""Writing the school data file of contracts.md §1 as CSV or XLSX, with Chinese or English headers."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal, TypeVar

import polars as pl
import xlsxwriter

from junheng.io.workbook import SHEET_NAME
from junheng.schema import (
    AREA_TYPE_VALUES,
    FIELDS,
    OWNERSHIP_VALUES,
    SCHOOL_TYPE_LABELS,
    YES_NO_VALUES,
    Field,
    Kind,
)

Headers = Literal["zh", "en"]
_Value = TypeVar("_Value", str, bool)
_IN_MEMORY_CELLS = 2_000_000


def _spellings(values: Mapping[str, _Value], *, chinese: bool) -> dict[_Value, str]:
    """For each value the first spelling the schema lists for it, Chinese or ASCII."""
    out: dict[_Value, str] = {}
    for spelling, value in values.items():
        if spelling.isascii() != chinese:
            out.setdefault(value, spelling)
    return out


def _labels(kind: Kind, headers: Headers) -> Mapping[str, str] | Mapping[bool, str]:
    chinese = headers == "zh"
    match kind:
        case Kind.SCHOOL_TYPE:
            return SCHOOL_TYPE_LABELS if chinese else {key: key for key in SCHOOL_TYPE_LABELS}
        case Kind.OWNERSHIP:
            return _spellings(OWNERSHIP_VALUES, chinese=chinese)
        case Kind.AREA_TYPE:
            return _spellings(AREA_TYPE_VALUES, chinese=chinese)
        case Kind.YES_NO:
            return _spellings(YES_NO_VALUES, chinese=chinese)
    raise AssertionError(kind)


def _cell(field: Field, headers: Headers) -> pl.Expr:
    """The column as it is written: choices spelled out, NaN as an empty cell, headed by label or key."""
    column = pl.col(field.key)
    if field.kind in (Kind.SCHOOL_TYPE, Kind.OWNERSHIP, Kind.AREA_TYPE, Kind.YES_NO):
        labels = _labels(field.kind, headers)
        column = column.replace_strict(dict(labels), default=column.cast(pl.String), return_dtype=pl.String)
    elif field.kind is Kind.NUMBER:
        column = column.fill_nan(None)
    return column.alias(field.label if headers == "zh" else field.key)


def _table(df: pl.DataFrame, headers: Headers) -> pl.DataFrame:
    """The schema's columns present in `df`, in schema order; others (the reader's `row`) are left out."""
    return df.select(_cell(field, headers) for field in FIELDS if field.key in df.columns)


def write_school_file(
    df: pl.DataFrame, path: Path, *, headers: Headers = "zh", annex: Mapping[str, pl.DataFrame] | None = None
) -> None:
    """Write `df` as a school data file: CSV (UTF-8 with BOM, for Excel) or XLSX (sheet 学校数据), by suffix.

    With `headers="zh"` the header row holds the Chinese labels and choice columns (学校类型, 办学性质,
    城乡分类, 寄宿制学校) their Chinese spellings; with "en" the English keys in both. Nulls are empty cells.
    `annex` adds sheets after 学校数据 in an XLSX (the statistics import's 数据来源); readers ignore them.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        named = f"“{path.suffix}”" if path.suffix else "（没有扩展名）"
        raise ValueError(f"不支持写出文件类型{named}；学校数据文件请使用 .csv 或 .xlsx")
    table = _table(df, headers)
    if suffix == ".csv":
        table.write_csv(path, include_bom=True, null_value="")
    else:
        _write_xlsx(table, path, annex or {})


def _write_xlsx(table: pl.DataFrame, path: Path, annex: Mapping[str, pl.DataFrame]) -> None:
    # Text goes into a shared-strings table, as Excel saves it, except for tables so large that holding
    # every cell until the end (about 90 bytes each) would cost hundreds of MB; those stream row by row
    # with the text inline. Cell text is data: “=…” or “http…” stays text, not a formula or a link.
    options = {
        "constant_memory": table.height * table.width > _IN_MEMORY_CELLS,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    with xlsxwriter.Workbook(str(path), options) as workbook:
        sheet = workbook.add_worksheet(SHEET_NAME)
        bold = workbook.add_format({"bold": True})
        sheet.freeze_panes(1, 0)
        for position, name in enumerate(table.columns):
            sheet.set_column(position, position, max(10, sum(1 if c.isascii() else 2 for c in name) + 2))
        sheet.write_row(0, 0, table.columns, bold)
        for row, values in enumerate(table.iter_rows(), start=1):
            sheet.write_row(row, 0, values)
        for name, extra in annex.items():
            other = workbook.add_worksheet(name)
            other.freeze_panes(1, 0)
            other.write_row(0, 0, extra.columns, bold)
            for row, values in enumerate(extra.iter_rows(), start=1):
                other.write_row(row, 0, values)
