"""Writing the school data file (contracts.md §1): what is written reads back as the same table."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path
from typing import Any, Literal

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from junheng.io import datafile_writer
from junheng.io.datafile_writer import write_school_file
from junheng.io.reader import read_school_file
from junheng.schema import FIELDS, SCHOOL_TYPE_LABELS
from junheng.standards import load_standard
from junheng.synth import synthesize

NATIONAL = load_standard("national-2017")
FORMATS = [("csv", "zh"), ("csv", "en"), ("xlsx", "zh"), ("xlsx", "en")]


@pytest.fixture(scope="module")
def schools() -> pl.DataFrame:
    return synthesize(counties=2, years=(2024, 2025), seed=5)


def _cells(path: Path) -> list[list[Any]]:
    """The file's cells as python-calamine (XLSX) or Polars without type inference (CSV) give them."""
    if path.suffix == ".xlsx":
        workbook = CalamineWorkbook.from_path(str(path))
        return [list(row) for row in workbook.get_sheet_by_name("学校数据").to_python()]
    table = pl.read_csv(path, infer_schema=False, has_header=False)
    return [list(row) for row in table.iter_rows()]


def _members(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


@pytest.mark.parametrize(("suffix", "headers"), FORMATS)
def test_the_reader_gives_back_exactly_the_table_that_was_written(
    schools: pl.DataFrame, tmp_path: Path, suffix: str, headers: Literal["zh", "en"]
) -> None:
    path = tmp_path / f"schools.{suffix}"
    write_school_file(schools, path, headers=headers)
    back = read_school_file(path, NATIONAL)
    assert back.drop("row").equals(schools)


@pytest.mark.parametrize(("suffix", "headers"), FORMATS)
def test_headers_and_choices_are_chinese_or_english_and_values_unchanged(
    schools: pl.DataFrame, tmp_path: Path, suffix: str, headers: Literal["zh", "en"]
) -> None:
    path = tmp_path / f"schools.{suffix}"
    write_school_file(schools, path, headers=headers)
    header, *rows = _cells(path)
    expected = [f.label if headers == "zh" else f.key for f in FIELDS]
    assert header == expected
    assert len(rows) == schools.height
    column = {key: position for position, key in enumerate(f.key for f in FIELDS)}
    for written, record in zip(rows, schools.iter_rows(named=True), strict=True):
        assert written[column["school_name"]] == record["school_name"]
        assert str(written[column["school_id"]]) == record["school_id"]
        assert float(written[column["equipment_value_yuan"]]) == record["equipment_value_yuan"]
        assert int(float(written[column["students_primary"]])) == record["students_primary"]
        school_type = written[column["school_type"]]
        ownership, area, boarding = (written[column[key]] for key in ("ownership", "area_type", "boarding"))
        if headers == "zh":
            assert school_type == SCHOOL_TYPE_LABELS[record["school_type"]]
            assert ownership == {"public": "公办", "private": "民办"}[record["ownership"]]
            assert area == {"urban": "城区", "town": "镇区", "rural": "乡村"}[record["area_type"]]
            assert boarding == ("是" if record["boarding"] else "否")
        else:
            assert (school_type, ownership, area) == (record["school_type"], record["ownership"], record["area_type"])
            assert boarding == ("yes" if record["boarding"] else "no")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_nulls_are_written_as_empty_cells(schools: pl.DataFrame, tmp_path: Path, suffix: str) -> None:
    assert schools["music_room_min_area_m2"].null_count() > 0  # schools without a music room
    path = tmp_path / f"schools.{suffix}"
    write_school_file(schools, path)
    header, *rows = _cells(path)
    position = header.index("最小音乐教室面积")
    written = [row[position] for row in rows]
    for cell, value in zip(written, schools["music_room_min_area_m2"], strict=True):
        if value is None:
            assert cell in ("", None)
        else:
            assert float(cell) == value


@pytest.mark.parametrize("headers", ["zh", "en"])
def test_a_large_table_streamed_row_by_row_reads_back_the_same(
    schools: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, headers: Literal["zh", "en"]
) -> None:
    monkeypatch.setattr(datafile_writer, "_IN_MEMORY_CELLS", 100)  # stream this small table as if it were large
    path = tmp_path / "schools.xlsx"
    write_school_file(schools, path, headers=headers)
    assert "xl/sharedStrings.xml" not in _members(path)  # text inline
    assert read_school_file(path, NATIONAL).drop("row").equals(schools)


def test_csv_starts_with_a_bom_so_excel_reads_it_as_utf8(schools: pl.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "schools.csv"
    write_school_file(schools, path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:].decode("utf-8").startswith("年度,县区,县区代码,学校标识码,学校名称")


def test_xlsx_has_one_sheet_named_school_data_with_shared_strings_as_excel_saves_it(
    schools: pl.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "schools.xlsx"
    write_school_file(schools, path)
    assert CalamineWorkbook.from_path(str(path)).sheet_names == ["学校数据"]
    assert "xl/sharedStrings.xml" in _members(path)


def test_text_that_looks_like_a_formula_or_a_number_stays_text(schools: pl.DataFrame, tmp_path: Path) -> None:
    odd = schools.head(2).with_columns(
        pl.Series("school_name", ["=SUM(A1:A2)", "http://example.org 学校"]),
        pl.Series("school_id", ["0012345678", "0000000001"]),
    )
    path = tmp_path / "schools.xlsx"
    write_school_file(odd, path)
    back = read_school_file(path, NATIONAL)
    assert back["school_name"].to_list() == ["=SUM(A1:A2)", "http://example.org 学校"]
    assert back["school_id"].to_list() == ["0012345678", "0000000001"]


def test_nan_is_written_as_an_empty_cell(schools: pl.DataFrame, tmp_path: Path) -> None:
    with_nan = schools.head(1).with_columns(pl.lit(math.nan).alias("art_room_min_area_m2"))
    path = tmp_path / "schools.xlsx"
    write_school_file(with_nan, path)
    assert read_school_file(path, NATIONAL)["art_room_min_area_m2"].to_list() == [None]


def test_columns_outside_the_schema_are_left_out_and_absent_optional_ones_not_invented(
    schools: pl.DataFrame, tmp_path: Path
) -> None:
    table = schools.drop("books", "computers").with_columns(pl.lit(7).alias("row"), pl.lit("x").alias("备注"))
    path = tmp_path / "schools.csv"
    write_school_file(table, path, headers="en")
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header == [f.key for f in FIELDS if f.key not in ("books", "computers")]


def test_an_unknown_suffix_is_refused(schools: pl.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.xls"):
        write_school_file(schools, tmp_path / "schools.xls")


def test_annex_sheets_follow_the_school_data_and_the_reader_ignores_them(schools: pl.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    annex = {"数据来源": pl.DataFrame({"学校标识码": ["1"], "原始值": ["720"]})}
    write_school_file(schools, path, annex=annex)
    with CalamineWorkbook.from_path(path) as workbook:
        assert workbook.sheet_names == ["学校数据", "数据来源"]
        assert workbook.get_sheet_by_name("数据来源").to_python() == [["学校标识码", "原始值"], ["1", "720"]]
    assert read_school_file(path, NATIONAL).height == schools.height
