"""Reading the school data file (contracts.md §1) from CSV or Excel into one typed table."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from junheng.io.cells import check_cells
from junheng.io.csv_file import DELIMITER_NAMES, Records, read_records
from junheng.io.errors import DataFileError, DataIssue
from junheng.io.headers import compact, count_fields, recognise_headers
from junheng.io.limits import HEADER_SEARCH_ROWS, LABELLED_TABLE, SCHOOL_FILE, TableLimits
from junheng.io.oversize import too_many_bytes, too_many_rows
from junheng.io.sheet_xml import CellNote
from junheng.io.workbook import read_sheet
from junheng.schema import FIELDS
from junheng.standards import Standard

_CSV_SUFFIXES = frozenset({".csv"})
_WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})


@dataclass(frozen=True, slots=True)
class Grid:
    """A table as read: its header row, the non-empty rows under it as text cells (`c0`, `c1`, … by
    column and `row`, the row number a spreadsheet shows; a cell stripped, null when empty), and what
    the reader itself found wrong: rows that do not line up with the header, cells without a value."""

    header: tuple[str, ...]
    header_row: int
    body: pl.DataFrame
    row_issues: tuple[DataIssue, ...]
    notes: Mapping[tuple[int, int], CellNote]  # by (row, column position)


def read_school_file(
    path: str | Path, standard: Standard, *, sheet: str | None = None, limits: TableLimits = SCHOOL_FILE
) -> pl.DataFrame:
    """The school data file of contracts.md §1 as a typed table, one row per school and year.

    Reads CSV (UTF-8, or GB18030 as Chinese Excel saves it; separated by commas, semicolons or tabs) or
    XLSX/XLSM (the sheet `sheet`, else the one named 学校数据, else the first), its header being the
    first row naming known columns. The result has one column per field of `schema.FIELDS`, in that
    order, and `row`, the spreadsheet row number, last. Raises DataFileError with the problems found
    (`io.limits.MAX_ISSUES` at most, then their count), or refusing a file beyond `limits`.
    """
    file = str(path)
    return check_grid(read_grid(Path(path), file, sheet, limits=limits, header_score=count_fields), standard, file)


def check_records(records: Sequence[Mapping[str, object]], standard: Standard, *, source: str) -> pl.DataFrame:
    """Records keyed by field key (a form, an API body) through the very checks a file goes through.

    Raises DataFileError whose issues name `source` and the field's key as the column; row 2 is the
    first record, as if it were a file under a header row.
    """
    keys = list(dict.fromkeys(key for record in records for key in record))
    text = [[None if record.get(k) is None else str(record.get(k)) for k in keys] for record in records]
    body = pl.LazyFrame(
        [[*row, number] for number, row in enumerate(text, start=2)],
        schema={**{f"c{i}": pl.String for i in range(len(keys))}, "row": pl.Int64},
        orient="row",
    )
    grid = Grid(tuple(keys), 1, _without_empty_rows(body), (), {})
    return check_grid(grid, standard, source)


def check_grid(grid: Grid | None, standard: Standard, file: str) -> pl.DataFrame:
    """A grid as read (None when the file is empty) as the typed table, or DataFileError."""
    if grid is None:
        raise DataFileError([_file_issue(file, "文件是空的；第一行应为表头，之后每行填写一所学校")])
    required = {f.key for f in FIELDS if f.always_required} | set(standard.required_columns())
    recognised = recognise_headers(grid.header, required)
    found = [
        (grid.header_row, p.position, DataIssue(file, grid.header_row, p.column, p.message, p.value))
        for p in recognised.problems
    ]
    if not recognised.columns:
        message = (
            f"第 {grid.header_row} 行应为表头，但其中没有一列能识别：表头应写“年度”“县区”“学校标识码”“学校名称”"
            "“学校类型”等（中文或英文列名均可，见数据文件模板）；请检查表头是否写错，或表头是否在前 "
            f"{HEADER_SEARCH_ROWS} 行之内"
        )
        raise DataFileError([DataIssue(file, grid.header_row, None, message)] + [issue for _, _, issue in found])
    if grid.body.height == 0:
        no_data = _file_issue(file, "只有表头，没有数据；请在表头下每行填写一所学校")
        raise DataFileError([no_data, *(issue for _, _, issue in found)])
    columns = {column.position: column.header for column in recognised.columns}
    rows = set(grid.body["row"].to_list()) if grid.notes else set()
    noted = {(row, position) for row, position in grid.notes if position in columns and row in rows}
    found += [
        (
            row,
            position,
            DataIssue(file, row, columns[position], grid.notes[row, position].message, grid.notes[row, position].value),
        )
        for row, position in noted
    ]
    found += [(issue.row or 0, -1, issue) for issue in grid.row_issues]
    table, problems = check_cells(grid.body, recognised.columns)
    found += [
        (p.row, p.column.position, DataIssue(file, p.row, p.column.header, p.message, p.value))
        for p in problems
        if (p.row, p.column.position) not in noted
    ]
    if found:
        raise DataFileError(issue for _, _, issue in sorted(found, key=lambda item: item[:2]))
    return table


def _file_issue(file: str, message: str) -> DataIssue:
    return DataIssue(file, None, None, message)


def read_grid(
    path: Path, file: str, sheet: str | None, *, limits: TableLimits, header_score: Callable[[Sequence[str]], int]
) -> Grid | None:
    """The file's table: its header row (the first of the first rows in which `header_score` finds
    known columns, so a title above it is skipped) and the non-empty rows under it, or None when the file
    has no cell at all. Files beyond `limits` are refused before they are read."""
    suffix = path.suffix.lower()
    if suffix not in _CSV_SUFFIXES | _WORKBOOK_SUFFIXES:
        named = f"“{path.suffix}”" if path.suffix else "（没有扩展名）"
        message = f"不支持的文件类型{named}；请使用 CSV 文件（.csv）或 Excel 工作簿（.xlsx、.xlsm）"
        raise DataFileError([_file_issue(file, message)])
    if not path.exists():
        raise DataFileError([_file_issue(file, "找不到这个文件；请检查文件路径")])
    if not path.is_file():
        raise DataFileError([_file_issue(file, "这不是一个文件（可能是文件夹）；请检查文件路径")])
    size = path.stat().st_size
    if size > limits.bytes:
        raise too_many_bytes(file, limits, size)
    if suffix in _CSV_SUFFIXES:
        grid = _grid_of_records(read_records(path, file, limits, header_score), file, header_score)
    else:
        grid = _grid_of_sheet(path, file, sheet, limits, header_score)
    if grid is not None and grid.body.height > limits.rows:
        raise too_many_rows(file, limits, grid.body["row"][limits.rows])
    return grid


def _grid_of_sheet(
    path: Path, file: str, sheet: str | None, limits: TableLimits, header_score: Callable[[Sequence[str]], int]
) -> Grid | None:
    sheet_cells = read_sheet(path, file, sheet, limits)
    cells = None if sheet_cells is None else _without_empty_rows(sheet_cells.cells)
    if sheet_cells is None or cells is None or cells.height == 0:
        return None
    header_at = _header_index(cells.drop("row").head(HEADER_SEARCH_ROWS + 1).rows(), header_score)
    return Grid(
        header=tuple(_shown(cell) for cell in cells.drop("row").row(header_at)),
        header_row=cells["row"][header_at],
        body=cells.slice(header_at + 1),
        row_issues=(),
        notes=sheet_cells.notes,
    )


def _grid_of_records(records: Records, file: str, header_score: Callable[[Sequence[str]], int]) -> Grid | None:
    if not records.rows:
        return None
    header_at = _header_index([cells for _, cells in records.rows[: HEADER_SEARCH_ROWS + 1]], header_score)
    header_row, header = records.rows[header_at]
    body = records.rows[header_at + 1 :]
    issues = [
        DataIssue(file, row, None, message)
        for row, cells in body
        if (message := _ragged(cells, header, records.delimiter)) is not None
    ]
    width = max(len(cells) for _, cells in records.rows[header_at:])
    frame = pl.LazyFrame(
        [[*cells, *[None] * (width - len(cells)), row] for row, cells in body],
        schema={**{f"c{i}": pl.String for i in range(width)}, "row": pl.Int64},
        orient="row",
    )
    return Grid(
        header=tuple(_shown(cell) for cell in header),
        header_row=header_row,
        body=_without_empty_rows(frame),
        row_issues=tuple(issues),
        notes={},
    )


def _ragged(cells: Sequence[str], header: Sequence[str], delimiter: str) -> str | None:
    """What is wrong with a row whose cells do not line up with the header's columns, if anything."""
    filled = max((i + 1 for i, cell in enumerate(cells) if cell.strip()), default=0)
    header_filled = max((i + 1 for i, cell in enumerate(header) if cell.strip()), default=0)
    name = DELIMITER_NAMES[delimiter]
    if filled > len(header):
        hint = (
            '数字若含千位分隔符（如 1,000,000），须加英文双引号写作 "1,000,000"，或去掉逗号写作 1000000'
            if delimiter == ","
            else f"单元格中若含{name}，须加英文双引号"
        )
        return f"这一行有 {filled} 个单元格，而表头只有 {len(header)} 列：多出的单元格会使数值错位；{hint}"
    if len(cells) < header_filled:
        return (
            f"这一行只有 {len(cells)} 个单元格，而表头有 {header_filled} 列：可能漏了{name}；"
            "请补齐缺少的单元格（没有的填 0）"
        )
    return None


def _header_index(rows: Sequence[Sequence[str | None]], header_score: Callable[[Sequence[str]], int]) -> int:
    """The first row naming at least two known columns (or the one, when no row names more); a title
    or notes above the header name none. The first row when no row names any."""
    scores = [header_score([cell or "" for cell in cells]) for cells in rows]
    enough = min(2, max(scores, default=0))
    return next((i for i, score in enumerate(scores) if score >= enough > 0), 0)


def _shown(cell: str | None) -> str:
    """A header cell as messages show it: inner whitespace (an Alt+Enter line break) as one space."""
    return " ".join((cell or "").split())


def read_labelled(
    path: Path,
    file: str,
    labels: Sequence[str],
    optional: Sequence[str] = (),
    *,
    limits: TableLimits = LABELLED_TABLE,
) -> list[tuple[int, dict[str, str | None]]]:
    """A small table whose header row names its columns in any order (the class lists, planned intakes
    and school-place uploads): each data row's spreadsheet number and its cells by label, an `optional`
    label missing from the header reading None. A title above the header is skipped; whitespace inside
    a header is ignored. Raises `DataFileError` for an unreadable, oversized or empty file, a missing
    column, a row that does not line up with the header, an Excel error in a cell read, or a file with
    no row under its header, saying which header to write."""
    known = {compact(label): label for label in [*labels, *optional]}

    def header_score(cells: Sequence[str]) -> int:
        return len({compact(cell) for cell in cells} & known.keys())

    grid = read_grid(path, file, None, limits=limits, header_score=header_score)
    wanted = "、".join(labels)
    if grid is None:
        raise DataFileError([_file_issue(file, f"文件中没有数据；第一行应为表头：{wanted}")])
    where: dict[str, int] = {}
    for position, text in enumerate(grid.header):
        where.setdefault(known.get(compact(text), ""), position)
    missing = [label for label in labels if label not in where]
    if missing:
        message = f"缺少列：{'、'.join(missing)}；第一行应为表头：{wanted}"
        raise DataFileError([DataIssue(file, grid.header_row, None, message)])
    if grid.body.height == 0:
        raise DataFileError([_file_issue(file, "文件中只有表头，没有数据；请在表头下每行填写一项")])
    used = {position: label for label, position in where.items() if label}
    rows = set(grid.body["row"].to_list()) if grid.notes else set()
    noted = [
        DataIssue(file, row, used[position], note.message, note.value)
        for (row, position), note in sorted(grid.notes.items())
        if position in used and row in rows
    ]
    if grid.row_issues or noted:
        raise DataFileError(sorted([*grid.row_issues, *noted], key=lambda issue: issue.row or 0))
    columns = {label: f"c{position}" for label, position in where.items() if label}
    return [
        (cells["row"], {label: cells[columns[label]] if label in columns else None for label in [*labels, *optional]})
        for cells in grid.body.iter_rows(named=True)
    ]


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
