"""Builders for small school data files: one valid 小学 row, changed only where a test says so."""

from __future__ import annotations

import csv
from collections.abc import Collection, Mapping
from pathlib import Path

import pytest

from junheng.io.errors import DataFileError, DataIssue
from junheng.io.reader import read_school_file
from junheng.standards import Standard

FIXTURES = Path(__file__).parent.parent / "fixtures"

# A 小学 with every column national-2017 needs; tests change single cells.
PRIMARY_SCHOOL: dict[str, str] = {
    "年度": "2025",
    "县区": "平安县",
    "学校标识码": "2134000001",
    "学校名称": "平安县城关小学",
    "学校类型": "小学",
    "小学在校生数": "530",
    "初中在校生数": "0",
    "高中在校生数": "0",
    "小学高于规定学历教师数": "25",
    "初中高于规定学历教师数": "0",
    "小学县级以上骨干教师数": "6",
    "初中县级以上骨干教师数": "0",
    "小学体育艺术专任教师数": "5",
    "初中体育艺术专任教师数": "0",
    "教学及辅助用房面积": "2400.5",
    "体育运动场馆面积": "4000",
    "教学仪器设备值": "1200000",
    "网络多媒体教室数": "14",
}


def write_schools(
    folder: Path,
    *changes: Mapping[str, str],
    drop: Collection[str] = (),
    rename: Mapping[str, str] | None = None,
    name: str = "schools.csv",
) -> Path:
    """A CSV of PRIMARY_SCHOOL rows, one per change (at least one), each with its own 学校标识码.

    A change naming a header not in PRIMARY_SCHOOL adds that column; `drop` leaves columns out;
    `rename` changes header texts, keeping the cells.
    """
    rows = [
        {**PRIMARY_SCHOOL, "学校标识码": f"21340000{index:02d}", **change}
        for index, change in enumerate(changes or ({},), start=1)
    ]
    headers = [h for h in dict.fromkeys(h for row in rows for h in row) if h not in drop]
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([(rename or {}).get(h, h) for h in headers])
        writer.writerows([row.get(h, "") for h in headers] for row in rows)
    return path


def issues_of(path: Path, standard: Standard, *, sheet: str | None = None) -> list[DataIssue]:
    """The problems the reader finds in a file it must refuse."""
    with pytest.raises(DataFileError) as refused:
        read_school_file(path, standard, sheet=sheet)
    return list(refused.value.issues)


def only_issue(path: Path, standard: Standard) -> DataIssue:
    issues = issues_of(path, standard)
    assert len(issues) == 1, [issue.format() for issue in issues]
    return issues[0]
