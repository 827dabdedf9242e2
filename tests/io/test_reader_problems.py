"""Every problem in a data file is found at once, each at its row and column, in Chinese (contracts.md §1, §2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from junheng.io.errors import DataFileError, DataIssue
from junheng.io.reader import read_school_file
from junheng.standards import Standard
from tests.io.builders import FIXTURES, issues_of, only_issue, write_schools


def test_many_problems_are_all_reported_in_row_then_column_order(national: Standard) -> None:
    issues = issues_of(FIXTURES / "reader_many_errors.csv", national)

    assert [(issue.row, issue.column) for issue in issues] == [
        (1, "教学仪器设备值（美元）"),
        (3, "小学在校生数"),
        (3, "教学及辅助用房面积"),
        (4, "县区"),
        (4, "学校标识码"),
        (4, "网络多媒体教室数"),
        (5, "年度"),
        (5, "学校类型"),
    ]
    assert [issue.value for issue in issues] == ["美元", "12.5", "abc", None, "2134000001", "-2", "202X", "高中"]
    assert all(issue.file == str(FIXTURES / "reader_many_errors.csv") for issue in issues)


def test_an_issue_prints_as_file_row_column_message() -> None:
    issue = DataIssue("学校.csv", 3, "小学在校生数", "“12.5”应为整数", "12.5")
    whole_file = DataIssue("学校.csv", None, None, "文件是空的")

    assert issue.format() == "学校.csv:3:小学在校生数: “12.5”应为整数"
    assert whole_file.format() == "学校.csv:-:-: 文件是空的"
    assert str(DataFileError([issue, whole_file])) == f"{issue.format()}\n{whole_file.format()}"


# File-level problems


def test_a_missing_file(tmp_path: Path, national: Standard) -> None:
    issue = only_issue(tmp_path / "没有.csv", national)

    assert (issue.row, issue.column) == (None, None)
    assert "找不到" in issue.message


@pytest.mark.parametrize("name", ["schools.xls", "schools.txt", "schools"])
def test_a_file_of_another_type(tmp_path: Path, national: Standard, name: str) -> None:
    path = tmp_path / name
    path.write_text("年度\n2025\n", encoding="utf-8")

    issue = only_issue(path, national)

    assert "不支持的文件类型" in issue.message
    assert ".xlsx" in issue.message


def test_a_folder(tmp_path: Path, national: Standard) -> None:
    folder = tmp_path / "schools.csv"
    folder.mkdir()

    assert "不是一个文件" in only_issue(folder, national).message


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n"])
def test_an_empty_file(tmp_path: Path, national: Standard, content: bytes) -> None:
    path = tmp_path / "schools.csv"
    path.write_bytes(content)

    issue = only_issue(path, national)

    assert (issue.row, issue.column) == (None, None)
    assert "文件是空的" in issue.message


def test_a_header_without_data_rows(tmp_path: Path, national: Standard) -> None:
    path = tmp_path / "schools.csv"
    path.write_text(
        (FIXTURES / "reader_three_schools.csv").read_text(encoding="utf-8").splitlines()[0] + "\n,,\n", encoding="utf-8"
    )

    issue = only_issue(path, national)

    assert (issue.row, issue.column) == (None, None)
    assert "没有数据" in issue.message


def test_a_file_in_no_chinese_encoding(tmp_path: Path, national: Standard) -> None:
    path = tmp_path / "schools.csv"
    path.write_bytes(b"\xff\xfe\x00\x80")

    assert "编码" in only_issue(path, national).message


def test_unbalanced_quotes(tmp_path: Path, national: Standard) -> None:
    path = tmp_path / "schools.csv"
    path.write_text('年度,县区\n2025,"平安县\n', encoding="utf-8")

    issue = only_issue(path, national)

    assert (issue.row, issue.column) == (None, None)
    assert "无法解析 CSV 文件" in issue.message


# Header problems


def test_a_missing_required_column_names_label_and_key(tmp_path: Path, national: Standard) -> None:
    issue = only_issue(write_schools(tmp_path, drop=["学校名称"]), national)

    assert (issue.row, issue.column) == (1, "学校名称")
    assert "缺少必需的列“学校名称”" in issue.message
    assert "school_name" in issue.message


def test_a_column_the_standard_needs_is_required(tmp_path: Path, national: Standard) -> None:
    issue = only_issue(write_schools(tmp_path, drop=["初中县级以上骨干教师数"]), national)

    assert (issue.row, issue.column) == (1, "初中县级以上骨干教师数")
    assert "backbone_teachers_junior" in issue.message


def test_an_unknown_unit(tmp_path: Path, national: Standard) -> None:
    path = write_schools(tmp_path, rename={"教学仪器设备值": "教学仪器设备值（美元）"})

    issue = only_issue(path, national)

    assert (issue.row, issue.column, issue.value) == (1, "教学仪器设备值（美元）", "美元")
    assert "单位“美元”无法识别" in issue.message
    assert "元 或 万元" in issue.message


@pytest.mark.parametrize("header", ["学校名称（全称）", "体育运动场馆面积（亩）", "小学在校生数（万人）"])
def test_a_unit_on_a_column_that_cannot_have_it(tmp_path: Path, national: Standard, header: str) -> None:
    label = header.split("（")[0]
    issue = only_issue(write_schools(tmp_path, rename={label: header}), national)

    assert (issue.row, issue.column) == (1, header)
    assert "无法识别" in issue.message


def test_the_same_field_twice(tmp_path: Path, national: Standard) -> None:
    path = write_schools(tmp_path, {"year": "2025"})

    issue = only_issue(path, national)

    assert (issue.row, issue.column) == (1, "year")
    assert "与表头“年度”是同一项" in issue.message


# Cell problems


@pytest.mark.parametrize(
    ("header", "cell", "expected"),
    [
        ("小学在校生数", "", "小学在校生数不能为空；没有的请填 0"),
        ("学校名称", "", "学校名称不能为空"),
        ("学校类型", " ", "学校类型不能为空"),
        ("小学在校生数", "12.5", "“12.5”应为整数"),
        ("网络多媒体教室数", "-3", "“-3”是负数"),
        ("体育运动场馆面积", "-0.5", "“-0.5”是负数"),
        ("体育运动场馆面积", "abc", "“abc”不是数字"),
        ("教学及辅助用房面积", "1,2", "“1,2”不是数字"),
        ("小学在校生数", "530人", "“530人”不是数字"),
        ("教学仪器设备值", "nan", "“nan”不是数字"),
        ("小学班级数", "1e20", "“1e20”超出小学班级数的合理范围：应在 0 至 1,000 之间"),
        ("年度", "1989", "年度“1989”应为 1990 至 2100 之间的整数"),
        ("年度", "2025.5", "年度“2025.5”应为 1990 至 2100 之间的整数"),
        ("年度", "二〇二五", "年度“二〇二五”应为 1990 至 2100 之间的整数"),
        ("办学性质", "私立", "办学性质“私立”无法识别；应为“公办”或“民办”"),
        ("城乡分类", "郊区", "城乡分类“郊区”无法识别；应为“城区”、“镇区”或“乡村”"),
        ("寄宿制学校", "部分", "寄宿制学校“部分”无法识别；应为“是”或“否”"),
    ],
)
def test_a_wrong_cell(tmp_path: Path, national: Standard, header: str, cell: str, expected: str) -> None:
    issue = only_issue(write_schools(tmp_path, {}, {header: cell}), national)

    assert (issue.row, issue.column) == (3, header)
    assert expected in issue.message
    assert issue.value == (cell.strip() or None)


def test_an_unknown_school_type_lists_the_valid_ones(tmp_path: Path, national: Standard) -> None:
    issue = only_issue(write_schools(tmp_path, {"学校类型": "大学"}), national)

    assert (issue.row, issue.column) == (2, "学校类型")
    assert "学校类型“大学”无法识别" in issue.message
    assert "小学、初中、九年一贯制学校、完全中学、十二年一贯制学校、教学点、特殊教育学校" in issue.message


def test_a_problem_names_the_header_as_written(tmp_path: Path, national: Standard) -> None:
    path = write_schools(tmp_path, {"小学在校生数": "x"}, rename={"小学在校生数": "students_primary（人）"})

    assert only_issue(path, national).column == "students_primary（人）"


# Problems between cells


def test_a_school_twice_in_one_year(tmp_path: Path, national: Standard) -> None:
    same = {"学校标识码": "2134000001"}
    path = write_schools(tmp_path, same, {}, same, same | {"年度": "2024"}, same)

    issues = issues_of(path, national)

    assert [(issue.row, issue.column) for issue in issues] == [(4, "学校标识码"), (6, "学校标识码")]
    assert "学校标识码“2134000001”在 2025 年度重复，与第 2 行相同" in issues[0].message
    assert "与第 2 行相同" in issues[1].message


@pytest.mark.parametrize(
    ("header", "noun"),
    [
        ("初中高于规定学历教师数", "教师"),
        ("初中县级以上骨干教师数", "教师"),
        ("初中体育艺术专任教师数", "教师"),
        ("初中专任教师数", "教师"),
        ("初中中级及以上职称教师数", "教师"),
        ("初中班级数", "班级"),
        ("初中最大班额", "班额"),
    ],
)
def test_teachers_in_a_level_without_students(tmp_path: Path, national: Standard, header: str, noun: str) -> None:
    issue = only_issue(write_schools(tmp_path, {header: "3"}), national)

    assert (issue.row, issue.column, issue.value) == (2, header, "3")
    assert f"该学段有{noun}但没有学生" in issue.message


def test_students_of_a_level_the_school_type_does_not_have(tmp_path: Path, national: Standard) -> None:
    issue = only_issue(write_schools(tmp_path, {"初中在校生数": "120", "初中高于规定学历教师数": "8"}), national)

    assert (issue.row, issue.column, issue.value) == (2, "初中在校生数", "120")
    assert "学校类型为小学，不应有初中在校生" in issue.message


@pytest.mark.parametrize(
    ("school_type", "level"), [("初中", "小学"), ("教学点", "初中"), ("九年一贯制学校", "高中"), ("完全中学", "小学")]
)
def test_each_school_type_has_only_its_levels(tmp_path: Path, national: Standard, school_type: str, level: str) -> None:
    path = write_schools(tmp_path, {"学校类型": school_type, f"{level}在校生数": "40"})

    assert only_issue(path, national).column == f"{level}在校生数"


def test_no_cross_check_on_a_cell_already_wrong(tmp_path: Path, national: Standard) -> None:
    path = write_schools(tmp_path, {"小学在校生数": "abc"})

    assert only_issue(path, national).column == "小学在校生数"


def test_a_valid_file_raises_nothing(tmp_path: Path, national: Standard) -> None:
    assert read_school_file(write_schools(tmp_path, {}, {}), national).height == 2


def test_a_blank_teacher_count_in_a_level_without_students_reads_as_zero(tmp_path: Path, national: Standard) -> None:
    path = write_schools(
        tmp_path, {"初中高于规定学历教师数": "", "初中县级以上骨干教师数": "", "初中体育艺术专任教师数": ""}
    )

    table = read_school_file(path, national)

    assert table.row(0, named=True)["teachers_above_degree_junior"] == 0
    assert table.row(0, named=True)["backbone_teachers_junior"] == 0


def test_a_blank_teacher_count_in_a_level_with_students_is_still_required(tmp_path: Path, national: Standard) -> None:
    issue = only_issue(write_schools(tmp_path, {"小学县级以上骨干教师数": ""}), national)

    assert (issue.row, issue.column) == (2, "小学县级以上骨干教师数")
    assert "不能为空" in issue.message
