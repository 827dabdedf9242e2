"""Reading the school data file (contracts.md §1) from CSV or Excel into one typed table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    return check_grid(read_grid(Path(path), file, sheet), standard, file)


def check_records(records: Sequence[Mapping[str, object]], standard: Standard, *, source: str) -> pl.DataFrame:
    """Records keyed by field key (a form, an API body) through the very checks a file goes through.

    Raises DataFileError whose issues name `source` and the field's key as the column; row 2 is the
    first record, as if it were a file under a header row.
    """
    keys = list(dict.fromkeys(key for record in records for key in record))
    text = [[None if record.get(k) is None else str(record.get(k)) for k in keys] for record in records]
    grid = pl.DataFrame(
        [[*keys, 1], *([*row, number] for number, row in enumerate(text, start=2))],
        schema=[*(f"c{i}" for i in range(len(keys))), "row"],
        orient="row",
    )
    return check_grid(_without_empty_rows(grid.lazy().with_columns(pl.col("row").cast(pl.Int64))), standard, source)


def check_grid(grid: pl.DataFrame, standard: Standard, file: str) -> pl.DataFrame:
    """A grid of text cells (`c0`, `c1`, …, `row`; the header first) as the typed table, or DataFileError."""
    if grid.height == 0:
        raise DataFileError([_file_issue(file, "文件是空的；第一行应为表头，之后每行填写一所学校")])
    *header_cells, header_line = grid.row(0)
    headers = [cell or "" for cell in header_cells]
    required = {f.key for f in FIELDS if f.always_required} | set(standard.required_columns())
    recognised = recognise_headers(headers, required)
    found = [
        (header_line, p.position, DataIssue(file, header_line, p.column, p.message, p.value))
        for p in recognised.problems
    ]
    data = grid.slice(1)
    if data.height == 0:
        no_data = _file_issue(file, "只有表头，没有数据；请在表头下每行填写一所学校")
        raise DataFileError([no_data, *(issue for _, _, issue in found)])
    table, problems = check_cells(data, recognised.columns)
    found += [(p.row, p.column.position, DataIssue(file, p.row, p.column.header, p.message, p.value)) for p in problems]
    if found:
        raise DataFileError(issue for _, _, issue in sorted(found, key=lambda item: item[:2]))
    return table


def _file_issue(file: str, message: str) -> DataIssue:
    return DataIssue(file, None, None, message)


def read_grid(path: Path, file: str, sheet: str | None) -> pl.DataFrame:
    """The sheet's non-empty rows, in columns named by position (`c0`, `c1`, …) and last `row`, the row
    number a spreadsheet shows. A cell is its text stripped, or null when empty."""
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


def read_labelled(
    path: Path, file: str, labels: Sequence[str], optional: Sequence[str] = ()
) -> list[tuple[int, dict[str, str | None]]]:
    """A small table whose first row names its columns in any order (the class lists, planned intakes and
    school-place uploads): each data row's spreadsheet number and its cells by label, an `optional` label
    missing from the header reading None. Raises `DataFileError` for an unreadable or empty file, a
    missing column or a file with no row under its header, saying which header to write."""
    grid = read_grid(path, file, None)
    wanted = "、".join(labels)
    if grid.height == 0:
        raise DataFileError([_file_issue(file, f"文件中没有数据；第一行应为表头：{wanted}")])
    header, body = grid.row(0, named=True), grid.slice(1)
    where = {text: column for column, text in header.items() if column != "row" and text is not None}
    missing = [label for label in labels if label not in where]
    if missing:
        message = f"缺少列：{'、'.join(missing)}；第一行应为表头：{wanted}"
        raise DataFileError([DataIssue(file, header["row"], None, message)])
    if body.height == 0:
        raise DataFileError([_file_issue(file, "文件中只有表头，没有数据；请在表头下每行填写一项")])
    return [
        (cells["row"], {label: cells[where[label]] if label in where else None for label in [*labels, *optional]})
        for cells in body.iter_rows(named=True)
    ]


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
    # Polars takes the number of columns from the first line, so blank lines above the header go first.
    body = data.lstrip(b" \t\r\n")
    if not body:
        return _EMPTY
    try:
        frame = pl.read_csv(body, has_header=False, infer_schema=False, truncate_ragged_lines=True)
    except pl.exceptions.PolarsError as exc:
        message = "无法解析 CSV 文件：可能有引号不成对；请检查，或用 Excel 打开后重新另存为 CSV"
        raise DataFileError([_file_issue(file, message)]) from exc
    # A quoted cell may span lines: a record, not a line, is what a spreadsheet numbers as a row.
    first_row = data.count(b"\n", 0, len(data) - len(body)) + 1
    numbered = frame.lazy().select(
        *(pl.col(name).alias(f"c{i}") for i, name in enumerate(frame.columns)),
        pl.int_range(first_row, first_row + frame.height, dtype=pl.Int64).alias("row"),
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
        message = "无法打开 Excel 工作簿：文件可能已损坏或不是 .xlsx 格式；请用 Excel 打开后重新保存为 .xlsx"
        raise DataFileError([_file_issue(file, message)]) from exc
    if start is None or not rows:
        return _EMPTY
    # to_python() leaves out the empty rows above the data; `start` says where it begins (0-based).
    columns = [pl.Series(f"c{i}", column, pl.String, strict=False) for i, column in enumerate(zip(*rows, strict=True))]
    first_row = start[0] + 1
    numbers = pl.int_range(first_row, first_row + len(rows), dtype=pl.Int64, eager=True).alias("row")
    cells = pl.LazyFrame([*columns, numbers]).with_columns(_as_typed(pl.col(column.name)) for column in columns)
    return _without_empty_rows(cells)


def _as_typed(cell: pl.Expr) -> pl.Expr:
    """A workbook cell as the text a person typed. Polars writes a date as 2025-09-01, TRUE as true and a
    number as Python does; Excel keeps every number as a float, so 12 arrives as 12.0. A text cell
    holding "12.0" becomes "12" too: the same number, and no identifier is written that way."""
    number = cell.cast(pl.Float64, strict=False)
    return pl.when(cell.str.ends_with(".0") & (number == number.floor())).then(cell.str.head(-2)).otherwise(cell)


def _without_empty_rows(cells: pl.LazyFrame) -> pl.DataFrame:
    """Every cell stripped, a blank one null; rows left with no cell at all are dropped, keeping the
    other rows' numbers."""
    names = [name for name in cells.collect_schema().names() if name != "row"]
    return (
        cells.with_columns(pl.col(name).str.strip_chars() for name in names)
        .with_columns(pl.when(pl.col(name) != "").then(pl.col(name)).alias(name) for name in names)
        .filter(~pl.all_horizontal(pl.col(name).is_null() for name in names))
        .collect()
    )
