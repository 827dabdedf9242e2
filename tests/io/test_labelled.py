"""`read_labelled`: the small tables of the ledgers (class lists, intakes, school places) by header label."""

from __future__ import annotations

from pathlib import Path

import pytest

from junheng.io.errors import DataFileError
from junheng.io.reader import read_labelled


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "表.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_cells_by_label_in_any_column_order_with_an_optional_column(tmp_path: Path) -> None:
    path = _file(tmp_path, "学生数,学校标识码\n40,4521010001\n,4521010002\n")
    rows = read_labelled(path, "表.csv", ["学校标识码", "学生数"], optional=["乡镇"])
    assert rows == [
        (2, {"学校标识码": "4521010001", "学生数": "40", "乡镇": None}),
        (3, {"学校标识码": "4521010002", "学生数": None, "乡镇": None}),
    ]


@pytest.mark.parametrize(
    ("text", "row", "message"),
    [
        ("", None, "文件中没有数据；第一行应为表头：学校标识码、学生数"),
        ("学校标识码\n4521010001\n", 1, "缺少列：学生数；第一行应为表头：学校标识码、学生数"),
        ("学校标识码,学生数\n", None, "文件中只有表头，没有数据；请在表头下每行填写一项"),
    ],
)
def test_an_empty_file_a_missing_column_or_no_rows_says_what_to_write(
    tmp_path: Path, text: str, row: int | None, message: str
) -> None:
    with pytest.raises(DataFileError) as raised:
        read_labelled(_file(tmp_path, text), "表.csv", ["学校标识码", "学生数"])
    (issue,) = raised.value.issues
    assert (issue.file, issue.row, issue.message) == ("表.csv", row, message)
