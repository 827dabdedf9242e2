"""Reading an Excel workbook (contracts.md §1): which sheet, real row numbers, numbers Excel keeps as floats."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path

import openpyxl
import pytest

from junheng.io.reader import read_school_file
from junheng.standards import Standard
from tests.io.builders import FIXTURES, PRIMARY_SCHOOL, issues_of

THREE_SCHOOLS = FIXTURES / "reader_three_schools.csv"
NOTE: list[list[object]] = [["本表为 2025 年学校数据，请勿改动表头"]]


def _typed(cell: str) -> str | int | float:
    """A cell as Excel would hold it after a person typed it: numbers become numbers."""
    try:
        return int(cell)
    except ValueError:
        pass
    try:
        return float(cell)
    except ValueError:
        return cell


def _three_schools() -> list[list[str | int | float]]:
    with THREE_SCHOOLS.open(encoding="utf-8") as source:
        header, *rows = csv.reader(source)
    return [list(header), *([_typed(cell) for cell in row] for row in rows)]


def write_workbook(
    path: Path,
    sheets: Mapping[str, Sequence[Sequence[object]]],
    *,
    top_left: str = "A1",
) -> Path:
    """A workbook with the given sheets in order, each sheet's rows starting at `top_left`."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    first_row, first_col = openpyxl.utils.cell.coordinate_to_tuple(top_left)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.cell(row=first_row + r, column=first_col + c, value=value)
    workbook.save(path)
    return path


def test_a_workbook_reads_like_the_same_csv(tmp_path: Path, national: Standard) -> None:
    path = write_workbook(tmp_path / "schools.xlsx", {"Sheet1": _three_schools()})

    assert read_school_file(path, national).equals(read_school_file(THREE_SCHOOLS, national))


def test_numbers_excel_keeps_as_floats_read_as_typed(tmp_path: Path, national: Standard) -> None:
    rows = _three_schools()
    rows[1][rows[0].index("学校标识码")] = 2134000001.0
    rows[1][rows[0].index("小学在校生数")] = 530.0
    path = write_workbook(tmp_path / "schools.xlsx", {"Sheet1": rows})
    table = read_school_file(path, national)

    assert table["school_id"][0] == "2134000001"
    assert table["county_code"][0] == "130101"
    assert table["students_primary"][0] == 530


def test_an_empty_first_row_and_column_keep_the_sheet_row_numbers(tmp_path: Path, national: Standard) -> None:
    path = write_workbook(tmp_path / "schools.xlsx", {"Sheet1": _three_schools()}, top_left="B2")

    assert read_school_file(path, national)["row"].to_list() == [3, 4, 5]


def test_problems_name_the_row_the_sheet_shows(tmp_path: Path, national: Standard) -> None:
    rows = _three_schools()
    rows[2][rows[0].index("初中在校生数")] = 12.5
    path = write_workbook(tmp_path / "schools.xlsx", {"Sheet1": rows}, top_left="A3")

    [issue] = issues_of(path, national)

    assert (issue.row, issue.column) == (5, "初中在校生数")
    assert "“12.5”应为整数" in issue.message


def test_empty_rows_inside_the_sheet_are_skipped(tmp_path: Path, national: Standard) -> None:
    header, first, second, third = _three_schools()
    path = write_workbook(tmp_path / "schools.xlsx", {"Sheet1": [header, first, [], [None, ""], second, third]})

    assert read_school_file(path, national)["row"].to_list() == [2, 5, 6]


def test_the_sheet_named_school_data_is_read_even_when_not_first(tmp_path: Path, national: Standard) -> None:
    path = write_workbook(tmp_path / "schools.xlsx", {"说明": NOTE, "学校数据": _three_schools()})

    assert read_school_file(path, national).height == 3


def test_the_first_sheet_is_read_when_none_is_named_school_data(tmp_path: Path, national: Standard) -> None:
    path = write_workbook(tmp_path / "schools.xlsx", {"2025年": _three_schools(), "说明": NOTE})

    assert read_school_file(path, national).height == 3


def test_a_sheet_chosen_by_name(tmp_path: Path, national: Standard) -> None:
    header, *rows = _three_schools()
    sheets = {"学校数据": [header, *rows], "2024年": [header, rows[0]]}
    path = write_workbook(tmp_path / "schools.xlsx", sheets)

    assert read_school_file(path, national, sheet="2024年").height == 1


def test_a_sheet_that_does_not_exist(tmp_path: Path, national: Standard) -> None:
    path = write_workbook(tmp_path / "schools.xlsx", {"学校数据": _three_schools()})

    [issue] = issues_of(path, national, sheet="2024年")

    assert (issue.row, issue.column) == (None, None)
    assert "没有名为“2024年”的工作表" in issue.message
    assert "学校数据" in issue.message


def test_a_macro_workbook_is_read_too(tmp_path: Path, national: Standard) -> None:
    path = write_workbook(tmp_path / "schools.xlsm", {"Sheet1": _three_schools()})

    assert read_school_file(path, national).height == 3


def test_true_and_false_cells_answer_yes_no(tmp_path: Path, national: Standard) -> None:
    header = [*PRIMARY_SCHOOL, "寄宿制学校"]
    rows = [[_typed(cell) for cell in PRIMARY_SCHOOL.values()] + [flag] for flag in (True, False)]
    rows[1][header.index("学校标识码")] = "2134000002"
    path = write_workbook(tmp_path / "schools.xlsx", {"Sheet1": [header, *rows]})

    assert read_school_file(path, national)["boarding"].to_list() == [True, False]


def test_a_workbook_with_only_empty_sheets(tmp_path: Path, national: Standard) -> None:
    path = write_workbook(tmp_path / "schools.xlsx", {"Sheet1": []})

    [issue] = issues_of(path, national)

    assert "文件是空的" in issue.message


@pytest.mark.parametrize("content", [b"", b"not a workbook", b"PK\x03\x04broken"])
def test_a_corrupt_workbook(tmp_path: Path, national: Standard, content: bytes) -> None:
    path = tmp_path / "schools.xlsx"
    path.write_bytes(content)

    [issue] = issues_of(path, national)

    assert (issue.file, issue.row, issue.column) == (str(path), None, None)
    assert "无法打开 Excel 工作簿" in issue.message
