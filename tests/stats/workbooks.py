"""A generator of statistics workbooks shaped as statistics-report.md describes them, from data-file records.

Two of the three shapes: one workbook per school with one sheet per table named by its code (基础基512),
and the same with the school type after the code (教基3112_九年一贯制学校); the county's wide export is
written by `tests/stats/wide_workbooks.py`. Two generations: 基础基 (2020: a letter row above
and a row-number column left of each table) and 教基 (2021+). Numbers are stored as text, cells that do
not apply hold “*”, every table has its title rows and, matrix tables, the numbering row 甲/乙/1/2….

`truth(record)` is the record as the statistics can give it back: what they do not hold set to None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import xlsxwriter

from junheng.schema import SCHOOL_TYPE_LEVELS

Generation = Literal["jiben", "jiaoji"]
Record = dict[str, Any]
LEVEL_LABEL = {"primary": "小学", "junior": "初中", "senior": "高中"}
TYPE_LABEL = {
    "primary": "小学",
    "teaching_point": "小学教学点",
    "junior": "初级中学",
    "nine_year": "九年一贯制学校",
    "complete_middle": "完全中学",
    "twelve_year": "十二年一贯制学校",
}
# What the statistics hold, and what they do not (statistics-report.md §2).
NOT_IN_STATISTICS = (
    "county_code",
    "ownership",
    "area_type",
    "boarding",
    "music_rooms",
    "art_rooms",
    "music_room_min_area_m2",
    "art_room_min_area_m2",
    "max_class_size_primary",
    "max_class_size_junior",
)


@dataclass
class Table:
    """One statistics table: its header as column paths top-down, its rows as (label, code, cells by leaf)."""

    code: str
    title: str
    unit: str
    columns: list[tuple[str, ...]]
    rows: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    vertical: bool = False

    def set(self, row: str, column: str, text: str, *, nth: int = 1) -> None:
        """Put `text` in the `nth` row labelled `row`, column whose path ends with `column`."""
        seen = 0
        for label, _, cells in self.rows:
            if label.replace(" ", "") == row:
                seen += 1
                if seen == nth:
                    cells[column] = text
                    return
        raise KeyError(row)


def n(value: Any) -> str:
    """A number as the statistics store it: text, no trailing zeros."""
    number = Decimal(str(value))
    text = format(number.normalize(), "f") if number != number.to_integral_value() else str(int(number))
    return text


def truth(record: Record) -> Record:
    """The record as the statistics give it back: what they do not hold None, a 学段's missing classes made."""
    out = dict(record)
    for key in NOT_IN_STATISTICS:
        out[key] = None
    for level in ("primary", "junior"):
        if level in SCHOOL_TYPE_LEVELS[out["school_type"]] and out.get(f"classes_{level}") is None:
            out[f"classes_{level}"] = out[f"students_{level}"] // 45 + 1
    return out


def _levels(record: Record) -> tuple[str, ...]:
    return SCHOOL_TYPE_LEVELS[record["school_type"]]


def _teachers(record: Record, level: str, generation: Generation) -> dict[str, int]:
    full = record[f"full_time_teachers_{level}"]
    above = record[f"teachers_above_degree_{level}"]
    pe_art = record[f"pe_art_teachers_{level}"]
    mid = record[f"mid_title_teachers_{level}"]
    master = above // 8
    college = above // 3 if level == "primary" else (full - above) // 2
    bachelor = above - master - (college if level == "primary" else 0)
    pe = pe_art // 2
    art = pe_art - pe
    combined = art // 5 if generation == "jiben" and level != "primary" else 0
    music = (art - combined) // 2
    return {
        "合计": full,
        "博士研究生": 0,
        "硕士研究生": master,
        "研究生": master,
        "本科": bachelor,
        "专科": college,
        "高中阶段": full - master - bachelor - college,
        "体育": pe,
        "体育与健康": pe,
        "艺术计": art,
        "音乐": music,
        "美术": art - combined - music,
        "艺术": combined,
        "正高级": 0,
        "副高级": mid // 4,
        "中级": mid - mid // 4,
        "助理级": full - mid,
        "backbone": record[f"backbone_teachers_{level}"],
    }


def _areas(record: Record) -> dict[str, Decimal]:
    teaching = Decimal(str(record["teaching_aux_area_m2"]))
    sports = Decimal(str(record["sports_area_m2"]))
    indoor = min((teaching * Decimal("0.05")).quantize(Decimal(1)), sports)
    return {
        "教学及辅助用房": teaching + indoor,
        "室内体育用房": indoor,
        "运动场地面积": sports - indoor,
        "教学仪器设备资产值": Decimal(str(record["equipment_value_yuan"])) / 10000,
    }


_JIAOJI_SUBJECTS: list[tuple[str, ...]] = [
    ("道德与法治",),
    ("语文",),
    ("数学",),
    ("外语", "计"),
    ("外语", "英语"),
    ("历史",),
    ("地理",),
    ("科学",),
    ("物理",),
    ("化学",),
    ("生物学",),
    ("信息科技",),
    ("体育与健康",),
    ("艺术", "计"),
    ("艺术", "音乐"),
    ("艺术", "美术"),
    ("劳动",),
    ("综合实践活动",),
    ("其他",),
]
_JIBEN_PRIMARY_SUBJECTS = [
    "品德与生活(社会)",
    "语文",
    "数学",
    "科学",
    "外语",
    "体育",
    "音乐",
    "美术",
    "信息技术",
    "其他",
]
_JIBEN_MIDDLE_SUBJECTS = [
    "思想品德",
    "语文",
    "数学",
    "外语",
    "物理",
    "化学",
    "生物",
    "历史",
    "地理",
    "信息技术",
    "体育与健康",
    "音乐",
    "美术",
    "艺术",
    "其他",
]


def _subject_cells(t: dict[str, int], generation: Generation, level: str) -> dict[str, str]:
    cells = {"体育": n(t["体育"]), "体育与健康": n(t["体育与健康"]), "音乐": n(t["音乐"]), "美术": n(t["美术"])}
    cells["艺术"] = n(t["艺术"])
    if generation == "jiaoji":
        cells["艺术/计"] = n(t["艺术计"])
        cells["语文"] = n(t["合计"] - t["体育"] - t["艺术计"])
    else:
        rest = t["合计"] - t["体育"] - t["音乐"] - t["美术"] - (t["艺术"] if level != "primary" else 0)
        cells["语文"] = n(rest)
    return cells


def school_tables(record: Record, generation: Generation) -> list[Table]:
    """Every table a school of this type fills in, as the generation lays it out."""
    levels = _levels(record)
    jiaoji = generation == "jiaoji"

    def code(c2021: str, c2020: str) -> str:
        return c2021 if jiaoji else c2020

    # 基础基111 is a form of its own (`write_form_111`); 教基1001 is read as a vertical form (UNCONFIRMED).
    tables = (
        []
        if not jiaoji
        else [
            Table(
                "教基1001",
                "学校（机构）基本情况",
                "",
                [("项目",), ("编号",), ("内容",), ("单位",)],
                [
                    ("学校名称", "1", {"内容": record["school_name"]}),
                    ("学校标识码", "2", {"内容": record["school_id"]}),
                    ("县（市、区）", "3", {"内容": record["county"]}),
                    ("办学类型", "25", {"内容": TYPE_LABEL[record["school_type"]]}),
                ],
                vertical=True,
            ),
        ]
    )
    backbone_label = "县级以上骨干教师" if jiaoji else "县级及以上骨干教师"
    backbone = [
        (
            f"{backbone_label}（{LEVEL_LABEL[lv]}）",
            str(26 + i),
            {"内容": n(record[f"backbone_teachers_{lv}"]) if lv in levels else "", "单位": "人"},
        )
        for i, lv in enumerate(("primary", "junior", "senior"))
        if lv != "senior"
    ]
    tables.append(
        Table(
            code("教基1102续", "基础基112"),
            "学校（机构）基本情况续表",
            "",
            [("项目",), ("编号",), ("内容",), ("单位",)],
            backbone,
            vertical=True,
        )
    )
    for level, c_class, c_students in (
        ("primary", ("教基2106", "基础基212"), ("教基3112", "基础基312")),
        ("junior", ("教基2107", "基础基213"), ("教基3115", "基础基313")),
        ("senior", (None, None), ("教基3118", "基础基314")),
    ):
        if level not in levels:
            continue
        students = record[f"students_{level}"]
        grades = 6 if level == "primary" else 3
        grade_columns = [("在校生数中", f"{g}年级") for g in "一二三四五六"[:grades]]
        rows = [
            (
                "总    计",
                "01",
                {
                    "毕业生数": n(students // grades),
                    "招生数": n(students // grades),
                    "在校生数": n(students),
                    **{c[1]: n(students // grades) for c in grade_columns},
                },
            ),
            ("其中：女", "02", {"在校生数": n(students // 2)}),
        ]
        tables.append(
            Table(
                code(*c_students),
                f"{LEVEL_LABEL[level]}学生数",
                "人",
                [("毕业生数",), ("招生数",), ("在校生数",), ("#女",), *grade_columns],
                rows,
            )
        )
        if c_class[0] is not None:
            classes = record[f"classes_{level}"]
            if classes is None:
                classes = students // 45 + 1
            label = "总计" if level == "primary" or jiaoji else "初中"
            class_rows = [
                (label, "01", {"合计": n(classes)}),
                ("25人及以下", "02", {"合计": "0"}),
                ("56人及以上", "08", {"合计": "*"}),
            ]
            tables.append(
                Table(
                    code(*c_class),
                    f"{LEVEL_LABEL[level]}教学班数、班额情况",
                    "个",
                    [("合计",), ("一年级",)],
                    class_rows,
                )
            )
    taught = [lv for lv in ("primary", "junior") if lv in levels]
    if taught:
        title_rows = []
        for lv in taught:
            t = _teachers(record, lv, generation)
            title_rows.append((LEVEL_LABEL[lv], "", {"合计": n(t["合计"])}))
            title_rows += [(k, "", {"合计": n(t[k])}) for k in ("正高级", "副高级", "中级", "助理级")]
        tables.append(
            Table(
                code("教基4153", "基础基422"),
                "专任教师分专业技术职务、分年龄情况",
                "人",
                [("合计",), ("#女",), ("年龄", "24岁及以下"), ("年龄", "25-29岁")],
                title_rows,
            )
        )
        if jiaoji:
            rows = []
            for lv in taught:
                t = _teachers(record, lv, generation)
                rows.append((LEVEL_LABEL[lv], "", {"合计": n(t["合计"]), **_subject_cells(t, generation, lv)}))
                rows += [(k, "", {"合计": n(t[k])}) for k in ("博士研究生", "硕士研究生", "本科", "专科", "高中阶段")]
                rows.append(("高中阶段以下", "", {"合计": "0", "其他": "*"}))
            columns = [("合计",), ("#女",), *[("按授课课程分", *s) for s in _JIAOJI_SUBJECTS], ("本学年不授课",)]
            tables.append(Table("教基4155", "义务教育阶段专任教师分课程、分学历情况", "人", columns, rows))
        else:
            if "primary" in levels:
                t = _teachers(record, "primary", generation)
                rows = [("总计", "01", {"合计": n(t["合计"]), **_subject_cells(t, generation, "primary")})]
                rows += [(k, "", {"合计": n(t[k])}) for k in ("研究生", "本科", "专科", "高中阶段")]
                columns = [("合计",), *[("按课程分", s) for s in _JIBEN_PRIMARY_SUBJECTS]]
                tables.append(Table("基础基423", "小学专任教师分课程、分学历情况", "人", columns, rows))
            if "junior" in levels:
                t = _teachers(record, "junior", generation)
                rows = [("初中", "01", {"合计": n(t["合计"]), **_subject_cells(t, generation, "junior")})]
                rows += [(k, "", {"合计": n(t[k])}) for k in ("研究生", "本科", "专科", "高中阶段")]
                columns = [("合计",), *[("按课程分", s) for s in _JIBEN_MIDDLE_SUBJECTS]]
                tables.append(Table("基础基424", "中学专任教师分课程、分学历情况", "人", columns, rows))
    a = _areas(record)
    indoor = "室内体育用房" if jiaoji else "体育馆"
    area_columns = [
        ("校舍建筑面积", "合计"),
        ("校舍建筑面积", "学校产权", "计"),
        ("校舍建筑面积", "学校产权", "其中：危房"),
        ("非学校产权校舍建筑面积", "计"),
    ]
    tables.append(
        Table(
            code("教基5170", "基础基512"),
            "校舍情况",
            "平方米",
            area_columns,
            [
                ("总计", "01", {"合计": n(a["教学及辅助用房"] + 900)}),
                (
                    "一、教学及辅助用房",
                    "04",
                    {
                        "合计": n(a["教学及辅助用房"]),
                        "计": n(a["教学及辅助用房"]),
                        "其中：危房": "0",
                        "非学校产权校舍建筑面积/计": "*",
                    },
                ),
                ("其中：教室", "05", {"合计": n(a["教学及辅助用房"] - a["室内体育用房"])}),
                (indoor, "10", {"合计": n(a["室内体育用房"])}),
                ("二、行政办公用房", "11", {"合计": "900"}),
            ],
        )
    )
    if jiaoji:
        tables.append(
            Table(
                "教基5176",
                "占地面积及其他办学条件",
                "",
                [("计量单位",), ("数量",)],
                [
                    ("占地面积", "01", {"计量单位": "平方米", "数量": n(a["运动场地面积"] * 3)}),
                    ("其中：运动场地面积", "03", {"计量单位": "平方米", "数量": n(a["运动场地面积"])}),
                    ("图书", "05", {"计量单位": "册", "数量": n(record["books"])}),
                    ("计算机台数", "07", {"计量单位": "台", "数量": n(record["computers"])}),
                    ("其中：教学用计算机", "08", {"计量单位": "台", "数量": n(record["computers"])}),
                    ("教室", "10", {"计量单位": "间", "数量": n(record["multimedia_rooms"] + 2)}),
                    ("其中：网络多媒体教室", "11", {"计量单位": "间", "数量": n(record["multimedia_rooms"])}),
                    ("固定资产总值", "12", {"计量单位": "万元", "数量": n(a["教学仪器设备资产值"] * 3)}),
                    ("其中：教学仪器设备资产值", "13", {"计量单位": "万元", "数量": n(a["教学仪器设备资产值"])}),
                ],
            )
        )
    else:
        columns = [
            ("占地面积（平方米）", "计"),
            ("占地面积（平方米）", "其中", "绿化用地面积"),
            ("占地面积（平方米）", "其中", "运动场地面积"),
            ("图书（册）",),
            ("计算机（台）", "计"),
            ("计算机（台）", "其中", "教学用计算机"),
            ("教室（间）", "计"),
            ("教室（间）", "其中", "网络多媒体教室"),
            ("固定资产总值（万元）", "计"),
            ("固定资产总值（万元）", "其中", "教学仪器设备资产值"),
        ]
        tables.append(
            Table(
                "基础基522",
                "中小学占地面积及其他办学条件",
                "",
                columns,
                [
                    (
                        "总    计",
                        "01",
                        {
                            "占地面积（平方米）/计": n(a["运动场地面积"] * 3),
                            "绿化用地面积": "*",
                            "运动场地面积": n(a["运动场地面积"]),
                            "图书（册）": n(record["books"]),
                            "计算机（台）/计": n(record["computers"]),
                            "教学用计算机": n(record["computers"]),
                            "教室（间）/计": n(record["multimedia_rooms"] + 2),
                            "网络多媒体教室": n(record["multimedia_rooms"]),
                            "固定资产总值（万元）/计": n(a["教学仪器设备资产值"] * 3),
                            "教学仪器设备资产值": n(a["教学仪器设备资产值"]),
                        },
                    )
                ],
            )
        )
    return tables


def _cell(cells: dict[str, str], path: tuple[str, ...]) -> str:
    """A row's text under a column: by its whole path joined with “/”, else shorter tails, else its leaf."""
    for start in range(len(path)):
        key = "/".join(path[start:])
        if key in cells:
            return cells[key]
    return ""


def _letters(column: int) -> str:
    text = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


def _write_header(sheet: Any, top: int, left: int, columns: list[tuple[str, ...]]) -> int:
    """Write column paths as a merged multi-row header from (top, left); returns its height."""
    height = max(len(path) for path in columns)
    for depth in range(height):
        column = 0
        while column < len(columns):
            path = columns[column]
            if depth >= len(path):
                column += 1
                continue
            span = 1
            while column + span < len(columns) and columns[column + span][: depth + 1] == path[: depth + 1]:
                span += 1
            bottom = top + (height - 1 if depth == len(path) - 1 else depth)
            first, last = (top + depth, left + column), (bottom, left + column + span - 1)
            if first == last:
                sheet.write_string(*first, path[depth])
            else:
                sheet.merge_range(*first, *last, path[depth])
            column += span
    return height


def write_table(workbook: Any, name: str, table: Table, generation: Generation, year: int) -> None:
    """One table sheet: title rows, a merged header of its own height, the numbering row, the data rows."""
    sheet = workbook.add_worksheet(name)
    offset = 1 if generation == "jiben" else 0  # 2020 exports: letter row above, row numbers left
    labels = [("项目", "编号") if table.vertical else ("指标名称", "代码")][0]
    width = 2 + len(table.columns)
    top = offset
    sheet.merge_range(top, offset, top, offset + width - 1, table.title)
    sheet.write_string(top + 1, offset, f"{table.code}{' ' * 30}单位：{table.unit or '见各栏'}")
    header_top = top + 2
    if table.vertical:
        height = _write_header(sheet, header_top, offset, [(labels[0],), *table.columns[1:]])
    else:
        height = _write_header(sheet, header_top, offset + 2, table.columns)
        for i, label in enumerate(labels):
            if height == 1:
                sheet.write_string(header_top, offset + i, label)
            else:
                sheet.merge_range(header_top, offset + i, header_top + height - 1, offset + i, label)
    row = header_top + height
    if not table.vertical:
        numbering = ["甲", "乙", *[str(i) for i in range(1, len(table.columns) + 1)]]
        sheet.write_row(row, offset, numbering)
        row += 1
    for label, code, cells in table.rows:
        if table.vertical:
            sheet.write_row(row, offset, [label, code, *[_cell(cells, p) for p in table.columns[2:]]])
        else:
            sheet.write_row(row, offset, [label, code, *[_cell(cells, p) for p in table.columns]])
        row += 1
    if offset:
        sheet.write_row(0, 0, [_letters(c) for c in range(width + 1)])
        for r in range(1, row):
            sheet.write_number(r, 0, r)


def write_form_111(workbook: Any, record: Record, year: int) -> None:
    """基础基111 as the real 2020/2021 export lays it out: a form, each value under its label, 办学类型 and
    属地管理教育行政部门 over a 名称 row and a 代码 row, a letter row above and row numbers left."""
    sheet = workbook.add_worksheet("基础基111")
    sheet.write_row(0, 0, [_letters(c) for c in range(6)])
    title = [
        "基础教育学校（机构）统计调查表",
        f"（{year} /{year + 1} 学年初）",
        "批准文号：国统制 【2018】 86号",
        "基础基111",
    ]
    for row, text in enumerate(title, start=1):
        sheet.merge_range(row, 1, row, 5, text)
    blocks = [
        [("学校标识码", record["school_id"]), ("学校（机构）名称（章）", record["school_name"])],
        [("学校（机构）地址", "示范路1号"), ("学校（机构）属地管理教育行政部门", f"{record['county']}教育局")],
        [("学校（机构）办学类型", TYPE_LABEL[record["school_type"]]), ("学校（机构）举办者", "地方教育部门")],
    ]
    row = 5
    for number, block in enumerate(blocks):
        if number:
            sheet.write_string(row, 1, "续")
            row += 1
        (left, left_value), (right, right_value) = block
        sheet.merge_range(row, 1, row, 2, left)
        sheet.merge_range(row, 3, row, 5, right)
        if number:  # a caption (名称) left of the value, as the real form has
            sheet.write_row(row + 1, 1, ["名称", left_value])
        else:
            sheet.merge_range(row + 1, 1, row + 1, 2, left_value)
        sheet.merge_range(row + 1, 3, row + 1, 5, right_value)
        row += 2
    for r in range(1, row):
        sheet.write_number(r, 0, r)


def school_workbook(
    path: Path,
    record: Record,
    generation: Generation,
    *,
    year: int = 2021,
    suffix: bool = False,
    change: Callable[[list[Table]], None] | None = None,
) -> Path:
    """A school's workbook: 封面, 目录, one sheet per table (named `code` or `code_办学类型` with `suffix`)."""
    tables = school_tables(record, generation)
    if change is not None:
        change(tables)
    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(str(path), options) as workbook:
        cover = workbook.add_worksheet("封面")
        cover.write_string(2, 1, "基础教育学校（机构）统计调查表")
        cover.write_string(4, 1, f"（{year} /{year + 1} 学年初）")
        cover.write_string(6, 1, "制表机关：教育部    批准机关：国家统计局")
        contents = workbook.add_worksheet("目录")
        for i, table in enumerate(tables):
            contents.write_row(i, 0, [table.code, table.title])
        if generation == "jiben":
            write_form_111(workbook, record, year)
        for table in tables:
            name = f"{table.code}_{TYPE_LABEL[record['school_type']]}" if suffix else table.code
            write_table(workbook, name, table, generation, year)
    return path
