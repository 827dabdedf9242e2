"""The report as a PDF, through WeasyPrint from an HTML rendering of the same content.

Noto Sans CJK comes from its file (an @font-face with a file:// URL); WeasyPrint embeds the subset of
glyphs used, so the PDF reads the same on a machine without Chinese fonts.
"""

from __future__ import annotations

import base64
from html import escape

from junheng.report.charts import CAPTIONS, CJK_FONT, chart
from junheng.report.content import Report, Table

STYLE = f"""
@font-face {{ font-family: "JunhengCJK"; src: url("{CJK_FONT.as_uri()}"); }}
@page {{ size: A4; margin: 2cm 1.8cm; @bottom-center {{ content: counter(page); font-size: 9pt; }} }}
body {{ font-family: "Noto Sans CJK SC", "JunhengCJK", sans-serif; font-size: 10pt; line-height: 1.5; }}
h1 {{ text-align: center; font-size: 18pt; }}
h2 {{ font-size: 13pt; margin-top: 1.2em; }}
table {{ border-collapse: collapse; width: 100%; margin: .4em 0 1em; font-size: 8.5pt; }}
th, td {{ border: 1px solid #555; padding: 2px 4px; vertical-align: top; }}
th {{ background: #eee; }}
caption {{ font-weight: bold; text-align: left; padding-bottom: 2px; }}
figure {{ margin: .5em 0; text-align: center; }} figure img {{ max-width: 100%; }}
.subtitle {{ text-align: center; }}
"""


def render_html(report: Report) -> str:
    """The report as one HTML page, charts inlined as PNG data URLs."""
    parts = [
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(report.title)}</title>',
        f"<style>{STYLE}</style></head><body>",
        f"<h1>《{escape(report.title)}》</h1>",
        f'<p class="subtitle">{report.year} 年度 · {escape(report.standard)}</p>',
    ]
    for section in report.sections:
        parts.append(f"<h2>{escape(section.title)}</h2>")
        parts.extend(f"<p>{escape(text)}</p>" for text in section.paragraphs)
        parts.extend(_table(table) for table in section.tables)
        for key in section.charts:
            data = base64.b64encode(chart(report, key)).decode("ascii")
            parts.append(
                f'<figure><img src="data:image/png;base64,{data}" alt="{escape(CAPTIONS[key])}">'
                f"<figcaption>{escape(CAPTIONS[key])}</figcaption></figure>"
            )
    parts.append("</body></html>")
    return "".join(parts)


def _table(table: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    if not table.rows:
        body = f'<tr><td colspan="{len(table.header)}">（无）</td></tr>'
    return f"<table><caption>{escape(table.title)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_pdf(report: Report) -> bytes:
    """The PDF bytes, fonts embedded."""
    from weasyprint import HTML  # heavy (Pango through cffi): loaded only when a PDF is made

    pdf: bytes = HTML(string=render_html(report)).write_pdf()
    return pdf
