"""The three files of a report in one zip: the .docx, the .pdf and the Excel annex."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from junheng.report.annex import render_annex
from junheng.report.content import Report
from junheng.report.docx import render_docx
from junheng.report.pdf import render_pdf


def file_names(report: Report) -> tuple[str, str, str]:
    """自评报告.docx, 自评报告.pdf and 附件.xlsx, named after the county and year."""
    stem = f"{report.county}{report.year}年度义务教育优质均衡发展自评报告"
    return f"{stem}.docx", f"{stem}.pdf", f"{stem}（附件：数据表）.xlsx"


# The steps of `render_zip`, as `progress` is told them.
STEPS = ("正在生成 Word 文档", "正在生成 PDF 文件", "正在生成 Excel 附件")


def render_zip(report: Report, progress: Callable[[str], None] = lambda step: None) -> bytes:
    """The zip of the three files, rendered from the same content; `progress` is told each step (`STEPS`)."""
    docx_name, pdf_name, annex_name = file_names(report)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for step, name, render in zip(
            STEPS, (docx_name, pdf_name, annex_name), (render_docx, render_pdf, render_annex), strict=True
        ):
            progress(step)
            archive.writestr(name, render(report))
    return buffer.getvalue()
