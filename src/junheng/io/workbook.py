"""An Excel workbook's sheet as text cells, read by python-calamine only once its size is known to be sane."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import polars as pl
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from junheng.io.errors import DataFileError, DataIssue
from junheng.io.limits import TableLimits
from junheng.io.sheet_xml import CellNote, check_workbook, scan_sheet

SHEET_NAME = "学校数据"
_Cell = TypeVar("_Cell")


@dataclass(frozen=True, slots=True)
class SheetCells:
    """A sheet's cells (`c0`, `c1`, … by the sheet's column, from A; `row`, the sheet's row number) as
    the text a person typed, and the notes on cells whose value the file does not hold."""

    cells: pl.LazyFrame
    notes: dict[tuple[int, int], CellNote]


def read_sheet(path: Path, file: str, sheet: str | None, limits: TableLimits) -> SheetCells | None:
    """The sheet `sheet`, else the one named 学校数据, else the first; None when it is empty. A cell
    merged over several rows (a 县区 spanning its schools) is read on each of them."""
    check_workbook(path, file, limits)
    try:
        with CalamineWorkbook.from_path(path) as workbook:
            names = workbook.sheet_names
            if sheet is not None and sheet not in names:
                message = f"工作簿中没有名为“{sheet}”的工作表；现有工作表：{'、'.join(names)}"
                raise DataFileError([DataIssue(file, None, None, message)])
            chosen = sheet or (SHEET_NAME if SHEET_NAME in names else names[0])
            notes = scan_sheet(path, file, chosen, limits).notes
            worksheet = workbook.get_sheet_by_name(chosen)
            rows = worksheet.to_python()
            start = worksheet.start
            merged = worksheet.merged_cell_ranges or []
    except PasswordError as exc:
        raise DataFileError([DataIssue(file, None, None, "工作簿设有密码；请取消密码保护后再导入")]) from exc
    except (CalamineError, OSError) as exc:
        message = "无法打开 Excel 工作簿：文件可能已损坏或不是 .xlsx 格式；请用 Excel 打开后重新保存为 .xlsx"
        raise DataFileError([DataIssue(file, None, None, message)]) from exc
    if start is None or not rows:
        return None
    # to_python() leaves out the empty rows above and columns left of the data; `start` says where it
    # begins (0-based). Columns are numbered from A so that notes and merged ranges line up.
    top, left = start
    _fill_down(rows, top, left, merged)
    columns = [pl.Series(f"c{i}", [None] * len(rows), pl.String) for i in range(left)]
    columns += [
        pl.Series(f"c{left + i}", column, pl.String, strict=False) for i, column in enumerate(zip(*rows, strict=True))
    ]
    numbers = pl.int_range(top + 1, top + 1 + len(rows), dtype=pl.Int64, eager=True).alias("row")
    cells = pl.LazyFrame([*columns, numbers]).with_columns(_as_typed(pl.col(column.name)) for column in columns)
    return SheetCells(cells, notes)


def _fill_down(
    rows: Sequence[list[_Cell]], top: int, left: int, merged: Sequence[tuple[tuple[int, int], tuple[int, int]]]
) -> None:
    """A value merged over several rows read on each of them; a range reaching past the data stops there."""
    for (first_row, column), (last_row, _) in merged:
        index = column - left
        if last_row <= first_row or not 0 <= first_row - top < len(rows) or not 0 <= index < len(rows[0]):
            continue
        value = rows[first_row - top][index]
        for row in rows[first_row - top + 1 : last_row - top + 1]:
            if row[index] in ("", None):
                row[index] = value


def _as_typed(cell: pl.Expr) -> pl.Expr:
    """A workbook cell as the text a person typed. Polars writes a date as 2025-09-01, TRUE as true and a
    number as Python does; Excel keeps every number as a float, so 12 arrives as 12.0. A text cell
    holding "12.0" becomes "12" too: the same number, and no identifier is written that way."""
    number = cell.cast(pl.Float64, strict=False)
    return pl.when(cell.str.ends_with(".0") & (number == number.floor())).then(cell.str.head(-2)).otherwise(cell)
