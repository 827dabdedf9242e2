"""The report as a Word document (.docx) that opens in Word and WPS.

Built-in styles only (Title, Heading 1, Normal, Table Grid, Caption), each given Noto Sans CJK SC for
East Asian text through w:eastAsia, which WPS and Word both honour; without it Word falls back to the
theme's Latin font and WPS to a font of its own choosing.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from junheng.report.charts import CAPTIONS, chart
from junheng.report.content import Report, Table

EAST_ASIAN_FONT = "Noto Sans CJK SC"
LATIN_FONT = "Arial"
_STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "Caption", "List Number")


def _set_font(style: Any) -> None:
    style.font.name = LATIN_FONT
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def render_docx(report: Report) -> bytes:
    """The .docx bytes: title, verdict, a section per dimension with its tables and charts, 问题清单."""
    document = Document()
    for name in _STYLES:
        _set_font(document.styles[name])
    document.styles["Normal"].font.size = Pt(10.5)
    document.core_properties.title = report.title
    document.core_properties.language = "zh-CN"
    document.add_heading(f"《{report.title}》", level=0)
    document.add_paragraph(f"{report.year} 年度 · {report.standard}")
    for section in report.sections:
        document.add_heading(section.title, level=1)
        for text in section.paragraphs:
            document.add_paragraph(text)
        for table in section.tables:
            _table(document, table)
        for key in section.charts:
            document.add_picture(io.BytesIO(chart(report, key)), width=Cm(15))
            document.add_paragraph(CAPTIONS[key], style="Caption")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document: Any, table: Table) -> None:
    document.add_paragraph(table.title, style="Caption")
    grid = document.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    if not table.rows:
        document.add_paragraph("（无）")
