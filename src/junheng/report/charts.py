"""The report's charts as PNG bytes, drawn with matplotlib from the report's content (nothing recomputed).

Agg backend, no display; Chinese labels in Noto Sans CJK, loaded from its file so that the charts look
the same on every machine that has Debian's fonts-noto-cjk. Indicators are named, their codes beside
the names. Each chart of a report is drawn once: the Word and the PDF file share it (`chart` is cached).
"""

from __future__ import annotations

import io
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported: no display

from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from junheng.report.content import (
    AT_FLOOR,
    BELOW_FLOOR,
    CHART_CV,
    CHART_MATRIX,
    CHART_SURVEY,
    COMPLIANCE_WORDS,
    MET,
    CvPoint,
    Report,
    SurveyGroup,
)
from junheng.report.labels import indicator_label, wrapped

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
GOOD, WARN, BAD, GREY = "#2e7d32", "#e0a000", "#c62828", "#9e9e9e"
_DPI = 150


def _font() -> font_manager.FontProperties:
    if not CJK_FONT.exists():
        raise FileNotFoundError(f"缺少中文字体 {CJK_FONT}：请安装 Debian 软件包 fonts-noto-cjk")
    return font_manager.FontProperties(fname=str(CJK_FONT))


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_DPI, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


CAPTIONS = {
    CHART_CV: "图 1 各项指标差异系数与限值",
    CHART_MATRIX: "图 2 各校指标达标情况",
    CHART_SURVEY: "图 3 社会认可度（分调查对象）",
}


@lru_cache(maxsize=8)  # a report's charts are drawn once for both files; a report is immutable and hashable
def chart(report: Report, key: str) -> bytes:
    """The chart a section names (`Section.charts`), as PNG bytes."""
    if key == CHART_CV:
        points = tuple(replace(p, indicator=indicator_label(report, p.indicator)) for p in report.cvs)
        return cv_chart(points)
    if key == CHART_MATRIX:
        return matrix_chart(tuple(indicator_label(report, i) for i in report.indicators), report.matrix)
    return survey_chart(report.survey, report.survey_minimum)


_LABEL_WIDTH = 14  # characters per line of an indicator's name beside a bar
_COLUMN_WIDTH = 7  # characters per line of an indicator's name below a column


def cv_chart(points: tuple[CvPoint, ...]) -> bytes:
    """Each difference coefficient against its limit, one panel per 学段, an indicator per bar, named on
    the vertical axis; red over the limit, grey undefined."""
    font = _font()
    levels = list(dict.fromkeys(p.level for p in points)) or ["—"]
    bars = max(len([p for p in points if p.level == level]) for level in levels) if points else 1
    figure, axes = plt.subplots(len(levels), 1, figsize=(6.4, (0.42 * bars + 0.9) * len(levels)), squeeze=False)
    for ax, level in zip(axes[:, 0], levels, strict=True):
        shown = [p for p in points if p.level == level]
        names = [wrapped(p.indicator, _LABEL_WIDTH) for p in shown]
        values = [p.cv or 0.0 for p in shown]
        colours = [GREY if p.cv is None else BAD if p.limit is not None and p.cv > p.limit else GOOD for p in shown]
        ax.barh(range(len(shown)), values, color=colours)
        ax.set_yticks(range(len(shown)), names, fontproperties=font, fontsize=7)
        ax.invert_yaxis()  # the first indicator on top
        limits = {p.limit for p in shown if p.limit is not None}
        for limit in limits:
            ax.axvline(limit, color=BAD, linestyle="--", linewidth=1)
            ax.text(limit, len(shown) - 0.7, f" 限值 {limit:g}", color=BAD, ha="left", va="center", fontproperties=font)
        for y, p in enumerate(shown):
            ax.text((p.cv or 0.0), y, f" {p.label}", ha="left", va="center", fontsize=7, fontproperties=font)
        ax.set_title(f"{level}差异系数", fontproperties=font)
        ax.set_xlim(0, max([*values, *limits, 0.1]) * 1.25)
    return _png(figure)


def matrix_chart(indicators: tuple[str, ...], matrix: tuple[tuple[str, tuple[str, ...]], ...]) -> bytes:
    """Schools × indicators (named below the columns): met, below the threshold but at or above the floor,
    below the floor."""
    font = _font()
    states = [MET, AT_FLOOR, BELOW_FLOOR]
    codes = [[states.index(s) for s in row] for _, row in matrix] or [[0] * len(indicators)]
    height = max(2.0, 0.32 * len(codes) + 2.0)
    figure, ax = plt.subplots(figsize=(max(4.0, 0.85 * len(indicators) + 3), height))
    ax.imshow(codes, cmap=ListedColormap([GOOD, WARN, BAD]), vmin=0, vmax=2, aspect="auto")
    labels = [wrapped(name, _COLUMN_WIDTH) for name in indicators]
    ax.set_xticks(range(len(indicators)), labels, fontproperties=font, fontsize=7)
    ax.set_yticks(range(len(matrix)), [name for name, _ in matrix], fontproperties=font)
    ax.set_title("各校指标达标情况", fontproperties=font, pad=30)
    handles = [Patch(color=c, label=COMPLIANCE_WORDS[s]) for c, s in zip([GOOD, WARN, BAD], states, strict=True)]
    ax.legend(handles=handles, prop=font, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    return _png(figure)


def survey_chart(groups: tuple[SurveyGroup, ...], minimum: float | None) -> bytes:
    """The recognition rate of each respondent group against the standard's minimum."""
    font = _font()
    figure, ax = plt.subplots(figsize=(6.0, 3.2))
    rates = [float(g.rate) * 100 if g.rate is not None else 0.0 for g in groups]
    colours = [GREY if g.rate is None else BAD if minimum and float(g.rate) < minimum else GOOD for g in groups]
    ax.bar(range(len(groups)), rates, color=colours)
    ax.set_xticks(range(len(groups)), [g.label for g in groups], fontproperties=font)
    if minimum is not None:
        ax.axhline(minimum * 100, color=BAD, linestyle="--", linewidth=1)
    ax.set_ylim(0, 105)
    ax.set_ylabel("认可度（%）", fontproperties=font)
    ax.set_title("社会认可度（分调查对象）", fontproperties=font)
    return _png(figure)
