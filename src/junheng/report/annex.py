"""The report's Excel annex (附件): every table of the report as a sheet, its figures as numbers.

The report's tables hold text as the documents print it ("3,315.714 元", "87.5%"). A column whose every
figure is a number with one and the same unit becomes numeric here: the unit moves to the header
("L6 生均教学仪器设备值（元）"), each cell holds the number with a number format showing the decimals
the report shows (a percentage as a fraction formatted as a percentage), so that the sheet sums, sorts
and filters. Placeholders (—, 无定义) stay text. Each sheet has an autofilter and a frozen header row.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import xlsxwriter

from junheng import messages as msg
from junheng.report.content import Report, Table
from junheng.report.labels import indicator_label

# 1,234.5 人 · 0.186 · 87.5% · 2025: a number, then at most a short unit without digits or spaces
_FIGURE = re.compile(r"^(?P<number>-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<decimals>\d+))?)\s?(?P<unit>[^\d\s/]{0,3})$")
PLACEHOLDERS = frozenset({"", msg.NOT_APPLICABLE, msg.UNDEFINED})
PERCENT = "%"


@dataclass(frozen=True, slots=True)
class Column:
    """How a column of the annex is written: its header, and for a numeric one its unit and format."""

    header: str
    numeric: bool
    unit: str = ""
    number_format: str = "@"


def column(header: str, cells: list[str]) -> Column:
    """The column's kind from all its cells: numeric when every cell is a placeholder or a figure, at least
    one a figure, and all of one unit; text otherwise."""
    figures = [_FIGURE.match(c.strip()) for c in cells if c.strip() not in PLACEHOLDERS]
    units = {f.group("unit") for f in figures if f is not None}
    if not figures or None in figures or len(units) != 1:
        return Column(header, numeric=False)
    (unit,) = units
    decimals = max(len(f.group("decimals") or "") for f in figures if f is not None)
    if unit == PERCENT:
        return Column(header, True, unit, "0" + ("." + "0" * decimals if decimals else "") + "%")
    digits = "0" if header.endswith("年度") else "#,##0"  # a year is not 2,025
    shown = f"{header}（{unit}）" if unit else header
    return Column(shown, True, unit, digits + ("." + "0" * decimals if decimals else ""))


def value(text: str, kind: Column) -> float | str:
    """The cell's number in `kind`'s column (a percentage as a fraction), or its text."""
    found = _FIGURE.match(text.strip()) if kind.numeric else None
    if found is None:
        return text
    number = float(found.group("number").replace(",", ""))
    return number / 100 if kind.unit == PERCENT else number


def render_annex(report: Report) -> bytes:
    """The .xlsx bytes: one sheet per table, its title in the first row, the header in the second."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    title = workbook.add_format({"bold": True, "font_size": 12})
    header = workbook.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1, "text_wrap": True})
    text = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    formats: dict[str, object] = {}
    used: set[str] = set()
    for table in report.tables():
        sheet = workbook.add_worksheet(_sheet_name(table.sheet, used))
        sheet.write(0, 0, f"{report.title} · {table.title}", title)
        columns = _columns(report, table)
        for col, kind in enumerate(columns):
            sheet.write_string(1, col, kind.header, header)
            width = max([len(kind.header), *(len(row[col]) for row in table.rows)]) * 2 + 2
            sheet.set_column(col, col, min(width, 60))
            if kind.numeric and kind.number_format not in formats:
                formats[kind.number_format] = workbook.add_format(
                    {"border": 1, "valign": "top", "num_format": kind.number_format}
                )
        for r, row in enumerate(table.rows, start=2):
            for col, (cell, kind) in enumerate(zip(row, columns, strict=True)):
                written = value(cell, kind)
                if isinstance(written, float):
                    sheet.write_number(r, col, written, formats[kind.number_format])
                else:
                    sheet.write_string(r, col, written, text)
        sheet.autofilter(1, 0, 1 + len(table.rows), len(columns) - 1)
        sheet.freeze_panes(2, 0)
    workbook.close()
    return buffer.getvalue()


def _columns(report: Report, table: Table) -> list[Column]:
    return [
        column(indicator_label(report, name), [row[i] for row in table.rows]) for i, name in enumerate(table.header)
    ]


def _sheet_name(wanted: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, unique in the workbook."""
    name, n = wanted[:31], 2
    while name in used:
        name = f"{wanted[:28]}({n})"
        n += 1
    used.add(name)
    return name
