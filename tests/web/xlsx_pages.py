"""Open an "导出 Excel" response the way a user's spreadsheet does, and check what every export promises."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheets(response: Any, file_name: str) -> dict[str, Worksheet]:
    """The workbook of a download named `file_name` (RFC 5987 filename*), its sheets by name, each checked:
    autofilter from the header row (row 1) over every row, header frozen."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(file_name)}"
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    found: dict[str, Worksheet] = {}
    for sheet in book.worksheets:
        assert isinstance(sheet, Worksheet)
        last = openpyxl.utils.get_column_letter(sheet.max_column)
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}", sheet.title
        assert sheet.freeze_panes == "A2", sheet.title
        found[sheet.title] = sheet
    return found


def header(sheet: Worksheet) -> list[Any]:
    return [cell.value for cell in sheet[1]]


def body(sheet: Worksheet) -> list[list[Any]]:
    """The rows under the header, as values."""
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]


def column(sheet: Worksheet, title: str) -> list[Any]:
    """The values of the column headed `title`."""
    index = header(sheet).index(title) + 1
    return [sheet.cell(row, index).value for row in range(2, sheet.max_row + 1)]


def number_format(sheet: Worksheet, title: str, row: int = 2) -> str:
    cell = sheet.cell(row, header(sheet).index(title) + 1)
    assert cell.data_type == "n", (title, cell.value)
    return str(cell.number_format)
