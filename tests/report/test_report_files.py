"""The report's three files say the same as the engine and the verdict: text of the PDF, tables of the
.docx, sheets of the annex; the PDF carries its fonts."""

from __future__ import annotations

import io
from typing import Any

import polars as pl
import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from junheng.engine import Evaluation
from junheng.report.annex import render_annex
from junheng.report.content import Report
from junheng.report.docx import render_docx
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
    # table cells wrap inside the PDF: compare with the spaces and line breaks taken out
    assert f"优质高中招生名额分配到初中的比例{G14_FIGURE}≥50%未达标" in "".join(pdf_text.split())
    assert "一票否决：弄虚作假（学籍数据虚报）" in pdf_text
    assert "b小学（小学） 生均体育运动场馆面积 5.000 ㎡，达标值 7.5，低于基本值 6.375" in pdf_text


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
    expected = [[list(t.header), *(list(r) for r in t.rows)] for t in report.tables()]
    assert docx_tables == expected
    cvs = next(t for t in docx_tables if t[0][:2] == ["学段", "指标"])
    l5 = next(row for row in cvs if row[1].startswith("L5 "))
    assert l5[5] == _l5_cv(evaluation)
    assert l5[7] == "达标"  # 0.157 ≤ 0.50


def test_the_docx_sets_the_east_asian_font_on_its_styles(report: Report) -> None:
    document = Document(io.BytesIO(render_docx(report)))
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "Noto Sans CJK SC"
    assert document.paragraphs[0].text == "《例县义务教育优质均衡发展自评报告》"


def test_the_annex_holds_the_same_tables_as_the_docx(report: Report, docx_tables: list[list[list[str]]]) -> None:
    workbook = load_workbook(io.BytesIO(render_annex(report)), read_only=True)
    sheets = [[[str(c) for c in row] for row in ws.iter_rows(min_row=2, values_only=True)] for ws in workbook]
    assert sheets == docx_tables
    assert workbook.sheetnames[:3] == ["评估结论", "资源配置", "差异系数"]
