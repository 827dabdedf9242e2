"""The report's three files say the same as the engine and the verdict: text of the PDF, tables of the
.docx, sheets of the annex; the PDF carries its fonts."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.etree import ElementTree

import polars as pl
import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from junheng.engine import Evaluation
from junheng.report.annex import render_annex
from junheng.report.content import Report
from junheng.report.docx import render_docx
from junheng.report.labels import indicator_label
from junheng.report.pdf import render_pdf
from tests.report.conftest import G14_FIGURE


@pytest.fixture(scope="module")
def pdf(report: Report) -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(report)))


@pytest.fixture(scope="module")
def pdf_text(pdf: PdfReader) -> str:
    # pypdf breaks lines where the layout wraps them; the words stay whole within a table cell
    return "".join(page.extract_text() for page in pdf.pages)


@pytest.fixture(scope="module")
def docx_tables(report: Report) -> list[list[list[str]]]:
    document = Document(io.BytesIO(render_docx(report)))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def _l5_cv(evaluation: Evaluation) -> str:
    row = evaluation.levels.row(by_predicate=pl.col("indicator") == "L5", named=True)
    return f"{row['cv']:.3f}"


def test_the_l5_coefficient_moves_off_zero_in_the_hand_built_county(evaluation: Evaluation) -> None:
    # 100, 100, 200 students with 7.5, 5, 7.5 ㎡ each: mean 6.875, S = sqrt(468.75 / 400) = 1.0825, CV 0.1575
    assert _l5_cv(evaluation) == "0.157"


def test_the_pdf_says_the_verdict_and_the_engines_figures(
    report: Report, evaluation: Evaluation, pdf_text: str
) -> None:
    assert "《例县义务教育优质均衡发展自评报告》" in pdf_text
    assert "例县 2025 年度未达到县域义务教育优质均衡发展要求" in pdf_text
    assert f"L5 生均体育运动场馆面积 3 400 6.875 {_l5_cv(evaluation)} 0.50 达标" in pdf_text
    # table cells wrap inside the PDF (and their lines interleave): compare with the spaces and line breaks
    # taken out, the label apart from the short cells that follow it on one line
    squashed = "".join(pdf_text.split())
    assert "优质高中招生名额分配到初中的比例" in squashed and f"{G14_FIGURE}≥50%未达标" in squashed
    assert "一票否决：弄虚作假（学籍数据虚报）" in pdf_text
    assert "b小学（小学）生均体育运动场馆面积5.000㎡，达标值7.5，低于基本值6.375" in "".join(pdf_text.split())


def test_the_pdf_embeds_every_font_it_uses(pdf: PdfReader) -> None:
    fonts: dict[str, list[str]] = {}
    for page in pdf.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor: Any = described["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = [k for k in descriptor if str(k).startswith("/FontFile")]
    assert any("Noto-Sans-CJK-SC" in name for name in fonts)
    assert {name: files for name, files in fonts.items() if not files} == {}


def test_the_docx_holds_the_reports_tables_with_the_engines_coefficient(
    report: Report, evaluation: Evaluation, docx_tables: list[list[list[str]]]
) -> None:
    expected = [[[indicator_label(report, h) for h in t.header], *(list(r) for r in t.rows)] for t in report.tables()]
    assert docx_tables == expected
    cvs = next(t for t in docx_tables if t[0][:2] == ["学段", "指标"])
    l5 = next(row for row in cvs if row[1].startswith("L5 "))
    assert l5[5] == _l5_cv(evaluation)
    assert l5[7] == "达标"  # 0.157 ≤ 0.50


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_the_docx_names_the_official_fonts_with_noto_fallbacks(report: Report) -> None:
    content = render_docx(report)
    document = Document(io.BytesIO(content))
    east_asian = {
        name: document.styles[name].element.rPr.rFonts.get(f"{W}eastAsia")
        for name in ("Normal", "正文", "Title", "Heading 1")
    }
    assert east_asian == {"Normal": "仿宋", "正文": "仿宋", "Title": "方正小标宋简体", "Heading 1": "黑体"}
    themed = [
        name
        for name in ("Normal", "正文", "Title", "Heading 1", "Caption")
        if any("Theme" in key or "theme" in key for key in document.styles[name].element.rPr.rFonts.attrib)
    ]
    assert themed == []  # Word would show the theme's font instead of the one named
    assert (document.styles["正文"].font.size.pt, document.styles["Heading 1"].font.size.pt) == (16, 16)  # 三号
    fonts = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(content)).read("word/fontTable.xml"))
    alternatives = {
        font.get(f"{W}name"): alternative.get(f"{W}val")
        for font in fonts
        if (alternative := font.find(f"{W}altName")) is not None
    }
    assert alternatives == {
        "仿宋": "Noto Serif CJK SC",
        "黑体": "Noto Sans CJK SC",
        "方正小标宋简体": "Noto Serif CJK SC",
    }
    assert document.paragraphs[0].text == "《例县义务教育优质均衡发展自评报告》"


def test_the_docx_is_a4_with_the_official_document_margins(report: Report) -> None:
    (section,) = Document(io.BytesIO(render_docx(report))).sections
    measured = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    measured += [section.left_margin, section.right_margin]
    # GB/T 9704-2012: A4, top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (Word stores twentieths of a point)
    assert [None if m is None else round(m.mm, 1) for m in measured] == [210, 297, 37, 35, 28, 26]


def test_the_annex_holds_the_docx_tables_with_figures_as_numbers(
    report: Report, docx_tables: list[list[list[str]]]
) -> None:
    workbook = load_workbook(io.BytesIO(render_annex(report)))
    assert workbook.sheetnames[:4] == ["评估结论", "资源配置", "差异系数", "各校指标值"]
    for sheet, table in zip(workbook, docx_tables, strict=True):
        assert sheet.freeze_panes == "A3"
        assert sheet.auto_filter.ref == f"A2:{sheet.cell(2, len(table[0])).column_letter}{len(table) + 1}"
        headers = zip(table[0], _columns(table), strict=True)
        assert [c.value for c in sheet[2]] == [_with_unit(header, cells) for header, cells in headers]
    schools = workbook["各校指标值"]
    b = next(row for row in schools.iter_rows(min_row=3) if row[0].value == "b小学")
    # 5 ㎡ of sports ground per student: the number 5 in the column that says ㎡, shown with the report's decimals
    assert schools.cell(2, 8).value == "L5 生均体育运动场馆面积（㎡）"
    assert (b[7].value, b[7].number_format) == (5, "#,##0.000")  # indicator values at three decimals, as shown
    assert (b[2].value, b[2].number_format) == (100, "#,##0")  # 在校生数
    cvs = workbook["差异系数"]
    l5 = next(row for row in cvs.iter_rows(min_row=3) if str(row[1].value).startswith("L5 "))
    assert (l5[5].value, l5[5].number_format) == (0.157, "#,##0.000")
    survey = workbook["社会认可度调查"]
    assert [(c.value, c.number_format) for c in survey[3]][4:] == [(0.95, "0.00%"), (0.9, "0.00%")]  # 95.00%, as shown
    ledger = workbook["问题清单"]
    assert {row[2].number_format for row in ledger.iter_rows(min_row=3)} == {"0"}  # a year, not 2,024


def _columns(table: list[list[str]]) -> list[list[str]]:
    return [[row[i] for row in table[1:]] for i in range(len(table[0]))]


def _with_unit(header: str, cells: list[str]) -> str:
    units = {cell.rsplit(" ", 1)[1] for cell in cells if " " in cell and cell[0].isdigit()}
    return f"{header}（{units.pop()}）" if len(units) == 1 and header[:1] == "L" else header
