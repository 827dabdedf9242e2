"""A table a page shows, as an Excel sheet a person can sort, filter and add up (issue 12 §5).

Every "导出 Excel" of the platform goes through `workbook_bytes`: typed columns (header, unit, kind,
values) become a sheet whose figures are numbers with a number format (thousands separators, the
decimals of their kind), whose header names the unit (生均教学及辅助用房面积（㎡）), with an autofilter
on the header row and the header frozen. An optional title row sits above the header; the filter and
the frozen rows start below it.

Text is written as text, never as a formula (`strings_to_formulas=False`): a school name beginning with
"=" or "-" stays the characters it is (CSV injection, OWASP; io/csv_text.py is the CSV side).
"""

from __future__ import annotations

import datetime
import io
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from junheng.numbers import FORMS, Quantity


class Kind(StrEnum):
    """What a column holds, which fixes how its numbers are shown."""

    TEXT = "text"
    COUNT = "count"  # schools, students, classes, places: 1,234
    YEAR = "year"  # 2025, without a thousands separator
    MONEY = "money"  # 元, to 0.01
    AREA = "area"  # ㎡, to 0.01
    VALUE = "value"  # an indicator's value (per student, per 100 students): 3 decimals as the pages show
    COEFFICIENT = "coefficient"  # a difference coefficient or a Theil index: 3 or 4 decimals, set per column
    PERCENT = "percent"  # a share stored as 0.125, shown 12.5%
    DATE = "date"
    DATETIME = "datetime"


# The decimals of each numeric kind unless a column says otherwise (Column.decimals): those the pages
# write the same quantity with (junheng.numbers.FORMS).
_QUANTITY = {
    Kind.COUNT: Quantity.COUNT,
    Kind.MONEY: Quantity.MONEY,
    Kind.AREA: Quantity.AREA,
    Kind.VALUE: Quantity.VALUE,
    Kind.COEFFICIENT: Quantity.COEFFICIENT,
    Kind.PERCENT: Quantity.SHARE,
}
DECIMALS: dict[Kind, int] = {Kind.YEAR: 0} | {kind: FORMS[quantity].decimals for kind, quantity in _QUANTITY.items()}
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
MAX_WIDTH = 60
SHEET_NAME_LIMIT = 31  # Excel refuses longer sheet names
_NOT_IN_SHEET_NAMES = str.maketrans({c: "_" for c in "[]:*?/\\"})

Cell = str | int | float | datetime.date | None


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table: its header, its unit (shown in the header), its kind and its cells.

    A numeric column may hold text where the page shows text (无定义, —); that cell stays text.
    `cell_decimals`, when given, sets the decimals of each cell (a value shown with more decimals than its
    kind's so that it does not read as equal to the threshold it misses, messages.value_text).
    """

    header: str
    values: Sequence[Cell]
    kind: Kind = Kind.TEXT
    unit: str = ""
    decimals: int | None = None
    cell_decimals: Sequence[int] | None = None

    @property
    def title(self) -> str:
        """The header as the sheet shows it: 生均教学及辅助用房面积（㎡）."""
        return f"{self.header}（{self.unit}）" if self.unit else self.header

    def number_format(self, row: int) -> str | None:
        """Excel's number format of the cell in `row` (0-based among the values), None for text."""
        if self.kind is Kind.TEXT:
            return None
        if self.kind is Kind.DATE:
            return DATE_FORMAT
        if self.kind is Kind.DATETIME:
            return DATETIME_FORMAT
        if self.kind is Kind.YEAR:
            return "0"
        places = self.cell_decimals[row] if self.cell_decimals is not None else self.decimals
        places = DECIMALS[self.kind] if places is None else places
        digits = "#,##0" + ("." + "0" * places if places else "")
        return digits + "%" if self.kind is Kind.PERCENT else digits


@dataclass(frozen=True, slots=True)
class Table:
    """A sheet: its name (the page's table heading), its columns of equal length, an optional title row."""

    name: str
    columns: Sequence[Column]
    title: str | None = None

    def __post_init__(self) -> None:
        lengths = {len(column.values) for column in self.columns}
        if len(lengths) > 1:
            raise ValueError(f"表“{self.name}”各列行数不一致：{sorted(lengths)}")

    @property
    def height(self) -> int:
        return len(self.columns[0].values) if self.columns else 0


def workbook_bytes(tables: Sequence[Table]) -> bytes:
    """An .xlsx with one sheet per table, in order (a table with no rows still gets its header)."""
    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with xlsxwriter.Workbook(buffer, options) as book:
        header = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1, "text_wrap": True})
        title = book.add_format({"bold": True, "font_size": 13})
        formats: dict[str, object] = {}

        def number_format(code: str) -> object:
            if code not in formats:
                formats[code] = book.add_format({"num_format": code})
            return formats[code]

        used: set[str] = set()
        for table in tables:
            sheet = book.add_worksheet(_sheet_name(table.name, used))
            top = 0
            if table.title:
                sheet.write_string(0, 0, table.title, title)
                top = 1
            for c, column in enumerate(table.columns):
                sheet.write_string(top, c, column.title, header)
                for r, value in enumerate(column.values):
                    code = column.number_format(r)
                    _write(sheet, top + 1 + r, c, value, None if code is None else number_format(code))
                sheet.set_column(c, c, _width(column))
            last = max(len(table.columns) - 1, 0)
            sheet.autofilter(top, 0, top + table.height, last)
            sheet.freeze_panes(top + 1, 0)
    return buffer.getvalue()


def _write(sheet: Worksheet, row: int, col: int, value: Cell, number_format: object) -> None:
    if value is None or value == "" or (isinstance(value, float) and not math.isfinite(value)):
        sheet.write_blank(row, col, None)
    elif isinstance(value, str):
        sheet.write_string(row, col, value)
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, col, value, number_format)
    else:
        sheet.write_number(row, col, value, number_format)


def _sheet_name(name: str, used: set[str]) -> str:
    """`name` as Excel accepts it: without []:*?/\\, at most 31 characters, not used by another sheet."""
    base = name.translate(_NOT_IN_SHEET_NAMES)[:SHEET_NAME_LIMIT] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f"({n})"
        candidate, n = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def _text_width(text: str) -> int:
    """Display width in Excel's character units: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _width(column: Column) -> float:
    widest = _text_width(column.title)
    for value in column.values:
        if isinstance(value, str):
            widest = max(widest, _text_width(value))
        elif isinstance(value, datetime.datetime):
            widest = max(widest, len(DATETIME_FORMAT))
        elif isinstance(value, int | float | datetime.date):
            widest = max(widest, len(f"{value:,.2f}") if isinstance(value, int | float) else len(DATE_FORMAT))
    return min(widest + 2, MAX_WIDTH)
