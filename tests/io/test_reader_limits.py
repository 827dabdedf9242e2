"""Files beyond the documented limits are refused before they are read (issue 10 §3): a tiny workbook
declaring a cell at XFD1048576, a sheet of a million rows, a CSV too large, too many problems to list."""

from __future__ import annotations

import resource
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

import openpyxl
import pytest

from junheng.io.errors import DataFileError, DataIssue, UnlistedIssues, bounded
from junheng.io.limits import COUNTY_SCHOOL_FILE, LABELLED_TABLE, MAX_ISSUES, SCHOOL_FILE, TableLimits
from junheng.io.reader import read_labelled, read_school_file
from junheng.standards import Standard
from tests.io.builders import PRIMARY_SCHOOL, write_schools

SMALL = TableLimits(rows=10, columns=30, bytes=100_000, what="行")
# Room for Python and Polars, far too little for the rectangle a bomb would make calamine allocate.
ADDRESS_SPACE = 1536 * 1024 * 1024
SRC = Path(__file__).parents[2] / "src"


def _refusal(call: object) -> DataIssue:
    with pytest.raises(DataFileError) as refused:
        call()  # type: ignore[operator]
    [issue] = refused.value.issues
    return issue


def _workbook_with_cells(path: Path, cells: dict[str, object]) -> Path:
    workbook = openpyxl.Workbook()
    for where, value in cells.items():
        workbook.active[where] = value
    workbook.save(path)
    return path


def _workbook_with_rows(path: Path, rows: Iterable[bytes]) -> Path:
    """A workbook whose sheet XML is written row by row, as a hostile file would be."""
    base = _workbook_with_cells(path.with_suffix(".base.xlsx"), {"A1": "x"})
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, source.read(item))
        with out.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for row in rows:
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    return path


def _read_with_bounded_memory(path: Path) -> str:
    """What `junheng evaluate` would print, read in a process that cannot take more than 1.5 GB."""
    code = (
        "import sys\nfrom junheng.io.errors import DataFileError\nfrom junheng.io.reader import read_school_file\n"
        "from junheng.standards import load_standard\n"
        "try:\n    read_school_file(sys.argv[1], load_standard('national-2017'))\n"
        "except DataFileError as exc:\n    print(exc)\n"
    )

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        env={"PYTHONPATH": str(SRC), "POLARS_MAX_THREADS": "1"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_limits_are_the_documented_figures() -> None:
    assert (COUNTY_SCHOOL_FILE.rows, COUNTY_SCHOOL_FILE.bytes) == (5_000, 20 * 1024 * 1024)
    assert (LABELLED_TABLE.rows, LABELLED_TABLE.bytes) == (100_000, 20 * 1024 * 1024)
    assert (SCHOOL_FILE.rows, SCHOOL_FILE.bytes) == (200_000, 200 * 1024 * 1024)
    assert MAX_ISSUES == 200


# Workbooks whose cells reach far


def test_a_tiny_workbook_with_a_cell_at_xfd1048576_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = _workbook_with_cells(tmp_path / "bomb.xlsx", {"A1": "年度", "XFD1048576": 1})
    assert path.stat().st_size < 10_000

    printed = _read_with_bounded_memory(path)

    assert ":1048576:-: 文件行数过多：第 1,048,576 行仍有数据" in printed


def test_a_cell_at_z1000000_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    printed = _read_with_bounded_memory(_workbook_with_cells(tmp_path / "far.xlsx", {"A1": "年度", "Z1000000": 1}))

    assert "第 1,000,000 行仍有数据，而一个文件最多 200,000 行（每所学校每年一行）数据" in printed


def test_a_cell_far_to_the_right_is_refused(tmp_path: Path, national: Standard) -> None:
    path = _workbook_with_cells(tmp_path / "wide.xlsx", {"A1": "年度", "XFD2": 1})

    issue = _refusal(lambda: read_school_file(path, national))

    assert issue.row == 2
    assert "第 2 行第 16,384 列仍有数据，而一个文件最多 100 列" in issue.message


def test_a_sheet_of_many_rows_is_refused_at_the_first_row_past_the_limit(tmp_path: Path, national: Standard) -> None:
    rows = (b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(1, 200_001))
    path = _workbook_with_rows(tmp_path / "rows.xlsx", rows)
    few_rows = TableLimits(rows=10, columns=30, bytes=COUNTY_SCHOOL_FILE.bytes, what="行")

    issue = _refusal(lambda: read_school_file(path, national, limits=few_rows))

    assert issue.row == few_rows.sheet_rows + 1 == 32
    assert "最多 10 行数据（连同表头及其上方的行，共 31 行）" in issue.message


def test_rows_that_do_not_say_their_number_are_counted(tmp_path: Path, national: Standard) -> None:
    path = _workbook_with_rows(tmp_path / "rows.xlsx", (b"<row><c><v>1</v></c></row>" for _ in range(100)))

    assert _refusal(lambda: read_school_file(path, national, limits=SMALL)).row == 32


def test_a_far_cell_written_with_a_namespace_prefix_is_refused(tmp_path: Path, national: Standard) -> None:
    rows = [b'<x:row r="1"><x:c r="A1048576" xmlns:x="urn:x"><x:v>1</x:v></x:c></x:row>']
    path = _workbook_with_rows(tmp_path / "prefixed.xlsx", rows)

    assert _refusal(lambda: read_school_file(path, national)).row == 1_048_576


def test_a_workbook_that_unzips_to_too_much_is_refused(tmp_path: Path, national: Standard) -> None:
    cell = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>'
    rows = (cell % (n, n, b"x" * 200_000) for n in range(1, 10))
    path = _workbook_with_rows(tmp_path / "packed.xlsx", rows)
    assert path.stat().st_size < SMALL.bytes

    issue = _refusal(lambda: read_school_file(path, national, limits=SMALL))

    assert issue.message.startswith("工作簿解压后超过 1 MB，无法读取")


def test_formatting_far_away_and_a_false_dimension_are_not_refused(tmp_path: Path, national: Standard) -> None:
    header, row = list(PRIMARY_SCHOOL), [int(v) if v.isdigit() else v for v in PRIMARY_SCHOOL.values()]
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    workbook.active.append(row)
    workbook.active["XFD1048576"].number_format = "0.00"  # a formatted cell with no value
    path = tmp_path / "formatted.xlsx"
    workbook.save(path)

    assert read_school_file(path, national, limits=COUNTY_SCHOOL_FILE).height == 1


# CSV files


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path: Path, national: Standard) -> None:
    path = tmp_path / "schools.csv"
    path.write_bytes(b"\xff" * (SMALL.bytes + 1))  # not even text: it is never decoded

    issue = _refusal(lambda: read_school_file(path, national, limits=SMALL))

    assert (issue.row, issue.column) == (None, None)
    assert issue.message.startswith("文件过大（0.1 MB），超过上限 0.1 MB")


def test_a_csv_of_too_many_rows_is_refused(tmp_path: Path, national: Standard) -> None:
    path = write_schools(tmp_path, *({} for _ in range(40)))

    issue = _refusal(lambda: read_school_file(path, national, limits=SMALL))

    assert issue.row == 32
    assert issue.message.startswith("文件行数过多：第 32 行仍有数据")


def test_more_data_rows_than_allowed_under_the_header_are_refused(tmp_path: Path, national: Standard) -> None:
    path = write_schools(tmp_path, *({} for _ in range(11)))

    assert _refusal(lambda: read_school_file(path, national, limits=SMALL)).row == 12


def test_a_row_of_millions_of_delimiters_is_refused_before_it_is_split(tmp_path: Path) -> None:
    path = tmp_path / "表.csv"
    path.write_text("学校标识码,学生数\n" + "," * 4_000_000 + "\n", encoding="utf-8")

    issue = _refusal(lambda: read_labelled(path, "表.csv", ["学校标识码", "学生数"]))

    assert issue.message.startswith("文件单元格过多：一个文件最多 100,021 行、30 列")


def test_a_labelled_table_of_too_many_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "表.csv"
    path.write_text("学校标识码,学生数\n" + ",".join("1" * 31) + "\n", encoding="utf-8")

    issue = _refusal(lambda: read_labelled(path, "表.csv", ["学校标识码", "学生数"]))

    assert issue.row == 2
    assert "第 2 行第 31 列仍有数据，而一个文件最多 30 列" in issue.message


# Many problems


def test_only_the_first_200_problems_are_listed_then_how_many_more(tmp_path: Path, national: Standard) -> None:
    path = write_schools(tmp_path, *({"小学在校生数": "many"} for _ in range(250)))

    with pytest.raises(DataFileError) as refused:
        read_school_file(path, national)

    *listed, rest = refused.value.issues
    assert len(listed) == MAX_ISSUES
    assert listed[-1].row == 201
    assert (rest.row, rest.column) == (None, None)
    assert rest.message == "另有 50 处问题未列出；请先改正以上问题，再重新导入以查看其余问题"


def test_bounding_issues_twice_keeps_the_count() -> None:
    issues = [DataIssue("表.csv", row, "学生数", "不是数字") for row in range(2, 302)]

    once = bounded(issues)

    assert bounded(once) == once
    assert isinstance(once[-1], UnlistedIssues)
    assert once[-1].count == 100
    assert (len(once), once.total) == (201, 300)
