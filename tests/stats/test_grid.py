"""Finding a figure by its labels in a table whose header height, merged cells and order are unknown."""

from __future__ import annotations

from junheng.stats.grid import Found, Grid, Miss, normalise
from junheng.stats.sources import Sheet
from junheng.stats.tables import canonical_code, sheet_table


def grid(*rows: tuple[str, ...]) -> Grid:
    return Grid(tuple(rows))


# 基础基522 as the real 2020 export lays it out: a letter row, a row-number column, a title, the code,
# a three-row header (merged cells repeated over their range), the numbering row, one data row.
FORM_522 = grid(
    ("A", "B", "C", "D", "E", "F", "G"),
    ("1", "中小学占地面积及其他办学条件", "中小学占地面积及其他办学条件", "中小学占地面积及其他办学条件", "", "", ""),
    ("2", "基础基522          单位:平方米、册、万元", "", "", "", "", ""),
    ("3", "指标名称", "代码", "占地面积（平方米）", "占地面积（平方米）", "占地面积（平方米）", "固定资产总值（万元）"),
    ("4", "指标名称", "代码", "计", "其中", "其中", "其中"),
    ("5", "指标名称", "代码", "计", "绿化用地面积", "运动场地面积", "教学仪器设备资产值"),
    ("6", "甲", "乙", "1", "2", "3", "4"),
    ("7", "总   计", "01", "'12000", "*", "4,500.5", "720"),
)


def test_a_column_is_found_by_its_header_path_through_a_tall_merged_header() -> None:
    found = FORM_522.find(("总计",), ("占地面积", "运动场地面积"))
    assert found == Found(7, 5, "总   计", "占地面积（平方米） → 其中 → 运动场地面积", "4,500.5")
    assert found.cell == "F8"


def test_labels_are_compared_without_spaces_full_width_forms_or_list_markers() -> None:
    assert normalise("总   计") == normalise("总计")
    assert normalise("县级以上骨干教师（小学）") == "县级以上骨干教师(小学)"
    assert normalise("其中：网络多媒体教室") == "网络多媒体教室"
    assert normalise("一、教学及辅助用房") == "教学及辅助用房"
    assert normalise("#女") == "女"
    assert normalise("其中") == "其中"  # a header that is only a marker keeps its word


def test_an_exact_label_wins_over_one_that_only_contains_the_step() -> None:
    table = grid(
        ("标题",),
        ("指标名称", "代码", "校舍建筑面积", "非学校产权校舍建筑面积"),
        ("指标名称", "代码", "合计", "合计"),
        ("甲", "乙", "1", "2"),
        ("教学及辅助用房", "04", "100", "7"),
    )
    found = table.find(("教学及辅助用房",), ("校舍建筑面积", "合计"))
    assert isinstance(found, Found) and found.cell_text == "100"


def test_two_columns_fitting_equally_and_labels_not_found_are_explained() -> None:
    table = grid(
        ("指标名称", "代码", "在校生数", "在校生数"),
        ("指标名称", "代码", "计", "女"),
        ("甲", "乙", "1", "2"),
        ("总计", "01", "300", "150"),
    )
    assert table.find(("总计",), ("在校生数",)) == Miss(
        "表头“在校生数”对应多列（C、D），无法确定取哪一列；请在格式文件中写出更完整的表头路径"
    )
    assert table.find(("合计",), ("在校生数", "计")) == Miss("找不到行“合计”")
    assert table.find(("总计",), ("毕业生数",)) == Miss("找不到表头为“毕业生数”的列")


def test_a_row_is_found_within_its_block() -> None:
    table = grid(
        ("指标名称", "合计"),
        ("甲", "1"),
        ("小学", "40"),
        ("本科", "30"),
        ("初中", "20"),
        ("本科", "18"),
    )
    found = table.find(("本科",), ("合计",), block=("初中",))
    assert isinstance(found, Found) and (found.cell, found.cell_text) == ("B6", "18")
    assert table.find(("本科",), ("合计",), block=("高中",)) == Miss("找不到“高中”这一组行")


def test_the_table_code_comes_from_the_sheet_name_or_its_title_rows_not_from_a_list_of_tables() -> None:
    assert sheet_table(Sheet("f", "教基3112_九年一贯制学校", grid(("x",)))) == ("教基3112", "九年一贯制学校")
    assert sheet_table(Sheet("f", "基础基112续表1", grid(("x",)))) == ("基础基112续表1", "")
    assert sheet_table(Sheet("f", "Sheet3", grid(("小学学生数",), ("教基3112      单位：人",)))) == ("教基3112", "")
    contents = grid(("基础基111", "基本情况"), ("基础基112", "续表"))
    assert sheet_table(Sheet("f", "目录", contents)) is None
    assert canonical_code("教基1102续表") == canonical_code("教基1102续") == "教基1102续"


# The head of 基础基111 as a real 2020/2021 export holds it (a kindergarten's, in alexLeezh/lexcel):
# each value under its label, 名称 captions left of the values in the later blocks.
FORM_111 = grid(
    ("A", "B", "C", "D", "E", "F"),
    ("1", "基础教育学校（机构）统计调查表", "基础教育学校（机构）统计调查表", "基础教育学校（机构）统计调查表", "", ""),
    ("4", "基础基111", "基础基111", "基础基111", "基础基111", "基础基111"),
    ("5", "学校标识码", "学校标识码", "学校（机构）名称（章）", "学校（机构）名称（章）", "学校（机构）名称（章）"),
    ("6", "1133007639", "1133007639", "慈溪市龙山镇龙头场蓓蕾幼儿园", "慈溪市龙山镇龙头场蓓蕾幼儿园", ""),
    ("12", "学校（机构）办学类型", "学校（机构）办学类型", "学校（机构）举办者", "学校（机构）性质类别", ""),
    ("13", "名称", "幼儿园", "民办", "*", ""),
    ("14", "代码", "111", "999", "*", ""),
)


def test_a_form_s_values_are_read_under_their_labels() -> None:
    assert FORM_111.find_below(("学校标识码",), ("名称",)) == Found(4, 1, "学校标识码", "学校标识码", "1133007639")
    name = FORM_111.find_below(("学校（机构）名称（章）",), ("名称",))
    assert isinstance(name, Found) and (name.cell, name.cell_text) == ("D5", "慈溪市龙山镇龙头场蓓蕾幼儿园")
    kind = FORM_111.find_below(("学校（机构）办学类型",), ("名称",))
    assert isinstance(kind, Found) and (kind.cell, kind.cell_text) == ("C7", "幼儿园")
    assert FORM_111.find_below(("学校地址",), ("名称",)) == Miss("找不到“学校地址”一项")
