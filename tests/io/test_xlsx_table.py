"""The one Excel writer behind every "导出 Excel" (issue 12 §5): numbers as numbers with the decimals of their
kind, units in the header, an autofilter on the header row, the header frozen, text never a formula."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from junheng.io.xlsx_table import Column, Kind, Table, workbook_bytes


def sheet_of(*tables: Table, index: int = 0) -> Worksheet:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(tables)))
    sheet = book.worksheets[index]
    assert isinstance(sheet, Worksheet)
    return sheet


AREA = Column("生均教学及辅助用房面积", [4.5, 3.21, "无定义"], Kind.AREA, unit="㎡")
NAMES = Column("学校", ["实验小学", '=HYPERLINK("http://x")', "-1+2"])
STUDENTS = Column("在校生数", [1234, 56, None], Kind.COUNT, unit="人")
REASONS = Column("原因", ["转入 20 人", "", None])


def test_figures_are_numbers_with_the_decimals_of_their_kind_and_units_in_the_header() -> None:
    sheet = sheet_of(Table("各校数据", [NAMES, STUDENTS, AREA]))
    assert [c.value for c in sheet[1]] == ["学校", "在校生数（人）", "生均教学及辅助用房面积（㎡）"]
    students, area = sheet["B2"], sheet["C2"]
    assert (students.value, students.data_type, students.number_format) == (1234, "n", "#,##0")
    assert (area.value, area.data_type, area.number_format) == (4.5, "n", "#,##0.00")
    # what the page shows as text stays text; an empty figure is an empty cell
    assert (sheet["C4"].value, sheet["C4"].data_type) == ("无定义", "s")
    assert sheet["B4"].value is None


def test_empty_text_is_an_empty_cell() -> None:
    sheet = sheet_of(Table("修改记录", [REASONS]))
    assert [sheet["A3"].value, sheet["A4"].value] == [None, None]


def test_the_filter_spans_header_and_rows_and_the_header_is_frozen() -> None:
    sheet = sheet_of(Table("各校数据", [NAMES, STUDENTS, AREA]))
    assert sheet.auto_filter.ref == "A1:C4"
    assert sheet.freeze_panes == "A2"


def test_with_a_title_row_the_filter_and_the_frozen_rows_start_at_the_header() -> None:
    sheet = sheet_of(Table("各校数据", [NAMES, STUDENTS], title="示范县 2025 年各校数据"))
    assert sheet["A1"].value == "示范县 2025 年各校数据"
    assert sheet["A2"].value == "学校"
    assert sheet.auto_filter.ref == "A2:B5"
    assert sheet.freeze_panes == "A3"


def test_text_that_begins_like_a_formula_stays_text() -> None:
    sheet = sheet_of(Table("各校数据", [NAMES]))
    assert (sheet["A3"].value, sheet["A3"].data_type) == ('=HYPERLINK("http://x")', "s")
    assert (sheet["A4"].value, sheet["A4"].data_type) == ("-1+2", "s")


def test_coefficients_years_percentages_and_moments_have_their_own_formats() -> None:
    columns = [
        Column("年度", [2025], Kind.YEAR),
        Column("差异系数", [0.5505], Kind.COEFFICIENT, decimals=4),
        Column("占比", [0.125], Kind.PERCENT),
        Column("时间", [datetime.datetime(2025, 3, 1, 9, 30, 5)], Kind.DATETIME),
        Column("实际值", [4.1999], Kind.VALUE, unit="人", cell_decimals=[4]),
    ]
    sheet = sheet_of(Table("格式", columns))
    assert [sheet.cell(2, c).number_format for c in range(1, 6)] == [
        "0",
        "#,##0.0000",
        "#,##0.0%",
        "yyyy-mm-dd hh:mm:ss",
        "#,##0.0000",
    ]
    assert sheet["D2"].value == datetime.datetime(2025, 3, 1, 9, 30, 5)


def test_an_empty_table_keeps_its_header_and_filter() -> None:
    sheet = sheet_of(Table("空表", [Column("学校", []), Column("在校生数", [], Kind.COUNT, unit="人")]))
    assert [c.value for c in sheet[1]] == ["学校", "在校生数（人）"]
    assert sheet.auto_filter.ref == "A1:B1"


def test_sheet_names_are_made_acceptable_and_unique() -> None:
    tables = [Table("小学/初中：差异系数[2025]", [NAMES]), Table("小学/初中：差异系数[2025]", [NAMES])]
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(tables)))
    assert book.sheetnames == ["小学_初中：差异系数_2025_", "小学_初中：差异系数_2025_(2)"]


def test_columns_of_unequal_length_are_refused() -> None:
    with pytest.raises(ValueError, match="各列行数不一致"):
        Table("各校数据", [NAMES, Column("在校生数", [1], Kind.COUNT)])
