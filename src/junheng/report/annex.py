"""The report's Excel annex (附件): every table of the report as a sheet, cell for cell."""

from __future__ import annotations

import io

import xlsxwriter

from junheng.report.content import Report


def render_annex(report: Report) -> bytes:
    """The .xlsx bytes: one sheet per table, its title in the first row, the header in the second."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    title = workbook.add_format({"bold": True, "font_size": 12})
    header = workbook.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1, "text_wrap": True})
    cell = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    used: set[str] = set()
    for table in report.tables():
        name = _sheet_name(table.sheet, used)
        sheet = workbook.add_worksheet(name)
        sheet.write(0, 0, f"{report.title} · {table.title}", title)
        for col, text in enumerate(table.header):
            sheet.write_string(1, col, text, header)
            width = max([len(text), *(len(row[col]) for row in table.rows)]) * 2 + 2
            sheet.set_column(col, col, min(width, 60))
        for r, row in enumerate(table.rows, start=2):
            for col, text in enumerate(row):
                sheet.write_string(r, col, text, cell)
        sheet.freeze_panes(2, 0)
    workbook.close()
    return buffer.getvalue()


def _sheet_name(wanted: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, unique in the workbook."""
    name, n = wanted[:31], 2
    while name in used:
        name = f"{wanted[:28]}({n})"
        n += 1
    used.add(name)
    return name
