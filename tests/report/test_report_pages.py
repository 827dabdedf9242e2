"""The report's PDF as a person sees it: every page rendered to an image (PDFium) and measured, A4 with
the official-document margins (GB/T 9704-2012: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from docx import Document

from junheng.assessment import Assessment, Dimension, items
from junheng.engine import evaluate
from junheng.report import charts
from junheng.report.bundle import STEPS, render_zip
from junheng.report.content import CHART_CV, CHART_MATRIX, CHART_SURVEY, Report, build_report
from junheng.report.docx import CHART_HEIGHT_MM, OFFICIAL_PAGE, render_docx
from junheng.report.pdf import render_pdf
from junheng.synth import synthesize
from tests.report.conftest import NATIONAL

SCALE = 2  # pixels per point
MM = 72 / 25.4 * SCALE  # pixels per millimetre
A4_POINTS = (595.28, 841.89)
# Ink this far into a margin is a defect; less is anti-aliasing.
TOLERANCE_MM = 0.5


def synthesized_county(schools: int) -> Report:
    """The report's resources of a synthesized county of `schools` schools: each school's figures as long as
    a real county's (3,052.778 元, 1,146 students) in the widest table the report has."""
    evaluation = evaluate(synthesize(counties=1, schools_per_county=schools, seed=2025), NATIONAL)
    resources = Dimension("resources", "资源配置", items.resource_items(evaluation, {}))
    assessment = Assessment("例县", 2025, NATIONAL.name, NATIONAL.title, (resources,), ())
    return build_report(assessment=assessment, evaluation=evaluation)


@pytest.fixture(scope="module", params=["例县", "52 schools"])
def pages(report: Report, request: pytest.FixtureRequest) -> list[tuple[tuple[float, float], np.ndarray]]:
    """Each page's size in points and its image (grey levels); the images are kept as PNG files in
    JUNHENG_REPORT_PAGES (if set) for a person to look at."""
    shown = report if request.param == "例县" else synthesized_county(52)
    document = pdfium.PdfDocument(io.BytesIO(render_pdf(shown)))
    kept = os.environ.get("JUNHENG_REPORT_PAGES")
    found = []
    for n, page in enumerate(document, 1):
        image = page.render(scale=SCALE, grayscale=True).to_pil()
        if kept:
            Path(kept).mkdir(parents=True, exist_ok=True)
            image.save(Path(kept) / f"{request.param}-page-{n}.png")
        found.append(((page.get_width(), page.get_height()), np.asarray(image.convert("L"))))
    return found


def _ink(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows and columns that hold anything darker than near-white."""
    dark = image < 235
    return np.flatnonzero(dark.any(axis=1)), np.flatnonzero(dark.any(axis=0))


def test_every_page_is_a4(pages: list[tuple[tuple[float, float], np.ndarray]]) -> None:
    assert len(pages) > 1
    assert {(round(w, 2), round(h, 2)) for (w, h), _ in pages} == {A4_POINTS}


def test_the_text_keeps_the_official_margins_and_only_the_page_number_lies_below(
    pages: list[tuple[tuple[float, float], np.ndarray]],
) -> None:
    page = OFFICIAL_PAGE
    for n, (_, image) in enumerate(pages, 1):
        width = image.shape[1]
        body_end = round((page.height - page.bottom) * MM)
        rows, columns = _ink(image[:body_end])
        assert rows.min() >= (page.top - TOLERANCE_MM) * MM, f"page {n}: text above the 37 mm top margin"
        assert columns.min() >= (page.left - TOLERANCE_MM) * MM, f"page {n}: text in the 28 mm left margin"
        assert columns.max() <= width - (page.right - TOLERANCE_MM) * MM, f"page {n}: text in the right margin"
        # below the text block: the page number only, centred (— 3 —)
        footer_rows, footer_columns = _ink(image[body_end + round(TOLERANCE_MM * MM) :])
        assert footer_rows.size, f"page {n} has no page number"
        middle = (footer_columns.min() + footer_columns.max()) / 2
        assert abs(middle - width / 2) < 3 * MM and footer_columns.max() - footer_columns.min() < 30 * MM


def test_the_docx_and_the_pdf_share_each_chart_drawn_once(report: Report) -> None:
    charts.chart.cache_clear()
    render_docx(report)
    render_pdf(report)
    drawn = {key for s in report.sections for key in s.charts}
    assert drawn == {CHART_CV, CHART_MATRIX, CHART_SURVEY}
    assert charts.chart.cache_info().misses == len(drawn)


def test_the_zip_tells_its_progress_step_by_step(report: Report) -> None:
    told: list[str] = []
    render_zip(report, told.append)
    assert told == list(STEPS) == ["正在生成 Word 文档", "正在生成 PDF 文件", "正在生成 Excel 附件"]


def test_every_chart_of_the_docx_fits_the_text_block_of_a_page() -> None:
    document = Document(io.BytesIO(render_docx(synthesized_county(52))))
    page = OFFICIAL_PAGE
    sizes = [(shape.width.mm, shape.height.mm) for shape in document.inline_shapes]
    assert len(sizes) == 2  # the coefficients and each school's indicators (no survey)
    assert all(w <= page.width - page.left - page.right + 0.1 for w, _ in sizes)
    assert all(h <= CHART_HEIGHT_MM + 0.1 for _, h in sizes)  # the 52 schools' matrix narrowed to fit
