"""The shapes county spreadsheets come in (issue 10): a title above the header, semicolons or tabs,
line breaks in headers, merged cells, Excel error cells; and the bad input that must not pass silently:
rows with more cells than the header, files mixing two encodings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from junheng.cli import main
from junheng.io.errors import DataFileError
from junheng.io.reader import read_labelled, read_school_file
from junheng.standards import Standard
from tests.io.builders import PRIMARY_SCHOOL, issues_of, only_issue

HEADER = list(PRIMARY_SCHOOL)
ROW = list(PRIMARY_SCHOOL.values())
SECOND = [*ROW[:2], "2134000002", "平安县第二小学", *ROW[4:]]


def _csv(folder: Path, lines: list[str], *, encoding: str = "utf-8") -> Path:
    path = folder / "schools.csv"
    path.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    return path


def _xlsx(folder: Path, rows: Sequence[Sequence[object]], *, merge: tuple[str, ...] = ()) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cells in merge:
        sheet.merge_cells(cells)
    path = folder / "schools.xlsx"
    workbook.save(path)
    return path


def _numbers(row: list[str]) -> list[object]:
    return [int(cell) if cell.isdigit() else cell for cell in row]


# A title line above the header


def test_a_title_line_above_the_header_of_a_csv(tmp_path: Path, national: Standard) -> None:
    path = _csv(tmp_path, ["甲县2025年学校数据", ",".join(HEADER), ",".join(ROW)])

    table = read_school_file(path, national)

    assert table["school_id"].to_list() == ["2134000001"]
    assert table["row"].to_list() == [3]


def test_a_merged_title_row_above_the_header_of_a_workbook(tmp_path: Path, national: Standard) -> None:
    path = _xlsx(tmp_path, [["甲县2025年学校数据"], [], HEADER, _numbers(ROW)], merge=("A1:R1",))

    table = read_school_file(path, national)

    assert table["students_primary"].to_list() == [530]
    assert table["row"].to_list() == [4]


def test_a_problem_under_a_title_names_the_row_the_sheet_shows(tmp_path: Path, national: Standard) -> None:
    wrong = [*SECOND[:5], "12.5", *SECOND[6:]]
    path = _xlsx(tmp_path, [["甲县2025年学校数据"], HEADER, _numbers(ROW), wrong])

    issue = only_issue(path, national)

    assert (issue.row, issue.column, issue.value) == (4, "小学在校生数", "12.5")


# Delimiters


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_semicolon_or_tab_separated_file(tmp_path: Path, national: Standard, delimiter: str) -> None:
    lines = [delimiter.join(HEADER), delimiter.join(ROW), delimiter.join(SECOND)]
    path = _csv(tmp_path, lines)

    table = read_school_file(path, national)

    assert table["school_id"].to_list() == ["2134000001", "2134000002"]
    assert table["sports_area_m2"].to_list() == [4000.0, 4000.0]


def test_a_header_with_no_known_column_says_so_in_chinese(tmp_path: Path, national: Standard) -> None:
    path = _csv(tmp_path, ["编号,名字,数量", "1,一小,30"])

    issues = issues_of(path, national)

    assert (issues[0].row, issues[0].column) == (1, None)
    assert "第 1 行应为表头，但其中没有一列能识别" in issues[0].message
    assert "缺少必需的列“年度”" in issues[1].message


# Headers with line breaks and spaces


@pytest.mark.parametrize("header", ["学校\n名称", "学校  名称", "学校\u3000名称", " 学校 名称 "])
def test_a_header_with_a_line_break_or_inner_spaces_is_recognised(
    tmp_path: Path, national: Standard, header: str
) -> None:
    path = _xlsx(tmp_path, [[header if h == "学校名称" else h for h in HEADER], _numbers(ROW)])

    assert read_school_file(path, national)["school_name"].to_list() == ["平安县城关小学"]


def test_a_problem_names_a_broken_header_on_one_line(tmp_path: Path, national: Standard) -> None:
    header = ["小学在校\n生数" if h == "小学在校生数" else h for h in HEADER]
    path = _xlsx(tmp_path, [header, [*_numbers(ROW)[:5], "many", *_numbers(ROW)[6:]]])

    assert only_issue(path, national).column == "小学在校 生数"


# Merged cells


def test_a_county_cell_merged_over_its_schools_is_read_on_each_row(tmp_path: Path, national: Standard) -> None:
    third = [*ROW[:2], "2134000003", "平安县第三小学", *ROW[4:]]
    rows: list[Sequence[object]] = [HEADER, _numbers(ROW), [*_numbers(SECOND)[:1], None, *_numbers(SECOND)[2:]]]
    rows.append([*_numbers(third)[:1], None, *_numbers(third)[2:]])
    path = _xlsx(tmp_path, rows, merge=("B2:B4",))

    assert read_school_file(path, national)["county"].to_list() == ["平安县"] * 3


# Excel error cells and formulas without their result


@pytest.mark.parametrize("error", ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!"])
def test_an_excel_error_cell_is_named_as_such(tmp_path: Path, national: Standard, error: str) -> None:
    path = _xlsx(tmp_path, [HEADER, [*_numbers(ROW)[:14], error, *_numbers(ROW)[15:]]])

    issue = only_issue(path, national)

    assert (issue.row, issue.column, issue.value) == (2, "教学及辅助用房面积", error)
    assert issue.message.startswith(f"公式出错（{error}）")


def test_an_error_in_an_optional_column_is_named_too(tmp_path: Path, national: Standard) -> None:
    path = _xlsx(tmp_path, [[*HEADER, "小学班级数"], [*_numbers(ROW), "#DIV/0!"]])

    issue = only_issue(path, national)

    assert (issue.row, issue.column) == (2, "小学班级数")
    assert "公式出错（#DIV/0!）" in issue.message


def test_an_error_in_a_column_not_read_is_ignored(tmp_path: Path, national: Standard) -> None:
    path = _xlsx(tmp_path, [[*HEADER, "备注"], [*_numbers(ROW), "#N/A"]])

    assert read_school_file(path, national).height == 1


def test_a_formula_saved_without_its_result(tmp_path: Path, national: Standard) -> None:
    # openpyxl writes a formula without a cached value, as programs that make workbooks do.
    path = _xlsx(tmp_path, [HEADER, [*_numbers(ROW)[:5], "=500+30", *_numbers(ROW)[6:]]])

    issue = only_issue(path, national)

    assert (issue.row, issue.column, issue.value) == (2, "小学在校生数", "=500+30")
    assert "没有保存它的计算结果" in issue.message
    assert "不能为空" not in issue.message


# Rows that do not line up with the header


def test_an_unquoted_thousands_separator_is_an_error_at_its_row(tmp_path: Path, national: Standard) -> None:
    row = ",".join(ROW).replace(",1200000,", ",1,200,000,")
    path = _csv(tmp_path, [",".join(HEADER), ",".join(SECOND), row])

    issue = only_issue(path, national)

    assert (issue.row, issue.column) == (3, None)
    assert "这一行有 20 个单元格，而表头只有 18 列" in issue.message
    assert '"1,000,000"' in issue.message


def test_a_quoted_thousands_separator_is_read(tmp_path: Path, national: Standard) -> None:
    row = ",".join(ROW).replace(",1200000,", ',"1,200,000",')
    path = _csv(tmp_path, [",".join(HEADER), row])

    assert read_school_file(path, national)["equipment_value_yuan"].to_list() == [1_200_000.0]


def test_a_row_with_fewer_cells_than_the_header(tmp_path: Path, national: Standard) -> None:
    path = _csv(tmp_path, [",".join(HEADER), ",".join(ROW[:-2])])

    first, *cells = issues_of(path, national)

    assert (first.row, first.column) == (2, None)
    assert "这一行只有 16 个单元格，而表头有 18 列" in first.message
    assert [issue.column for issue in cells] == ["教学仪器设备值", "网络多媒体教室数"]


def test_a_trailing_empty_cell_is_not_a_ragged_row(tmp_path: Path, national: Standard) -> None:
    path = _csv(tmp_path, [",".join(HEADER), ",".join(ROW) + ","])

    assert read_school_file(path, national).height == 1


# Encodings


def test_a_file_mixing_utf8_and_gbk_rows_names_the_odd_rows(tmp_path: Path, national: Standard) -> None:
    utf8 = [",".join(HEADER).encode(), ",".join(ROW).encode()]
    third = [*ROW[:2], "2134000003", "平安县第三小学", *ROW[4:]]
    gbk = [",".join(SECOND).encode("gbk"), ",".join(third).encode("gbk")]
    path = tmp_path / "schools.csv"
    path.write_bytes(b"\n".join([*utf8, *gbk]) + b"\n")

    issues = issues_of(path, national)

    assert [(issue.row, issue.column) for issue in issues] == [(3, None), (4, None)]
    assert "这一行的文字编码是 GBK（GB18030），而文件其余各行是 UTF-8" in issues[0].message


def test_gbk_rows_that_happen_to_be_valid_utf8_are_still_gbk(tmp_path: Path, national: Standard) -> None:
    # "小学" in GBK is D0 A1 D1 A7, which is also valid UTF-8 (Cyrillic): it is not read as a mix.
    lines = [",".join(HEADER), ",".join(ROW), ",".join([*SECOND[:3], "小学", *SECOND[4:]])]
    path = _csv(tmp_path, lines, encoding="gbk")

    assert read_school_file(path, national)["school_name"].to_list() == ["平安县城关小学", "小学"]


def test_undecodable_bytes_name_their_row(tmp_path: Path, national: Standard) -> None:
    path = tmp_path / "schools.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\n" + ",".join(ROW).encode() + b"\n2025,\xff\xfe\x80\n")

    issue = only_issue(path, national)

    assert issue.row == 3
    assert "无法识别的字节" in issue.message


# The labelled tables (class lists, intakes, school places) read the same shapes


def test_a_labelled_table_under_a_title_with_a_broken_header(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["2025年秋季班级名单"], ["学校\n标识码", "学生数"], [4521010001, 40]])

    assert read_labelled(path, "表.xlsx", ["学校标识码", "学生数"]) == [
        (3, {"学校标识码": "4521010001", "学生数": "40"})
    ]


def test_a_labelled_table_refuses_an_error_cell_it_reads(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["学校标识码", "学生数"], [4521010001, "#DIV/0!"]])

    with pytest.raises(DataFileError) as raised:
        read_labelled(path, "表.xlsx", ["学校标识码", "学生数"])

    [issue] = raised.value.issues
    assert (issue.row, issue.column, issue.message[:15]) == (2, "学生数", "公式出错（#DIV/0!）；请")


def test_a_labelled_semicolon_file_with_a_ragged_row(tmp_path: Path) -> None:
    path = tmp_path / "表.csv"
    path.write_text("学校标识码;学生数\n4521010001;40\n4521010002;1;200\n", encoding="utf-8")

    with pytest.raises(DataFileError) as raised:
        read_labelled(path, "表.csv", ["学校标识码", "学生数"])

    [issue] = raised.value.issues
    assert issue.row == 3
    assert "这一行有 3 个单元格，而表头只有 2 列" in issue.message


def test_junheng_evaluate_on_a_header_with_no_known_column_prints_chinese_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, ["编号,名字,数量", "1,一小,30"])

    assert main(["evaluate", str(path)]) == 2

    printed = capsys.readouterr()
    assert f"{path}:1:-: 第 1 行应为表头，但其中没有一列能识别" in printed.err + printed.out
    assert "Traceback" not in printed.err
