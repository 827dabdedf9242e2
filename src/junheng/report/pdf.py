"""The report as a PDF, through WeasyPrint from an HTML rendering of the same content, laid out as the
Word file is (a Chinese official document: A4, margins 37/35/28/26 mm, 仿宋 body, 黑体 headings).

The fonts are Debian's fonts-noto-cjk, found through fontconfig: Noto Serif CJK SC in the role of 仿宋 and
小标宋, Noto Sans CJK SC in that of 黑体. WeasyPrint embeds the subset of glyphs used, so the PDF reads the
same on any machine. Names of fonts not installed (仿宋, 黑体) are left out, and so is an @font-face: each
missing name cost seconds of fontconfig look-ups per report, loading the 20 MB collection most of a second.
"""

from __future__ import annotations

import base64
from html import escape

from junheng.report.charts import CAPTIONS, chart
from junheng.report.content import Report, Table
from junheng.report.docx import CHART_HEIGHT_MM
from junheng.report.docx import OFFICIAL_PAGE as PAGE
from junheng.report.labels import indicator_label

# Only fonts that are installed: every name fontconfig has to look for in vain cost seconds per report.
BODY = '"Noto Serif CJK SC", serif'  # in the role of 仿宋 and 小标宋
HEADING = '"Noto Sans CJK SC", sans-serif'  # in the role of 黑体
TITLE = BODY
STYLE = f"""
@page {{ size: A4; margin: {PAGE.top}mm {PAGE.right}mm {PAGE.bottom}mm {PAGE.left}mm;
  @bottom-center {{ content: "— " counter(page) " —"; font-family: {BODY}; font-size: 14pt; }} }}
body {{ font-family: {BODY}; font-size: 16pt; line-height: 28.95pt; margin: 0; }}
p {{ margin: 0; text-indent: 2em; }}
h1 {{ font-family: {TITLE}; font-weight: normal; text-align: center; font-size: 22pt; line-height: 1.4;
  margin: 0 0 .5em; }}
h2 {{ font-family: {HEADING}; font-weight: normal; font-size: 16pt; margin: 1em 0 0; }}
table {{ border-collapse: collapse; width: 100%; margin: .3em 0 .8em; font-size: 10.5pt; line-height: 1.35; }}
th, td {{ border: .5pt solid #000; padding: 1pt 3pt; vertical-align: top; }}
th {{ font-family: {HEADING}; font-weight: normal; }} td.short {{ white-space: nowrap; }}
table.wide {{ font-size: 9pt; }} table.wide th, table.wide td {{ padding: 1pt 1.5pt; }}
caption {{ font-family: {HEADING}; font-size: 12pt; padding-bottom: 2pt; }}
figure {{ margin: .5em 0; text-align: center; }} figure img {{ max-width: 100%; max-height: {CHART_HEIGHT_MM}mm; }}
figcaption {{ font-family: {HEADING}; font-size: 12pt; line-height: 1.4; }}
p.subtitle {{ text-align: center; text-indent: 0; }}
"""


def render_html(report: Report) -> str:
    """The report as one HTML page, charts inlined as PNG data URLs."""
    parts = [
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(report.title)}</title>',
        f"<style>{STYLE}</style></head><body>",
        f"<h1>《{escape(report.title)}》</h1>",
        f'<p class="subtitle">{report.year} 年度 · {escape(report.standard_title)}</p>',
    ]
    for section in report.sections:
        parts.append(f"<h2>{escape(section.title)}</h2>")
        parts.extend(f"<p>{escape(text)}</p>" for text in section.paragraphs)
        parts.extend(_table(report, table) for table in section.tables)
        for key in section.charts:
            data = base64.b64encode(chart(report, key)).decode("ascii")
            parts.append(
                f'<figure><img src="data:image/png;base64,{data}" alt="{escape(CAPTIONS[key])}">'
                f"<figcaption>{escape(CAPTIONS[key])}</figcaption></figure>"
            )
    parts.append("</body></html>")
    return "".join(parts)


def _table(report: Report, table: Table) -> str:
    head = "".join(f"<th>{escape(indicator_label(report, h))}</th>" for h in table.header)
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in table.rows)
    if not table.rows:
        body = f'<tr><td colspan="{len(table.header)}">（无）</td></tr>'
    wide = ' class="wide"' if len(table.header) >= _WIDE else ""
    caption = f"<caption>{escape(table.title)}</caption>"
    return f"<table{wide}>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_WIDE = 9  # columns: a table this wide (each school's figures) is set smaller to keep within the margins
_SHORT = 6  # characters: a cell this short (达标, 新发现, 2025, 0.157) is never broken across lines


def _cell(text: str) -> str:
    return f'<td class="short">{escape(text)}</td>' if len(text) <= _SHORT else f"<td>{escape(text)}</td>"


def render_pdf(report: Report) -> bytes:
    """The PDF bytes, fonts embedded."""
    from weasyprint import HTML  # heavy (Pango through cffi): loaded only when a PDF is made

    pdf: bytes = HTML(string=render_html(report)).write_pdf()
    return pdf
