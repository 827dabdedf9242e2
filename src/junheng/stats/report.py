"""What an import found, as tables for the data file's annex sheets and as text for the terminal."""

from __future__ import annotations

import polars as pl

from junheng.schema import FIELDS, FIELDS_BY_KEY, SCHOOL_TYPE_LABELS
from junheng.stats.figures import School
from junheng.stats.importer import StatsImport, to_fill

PROVENANCE_SHEET = "数据来源"
TO_FILL_SHEET = "待补填"
_PROVENANCE = ("学校标识码", "学校名称", "字段", "数值", "文件", "工作表", "单元格", "行", "列", "原始值", "换算")


def provenance_table(schools: list[School]) -> pl.DataFrame:
    """One row per cell read: the school, the field, the value it gave, and where the cell is (issue 13 §3)."""
    order = {spec.key: number for number, spec in enumerate(FIELDS)}
    rows = []
    for school in schools:
        for key in sorted(school.figures, key=order.__getitem__):
            figure = school.figures[key]
            value = "" if figure.value is None else str(figure.value)
            for source in figure.sources:
                rows.append((school.school_id, school.school_name, FIELDS_BY_KEY[key].label, value, source.file,
                             source.sheet, source.cell, source.row_label, source.column_label, source.cell_text,
                             source.arithmetic))  # fmt: skip
    return pl.DataFrame(rows, schema=list(_PROVENANCE), orient="row")


def to_fill_table(schools: list[School]) -> pl.DataFrame:
    """One row per figure a school must still give (待补填), with why the statistics did not give it."""
    rows = [
        (school.school_id, school.school_name, FIELDS_BY_KEY[key].label, why)
        for school in schools
        for key, why in to_fill(school)
    ]
    return pl.DataFrame(rows, schema=["学校标识码", "学校名称", "字段", "原因"], orient="row")


def render_report(result: StatsImport, workbooks: int) -> str:
    """The terminal report: the year, each school's figures found and still to fill in, the teaching points
    the statistics do not count as schools, and the notes that do not stop the import."""
    counted = [s for s in result.schools if s.counted]
    points = [s for s in result.schools if not s.counted]
    lines = [
        f"统计年度：{result.year if result.year is not None else '未确定'}",
        f"读取工作簿 {workbooks} 个：学校 {len(counted)} 所，不计校数的教学点 {len(points)} 个",
        "",
    ]
    for school in result.schools:
        found = sum(1 for f in school.figures.values() if f.value is not None and f.sources)
        missing = to_fill(school)
        kind = SCHOOL_TYPE_LABELS.get(school.school_type or "", "类型未识别")
        lines.append(f"{school.school_name}（{school.school_id}，{kind}）：读到 {found} 项")
        if missing:
            labels = "、".join(FIELDS_BY_KEY[key].label for key, _ in missing)
            lines.append(f"  待补填 {len(missing)} 项：{labels}")
    if points:
        lines += ["", "统计中不计校数的教学点（已按“教学点”写入；如应并入所属学校，请在数据文件中合并）："]
        lines += [f"  {s.school_name}（{s.school_id}）" for s in points]
    notes = [p for p in result.problems if not p.fatal]
    if notes:
        lines += ["", "提示（不影响导入）："]
        lines += [f"  {p.format()}" for p in notes]
    return "\n".join(lines) + "\n"
