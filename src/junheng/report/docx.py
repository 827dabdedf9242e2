"""The report as a Word document (.docx) that opens in Word and WPS, laid out as a Chinese official
document (公文, GB/T 9704-2012): A4, margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right; the body in
仿宋 三号 (22 lines to the page), headings in 黑体 三号, the title in 小标宋 二号, tables in 仿宋 五号.

Each font is named for East Asian text through w:eastAsia, which WPS and Word both honour, and given its
free Noto CJK equivalent as w:altName in the font table, which a machine without the official fonts (a
Linux desktop, LibreOffice, WPS for Linux) uses instead.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from lxml import etree

from junheng.report.charts import CAPTIONS, chart
from junheng.report.content import Report, Table
from junheng.report.labels import indicator_label


@dataclass(frozen=True, slots=True)
class Page:
    """A page's size and margins in millimetres."""

    width: float
    height: float
    top: float
    bottom: float
    left: float
    right: float


# GB/T 9704-2012 §5.2: A4, 版心 156 mm × 225 mm
OFFICIAL_PAGE = Page(width=210, height=297, top=37, bottom=35, left=28, right=26)
BODY_FONT, HEADING_FONT, TITLE_FONT = "仿宋", "黑体", "方正小标宋简体"
LATIN_FONT = "Times New Roman"
# The free fonts a machine without the official ones shows instead (Debian's fonts-noto-cjk).
FALLBACKS = {BODY_FONT: "Noto Serif CJK SC", HEADING_FONT: "Noto Sans CJK SC", TITLE_FONT: "Noto Serif CJK SC"}
BODY_STYLE = "正文"
# style: (East Asian font, size in points, bold). Normal is the tables' text: a table's many cells take it
# without a style of their own (python-docx looks a style up by scanning them all, for every cell).
_STYLES = {
    "Normal": (BODY_FONT, 10.5, False),  # 五号
    BODY_STYLE: (BODY_FONT, 16.0, False),  # 三号
    "Title": (TITLE_FONT, 22.0, False),  # 二号
    "Heading 1": (HEADING_FONT, 16.0, False),  # 三号
    "Caption": (HEADING_FONT, 12.0, False),  # 小四
}
_BODY_LINE = Pt(28.95)  # 22 lines to the 225 mm 版心
# A chart is at most this tall, its caption below it on the same page (a county of 50 schools draws a
# matrix taller than the 225 mm 版心 at the full 156 mm width: it is then narrowed).
CHART_HEIGHT_MM = 200.0


def _style(document: Any, name: str) -> Any:
    if name == BODY_STYLE:
        style = document.styles.add_style(BODY_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        body = style.paragraph_format
        body.line_spacing_rule, body.line_spacing = WD_LINE_SPACING.EXACTLY, _BODY_LINE
        body.first_line_indent = Pt(32)  # two characters
        return style
    return document.styles[name]


def _set_fonts(document: Any) -> None:
    for name, (east_asian, size, bold) in _STYLES.items():
        style = _style(document, name)
        style.font.name = LATIN_FONT
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.color.rgb = None
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)  # a theme font wins over a named one in Word: the template's go
        fonts.set(qn("w:eastAsia"), east_asian)
        fonts.set(qn("w:ascii"), LATIN_FONT)
        fonts.set(qn("w:hAnsi"), LATIN_FONT)
    normal = document.styles["Normal"].paragraph_format
    normal.space_before = normal.space_after = Pt(0)
    title = document.styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.element.get_or_add_pPr()  # Word's Title has a bottom border: a title of a 公文 has none
    for border in title.element.pPr.findall(qn("w:pBdr")):
        title.element.pPr.remove(border)


def _set_page(document: Any, page: Page) -> None:
    for section in document.sections:
        section.page_width, section.page_height = Mm(page.width), Mm(page.height)
        section.top_margin, section.bottom_margin = Mm(page.top), Mm(page.bottom)
        section.left_margin, section.right_margin = Mm(page.left), Mm(page.right)


def render_docx(report: Report) -> bytes:
    """The .docx bytes: title, verdict, a section per dimension with its tables and charts, 问题清单."""
    document = Document()
    _set_page(document, OFFICIAL_PAGE)
    _set_fonts(document)
    document.core_properties.title = report.title
    document.core_properties.language = "zh-CN"
    document.add_heading(f"《{report.title}》", level=0)
    body = document.styles[BODY_STYLE]
    subtitle = document.add_paragraph(f"{report.year} 年度 · {report.standard_title}", style=body)
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.paragraph_format.first_line_indent = Pt(0)
    width = Mm(OFFICIAL_PAGE.width - OFFICIAL_PAGE.left - OFFICIAL_PAGE.right)
    for section in report.sections:
        document.add_heading(section.title, level=1)
        for text in section.paragraphs:
            document.add_paragraph(text, style=body)
        for table in section.tables:
            _table(document, report, table)
        for key in section.charts:
            png = chart(report, key)
            document.add_picture(io.BytesIO(png), **_fitted(png, width))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption = document.add_paragraph(CAPTIONS[key], style="Caption")
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    buffer = io.BytesIO()
    document.save(buffer)
    return _with_fallbacks(buffer.getvalue())


def _fitted(png: bytes, width: Length) -> dict[str, Length]:
    """The picture's full width, or its height when that width would make it taller than `CHART_HEIGHT_MM`."""
    pixels_wide, pixels_high = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")  # IHDR
    if width * pixels_high / pixels_wide > Mm(CHART_HEIGHT_MM):
        return {"height": Mm(CHART_HEIGHT_MM)}
    return {"width": width}


def _table(document: Any, report: Report, table: Table) -> None:
    caption = document.add_paragraph(table.title, style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    grid = document.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = indicator_label(report, text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.rows:
        for cell, text in zip(grid.add_row().cells, row, strict=True):
            cell.text = text
    if not table.rows:
        document.add_paragraph("（无）", style=document.styles[BODY_STYLE])


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _with_fallbacks(docx: bytes) -> bytes:
    """The .docx with each official font in its font table, its Noto CJK equivalent as w:altName."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    table = etree.fromstring(source.read("word/fontTable.xml"))
    for name, alternative in FALLBACKS.items():
        font = etree.SubElement(table, f"{{{_W}}}font", {f"{{{_W}}}name": name})
        etree.SubElement(font, f"{{{_W}}}altName", {f"{{{_W}}}val": alternative})
        etree.SubElement(font, f"{{{_W}}}charset", {f"{{{_W}}}val": "86"})  # GB2312
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/fontTable.xml":
                content = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(item, content)
    return buffer.getvalue()
