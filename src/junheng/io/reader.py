"""Reading the school data file (contracts.md §1) from CSV or Excel into one typed table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from junheng.io.cells import check_cells
from junheng.io.errors import DataFileError, DataIssue
from junheng.io.headers import recognise_headers
from junheng.schema import FIELDS
from junheng.standards import Standard

SHEET_NAME = "学校数据"
_CSV_SUFFIXES = frozenset({".csv"})
_WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_BOM = b"\xef\xbb\xbf"
_EMPTY = pl.DataFrame({"row": pl.Series([], dtype=pl.Int64)})


def read_school_file(path: str | Path, standard: Standard, *, sheet: str | None = None) -> pl.DataFrame:
    """The school data file of contracts.md §1 as a typed table, one row per school and year.

    Reads CSV (UTF-8, or GB18030 as Chinese Excel saves it) or XLSX/XLSM (the sheet `sheet`, else the
    one named 学校数据, else the first). The result has one column per field of `schema.FIELDS`, in that
    order, and `row`, the spreadsheet row number, last. Raises DataFileError with every problem found.
    """
    file = str(path)
    grid = _read_grid(Path(path), file, sheet)
    if grid.height == 0:
        raise DataFileError([_file_issue(file, "文件是空的；第一行应为表头，之后每行填写一所学校")])
    *header_cells, header_line = grid.row(0)
    headers = [(cell or "").strip() for cell in header_cells]
    required = {f.key for f in FIELDS if f.always_required} | set(standard.required_columns())
    recognised = recognise_headers(headers, required)
    found = [
        (header_line, p.position, DataIssue(file, header_line, p.column, p.message, p.value))
        for p in recognised.problems
    ]
    data = grid.slice(1)
    if data.height == 0:
        issue = _file_issue(file, "只有表头，没有数据；请在表头下每行填写一所学校")
        raise DataFileError([issue, *(issue for _, _, issue in found)])
    table, problems = check_cells(data, recognised.columns)
    found += [
        (p.row, p.column.position, DataIssue(file, p.row, p.column.header, p.message, p.value)) for p in problems
    ]
    if found:
        raise DataFileError(issue for _, _, issue in sorted(found, key=lambda item: item[:2]))
    return table


def _file_issue(file: str, message: str) -> DataIssue:
    return DataIssue(file, None, None, message)


def _read_grid(path: Path, file: str, sheet: str | None) -> pl.DataFrame:
    """The sheet's non-empty rows, every cell a string, in columns named by position (`c0`, `c1`, …),
    and last `row`, the row number a spreadsheet shows."""
    suffix = path.suffix.lower()
    if suffix not in _CSV_SUFFIXES | _WORKBOOK_SUFFIXES:
        named = f"“{path.suffix}”" if path.suffix else "（没有扩展名）"
        message = f"不支持的文件类型{named}；请使用 CSV 文件（.csv）或 Excel 工作簿（.xlsx、.xlsm）"
        raise DataFileError([_file_issue(file, message)])
    if not path.exists():
        raise DataFileError([_file_issue(file, "找不到这个文件；请检查文件路径")])
    if not path.is_file():
        raise DataFileError([_file_issue(file, "这不是一个文件（可能是文件夹）；请检查文件路径")])
    if suffix in _CSV_SUFFIXES:
        return _read_csv(path, file)
    return _read_workbook(path, file, sheet)


def _read_csv(path: Path, file: str) -> pl.DataFrame:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataFileError([_file_issue(file, f"无法读取文件（{exc.strerror}）")]) from exc
    data = data.removeprefix(_BOM)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data = data.decode("gb18030").encode("utf-8")
        except UnicodeDecodeError as exc:
            message = "无法识别文件的文字编码；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”"
            raise DataFileError([_file_issue(file, message)]) from exc
    if not data.strip():
        return _EMPTY
    try:
        frame = pl.read_csv(data, has_header=False, infer_schema=False, truncate_ragged_lines=True)
    except pl.exceptions.PolarsError as exc:
        message = f"无法解析 CSV 文件（{exc}）；请检查引号是否成对，或用 Excel 打开后重新另存为 CSV"
        raise DataFileError([_file_issue(file, message)]) from exc
    # A quoted cell may span lines: a record, not a line, is what a spreadsheet numbers as a row.
    numbered = frame.rename({name: f"c{i}" for i, name in enumerate(frame.columns)}).with_columns(
        pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("row")
    )
    return _without_empty_rows(numbered)


def _read_workbook(path: Path, file: str, sheet: str | None) -> pl.DataFrame:
    try:
        with CalamineWorkbook.from_path(path) as workbook:
            names = workbook.sheet_names
            if sheet is not None and sheet not in names:
                message = f"工作簿中没有名为“{sheet}”的工作表；现有工作表：{'、'.join(names)}"
                raise DataFileError([_file_issue(file, message)])
            chosen = sheet or (SHEET_NAME if SHEET_NAME in names else names[0])
            worksheet = workbook.get_sheet_by_name(chosen)
            rows = worksheet.to_python()
            start = worksheet.start
    except PasswordError as exc:
        raise DataFileError([_file_issue(file, "工作簿设有密码；请取消密码保护后再导入")]) from exc
    except (CalamineError, OSError) as exc:
        message = f"无法打开 Excel 工作簿（{exc}）；文件可能已损坏，请用 Excel 打开后重新保存为 .xlsx"
        raise DataFileError([_file_issue(file, message)]) from exc
    if start is None or not rows:
        return _EMPTY
    # to_python() leaves out the empty rows above the data; `start` says where it begins (0-based).
    columns = [
        pl.Series(f"c{i}", [cell if type(cell) is str else _cell_text(cell) for cell in column], pl.String)
        for i, column in enumerate(zip(*rows, strict=True))
    ]
    first_row = start[0] + 1
    numbers = pl.int_range(first_row, first_row + len(rows), dtype=pl.Int64, eager=True).alias("row")
    return _without_empty_rows(pl.DataFrame([*columns, numbers]))


def _cell_text(cell: object) -> str:
    """A workbook cell as the text a person sees: Excel keeps every number as a float, 12 as 12.0."""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    return str(cell)


def _without_empty_rows(cells: pl.DataFrame) -> pl.DataFrame:
    """Drop the rows whose every cell is empty or blank, keeping every other row's number."""
    names = [name for name in cells.columns if name != "row"]
    blank = pl.all_horizontal(pl.col(name).str.strip_chars().fill_null("") == "" for name in names)
    return cells.filter(~blank)
