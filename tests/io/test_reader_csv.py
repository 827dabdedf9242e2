"""Reading a valid CSV data file (contracts.md §1): headers, encodings, units, empty cells, row numbers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from junheng.io.reader import read_school_file
from junheng.schema import FIELDS
from junheng.standards import Standard, load_standard
from tests.io.builders import FIXTURES, write_schools

THREE_SCHOOLS = FIXTURES / "reader_three_schools.csv"

# The first row of THREE_SCHOOLS as the reader gives it.
FIRST_SCHOOL = {
    "year": 2025,
    "county": "平安县",
    "county_code": "130101",
    "school_id": "2134000001",
    "school_name": "平安县城关小学",
    "school_type": "primary",
    "ownership": "public",
    "area_type": "urban",
    "boarding": False,
    "students_primary": 530,
    "students_junior": 0,
    "classes_primary": 12,
    "teachers_above_degree_primary": 25,
    "teaching_aux_area_m2": 2400.5,
    "sports_area_m2": 4000.0,
    "equipment_value_yuan": 1200000.0,
    "multimedia_rooms": 14,
    "row": 2,
}


def test_chinese_headers_give_one_typed_row_per_school(national: Standard) -> None:
    table = read_school_file(THREE_SCHOOLS, national)

    assert table.columns == [*(f.key for f in FIELDS), "row"]
    assert table.height == 3
    first = table.row(0, named=True)
    assert {key: first[key] for key in FIRST_SCHOOL} == FIRST_SCHOOL
    assert table["school_type"].to_list() == ["primary", "junior", "nine_year"]
    assert table["boarding"].to_list() == [False, True, False]
    assert table["row"].to_list() == [2, 3, 4]


def test_every_column_has_the_dtype_of_its_kind(national: Standard) -> None:
    schema = read_school_file(THREE_SCHOOLS, national).schema

    assert schema["year"] == pl.Int64
    assert schema["students_primary"] == pl.Int64
    assert schema["equipment_value_yuan"] == pl.Float64
    assert schema["school_type"] == pl.String
    assert schema["ownership"] == pl.String
    assert schema["boarding"] == pl.Boolean
    assert schema["row"] == pl.Int64


def test_english_headers_in_another_order_read_the_same(national: Standard) -> None:
    english = read_school_file(FIXTURES / "reader_three_schools_english.csv", national)

    assert english.equals(read_school_file(THREE_SCHOOLS, national))


def test_english_and_chinese_headers_mixed_in_one_file(tmp_path: Path, national: Standard) -> None:
    path = write_schools(
        tmp_path, rename={"年度": "year", "小学在校生数": "students_primary", "学校类型": "School_Type"}
    )
    table = read_school_file(path, national)

    assert table.select("year", "students_primary", "school_type").row(0) == (2025, 530, "primary")


def test_an_optional_column_left_out_is_null_not_zero(national: Standard) -> None:
    table = read_school_file(THREE_SCHOOLS, national)

    assert table["music_rooms"].dtype == pl.Int64
    assert table["music_rooms"].null_count() == 3
    assert table["music_room_min_area_m2"].dtype == pl.Float64
    assert table["music_room_min_area_m2"].null_count() == 3


def test_an_empty_optional_cell_is_null_not_zero(tmp_path: Path, national: Standard) -> None:
    path = write_schools(tmp_path, {"小学班级数": "12"}, {"小学班级数": ""})

    assert read_school_file(path, national)["classes_primary"].to_list() == [12, None]


def test_unknown_columns_are_left_out(national: Standard) -> None:
    table = read_school_file(THREE_SCHOOLS, national)

    assert "备注" not in table.columns


def test_a_byte_order_mark_is_ignored(tmp_path: Path, national: Standard) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + THREE_SCHOOLS.read_bytes())

    assert read_school_file(path, national).equals(read_school_file(THREE_SCHOOLS, national))


def test_a_gb18030_file_as_chinese_excel_saves_it(tmp_path: Path, national: Standard) -> None:
    path = tmp_path / "gb18030.csv"
    path.write_bytes(THREE_SCHOOLS.read_text(encoding="utf-8").encode("gb18030"))

    assert read_school_file(path, national).equals(read_school_file(THREE_SCHOOLS, national))


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(national: Standard) -> None:
    table = read_school_file(FIXTURES / "reader_blank_rows.csv", national)

    assert table["school_id"].to_list() == ["2134000001", "2134000002"]
    assert table["row"].to_list() == [3, 6]


def test_a_quoted_cell_spanning_lines_is_one_row(tmp_path: Path, national: Standard) -> None:
    path = write_schools(tmp_path, {"学校名称": "城关小学\n（东校区）"}, {})

    assert read_school_file(path, national)["row"].to_list() == [2, 3]


def test_cells_and_headers_are_stripped(tmp_path: Path, national: Standard) -> None:
    path = write_schools(tmp_path, {"县区": "  平安县 ", "小学在校生数": " 530 "}, rename={"县区": " 县区 "})
    table = read_school_file(path, national)

    assert table["county"].to_list() == ["平安县"]
    assert table["students_primary"].to_list() == [530]


def test_equipment_value_in_wan_yuan_is_stored_in_yuan(tmp_path: Path, national: Standard) -> None:
    path = write_schools(tmp_path, {"教学仪器设备值": "12.34"}, rename={"教学仪器设备值": "教学仪器设备值（万元）"})

    assert read_school_file(path, national)["equipment_value_yuan"].to_list() == [123400.0]


@given(st.decimals(min_value=0, max_value=100_000, places=4))
def test_wan_yuan_with_four_decimals_converts_exactly(
    tmp_path_factory: pytest.TempPathFactory, amount: Decimal
) -> None:
    folder = tmp_path_factory.mktemp("wan")
    path = write_schools(folder, {"教学仪器设备值": str(amount)}, rename={"教学仪器设备值": "教学仪器设备值(万元)"})

    stored = read_school_file(path, load_standard("national-2017"))["equipment_value_yuan"][0]

    assert stored == float(amount * 10_000)


@pytest.mark.parametrize("header", ["教学仪器设备值(元)", "equipment_value_yuan（元）", "教学仪器设备值 （元）"])
def test_equipment_value_in_yuan_is_kept(tmp_path: Path, national: Standard, header: str) -> None:
    path = write_schools(tmp_path, {"教学仪器设备值": "12.34"}, rename={"教学仪器设备值": header})

    assert read_school_file(path, national)["equipment_value_yuan"].to_list() == [12.34]


@pytest.mark.parametrize("unit", ["㎡", "m2", "M2", "m²", "平方米"])
def test_an_area_column_may_name_its_unit(tmp_path: Path, national: Standard, unit: str) -> None:
    path = write_schools(tmp_path, rename={"体育运动场馆面积": f"体育运动场馆面积（{unit}）"})

    assert read_school_file(path, national)["sports_area_m2"].to_list() == [4000.0]


@pytest.mark.parametrize(
    ("header", "unit", "key"),
    [
        ("小学在校生数", "人", "students_primary"),
        ("网络多媒体教室数", "间", "multimedia_rooms"),
        ("小学班级数", "个", "classes_primary"),
    ],
)
def test_a_count_column_may_name_what_it_counts(
    tmp_path: Path, national: Standard, header: str, unit: str, key: str
) -> None:
    path = write_schools(tmp_path, {header: "12"}, rename={header: f"{header}({unit})"})

    assert read_school_file(path, national)[key].to_list() == [12]


@pytest.mark.parametrize(("cell", "value"), [("12.0", 12), ("1,234", 1234), ("1e3", 1000), ("+7", 7)])
def test_whole_numbers_in_other_spellings(tmp_path: Path, national: Standard, cell: str, value: int) -> None:
    path = write_schools(tmp_path, {"小学在校生数": cell})

    assert read_school_file(path, national)["students_primary"].to_list() == [value]


def test_school_types_choices_and_yes_no_in_their_other_spellings(tmp_path: Path, national: Standard) -> None:
    path = write_schools(
        tmp_path,
        {"学校类型": "完全小学", "办学性质": "民办", "城乡分类": "镇区", "寄宿制学校": "是"},
        {"学校类型": "Primary", "办学性质": "public", "城乡分类": "rural", "寄宿制学校": "否"},
        {"学校类型": "教学点", "办学性质": "", "城乡分类": "", "寄宿制学校": ""},
    )
    table = read_school_file(path, national)

    assert table["school_type"].to_list() == ["primary", "primary", "teaching_point"]
    assert table["ownership"].to_list() == ["private", "public", None]
    assert table["area_type"].to_list() == ["town", "rural", None]
    assert table["boarding"].to_list() == [True, False, None]


def test_a_column_one_standard_needs_may_be_absent_under_another(tmp_path: Path) -> None:
    path = write_schools(
        tmp_path,
        {"计算机台数": "80", "图书册数": "12000", "小学专任教师数": "30", "初中专任教师数": "0"}
        | {"小学中级及以上职称教师数": "12", "初中中级及以上职称教师数": "0"},
        drop=["小学县级以上骨干教师数", "初中县级以上骨干教师数", "网络多媒体教室数"],
    )
    table = read_school_file(path, load_standard("basic-2012"))

    assert table["books"].to_list() == [12000]
    assert table["multimedia_rooms"].to_list() == [None]
