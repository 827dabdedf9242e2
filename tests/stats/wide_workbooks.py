"""A county's wide statistics export, generated from data-file records (statistics-report.md §3 C): one row
per school under merged multi-row headers that carry the table codes, one file per 学段, 一贯制 and 完全中学
schools in each of their 学段's files, teaching points with 是否计校数 = 0, numbers stored as text."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from tests.stats.workbooks import (
    _JIAOJI_SUBJECTS,
    _JIBEN_MIDDLE_SUBJECTS,
    _JIBEN_PRIMARY_SUBJECTS,
    LEVEL_LABEL,
    TYPE_LABEL,
    Generation,
    Record,
    _areas,
    _cell,
    _levels,
    _subject_cells,
    _teachers,
    _write_header,
    n,
)


def wide_columns(generation: Generation, level: str) -> list[tuple[str, ...]]:
    """The wide export's header paths for a 学段's file."""
    jiaoji = generation == "jiaoji"
    students = {
        "primary": ("教基3112", "基础基312"),
        "junior": ("教基3115", "基础基313"),
        "senior": ("教基3118", "基础基314"),
    }
    s = f"{students[level][0 if jiaoji else 1]} {LEVEL_LABEL[level]}学生数"
    c = f"{'教基2106' if jiaoji else '基础基212'} 班数"
    t = f"{'教基4155' if jiaoji else '基础基423'} 专任教师"
    if jiaoji:
        degrees = ["博士研究生", "硕士研究生", "本科", "专科", "高中阶段"]
        subjects = [("按授课课程分", *s_) for s_ in _JIAOJI_SUBJECTS]
    else:
        degrees = ["研究生", "本科", "专科", "高中阶段"]
        names = _JIBEN_PRIMARY_SUBJECTS if level == "primary" else _JIBEN_MIDDLE_SUBJECTS
        subjects = [("按课程分", s_) for s_ in names]
    r = f"{'教基4153' if jiaoji else '基础基422'} 专任教师职称"
    b = f"{'教基1102续' if jiaoji else '基础基112'} 基本情况续表"
    backbone = "县级以上骨干教师" if jiaoji else "县级及以上骨干教师"
    area = f"{'教基5170' if jiaoji else '基础基512'} 校舍情况"
    indoor = "其中：室内体育用房" if jiaoji else "其中：体育馆"
    other = f"{'教基5176' if jiaoji else '基础基522'} 占地面积及其他办学条件"
    return [
        ("学校名称",),
        ("学校标识码",),
        ("统计三级",),
        ("办学类型",),
        ("是否计校数",),
        (s, "在校生数", "合计"),
        (s, "在校生数", "#女"),
        (c, "班数", "合计"),
        (t, "专任教师", "合计"),
        *[(t, "专任教师", "#按学历分", d) for d in degrees],
        *[(t, "专任教师", *p) for p in subjects],
        (r, "专业技术职务", "正高级"),
        (r, "专业技术职务", "副高级"),
        (r, "专业技术职务", "中级"),
        (b, f"{backbone}(小学)"),
        (b, f"{backbone}(初中)"),
        (area, "本学年校舍建筑面积", "合计"),
        (area, "本学年校舍建筑面积", "教学及辅助用房", "计"),
        (area, "本学年校舍建筑面积", "教学及辅助用房", indoor),
        (other, "占地面积（平方米）", "计"),
        (other, "占地面积（平方米）", "其中", "运动场地面积"),
        (other, "图书（册）"),
        (other, "计算机（台）", "计"),
        (other, "计算机（台）", "其中", "教学用计算机"),
        (other, "教室（间）", "计"),
        (other, "教室（间）", "其中", "网络多媒体教室"),
        (other, "固定资产总值（万元）", "计"),
        (other, "固定资产总值（万元）", "其中", "教学仪器设备资产值"),
    ]


def wide_row(record: Record, generation: Generation, level: str) -> dict[str, str]:
    """A school's cells in a 学段's wide file, keyed as `_cell` looks them up."""
    a = _areas(record)
    cells = {
        "学校名称": record["school_name"],
        "学校标识码": record["school_id"],
        "统计三级": record["county"],
        "办学类型": TYPE_LABEL[record["school_type"]],
        "是否计校数": "0" if record["school_type"] == "teaching_point" else "1",
        "在校生数/合计": n(record[f"students_{level}"]),
        "#女": n(record[f"students_{level}"] // 2),
        "本学年校舍建筑面积/合计": n(a["教学及辅助用房"] + 900),
        "教学及辅助用房/计": n(a["教学及辅助用房"]),
        "其中：室内体育用房": n(a["室内体育用房"]),
        "其中：体育馆": n(a["室内体育用房"]),
        "占地面积（平方米）/计": n(a["运动场地面积"] * 3),
        "运动场地面积": n(a["运动场地面积"]),
        "图书（册）": n(record["books"]),
        "计算机（台）/计": n(record["computers"]),
        "教学用计算机": n(record["computers"]),
        "教室（间）/计": n(record["multimedia_rooms"] + 2),
        "网络多媒体教室": n(record["multimedia_rooms"]),
        "固定资产总值（万元）/计": n(a["教学仪器设备资产值"] * 3),
        "教学仪器设备资产值": n(a["教学仪器设备资产值"]),
    }
    for lv in ("primary", "junior"):
        backbone = record[f"backbone_teachers_{lv}"] if lv in _levels(record) else 0
        cells[f"{'县级以上骨干教师' if generation == 'jiaoji' else '县级及以上骨干教师'}({LEVEL_LABEL[lv]})"] = n(
            backbone
        )
    if level in ("primary", "junior"):
        classes = record[f"classes_{level}"]
        cells["班数/合计"] = n(classes if classes is not None else record[f"students_{level}"] // 45 + 1)
        t = _teachers(record, level, generation)
        cells["专任教师/合计"] = n(t["合计"])
        cells.update({d: n(t[d]) for d in ("博士研究生", "硕士研究生", "研究生", "本科", "专科", "高中阶段")})
        cells.update({f"专业技术职务/{k}": n(t[k]) for k in ("正高级", "副高级", "中级")})
        cells.update(_subject_cells(t, generation, level))
    return cells


def wide_workbooks(folder: Path, records: list[Record], generation: Generation, *, year: int = 2021) -> list[Path]:
    """A county's wide export: one file per 学段 (小学.xlsx …), every school of that 学段 on one row,
    一贯制 and 完全中学 schools in each of their 学段's files, 教学点 with 是否计校数 = 0."""
    paths = []
    for level in ("primary", "junior", "senior"):
        schools = [r for r in records if level in _levels(r)]
        if not schools:
            continue
        path = folder / f"{year}年{LEVEL_LABEL[level]}基础基表汇总.xlsx"
        columns = wide_columns(generation, level)
        options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        with xlsxwriter.Workbook(str(path), options) as workbook:
            sheet = workbook.add_worksheet("Sheet1")
            sheet.merge_range(0, 0, 0, len(columns) - 1, f"{year}/{year + 1}学年初 {LEVEL_LABEL[level]}学校基础表汇总")
            height = _write_header(sheet, 1, 0, columns)
            for i, record in enumerate(schools):
                cells = wide_row(record, generation, level)
                sheet.write_row(1 + height + i, 0, [_cell(cells, p) for p in columns])
        paths.append(path)
    return paths
