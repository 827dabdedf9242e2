"""The three files of a report in one zip: the .docx, the .pdf and the Excel annex."""

from __future__ import annotations

import io
import zipfile

from junheng.report.annex import render_annex
from junheng.report.content import Report
from junheng.report.docx import render_docx
from junheng.report.pdf import render_pdf


def file_names(report: Report) -> tuple[str, str, str]:
    """自评报告.docx, 自评报告.pdf and 附件.xlsx, named after the county and year."""
    stem = f"{report.county}{report.year}年度义务教育优质均衡发展自评报告"
    return f"{stem}.docx", f"{stem}.pdf", f"{stem}（附件：数据表）.xlsx"


def render_zip(report: Report) -> bytes:
    """The zip of the three files, rendered from the same content."""
    docx_name, pdf_name, annex_name = file_names(report)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(docx_name, render_docx(report))
        archive.writestr(pdf_name, render_pdf(report))
        archive.writestr(annex_name, render_annex(report))
    return buffer.getvalue()
