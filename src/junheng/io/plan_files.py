"""The small CSV files a county gives the planner: teachers eligible for rotation (and townships),
rotations actually made, and expected new entrants. Every problem is reported at once as
`FILE:ROW:COLUMN: message` (contracts.md §2), like the school data file's."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence

from junheng.io.errors import DataFileError, DataIssue
from junheng.plan.rotation import Move

LEVEL_NAMES = {"小学": "primary", "初中": "junior"}
RECORDED_COLUMNS = ("from_school_id", "to_school_id", "level", "teachers", "backbone")
ENTRANTS_COLUMNS = ("school_id", "level", "year", "entrants")


def read_rotation_file(
    text: str, source: str, levels: Sequence[str]
) -> tuple[dict[tuple[str, str], int], dict[str, str]]:
    """`school_id`, optional `rotation_eligible_<level>` and `township` columns (header first).

    Returns the eligible counts and the townships; a school left out, or a cell left empty, keeps the
    default (teachers above the degree; no township).
    """
    rows = read_csv_rows(text, source, required=("school_id",))
    issues: list[DataIssue] = []
    eligible: dict[tuple[str, str], int] = {}
    townships: dict[str, str] = {}
    for number, cells in rows:
        school_id = cells.get("school_id", "")
        if not school_id:
            issues.append(DataIssue(source, number, "school_id", "学校标识码为空"))
            continue
        for level in levels:
            column = f"rotation_eligible_{level}"
            value = cells.get(column, "")
            if value:
                count = _whole(value)
                if count is None:
                    issues.append(DataIssue(source, number, column, f"应为不小于 0 的整数，实际为“{value}”", value))
                else:
                    eligible[(school_id, level)] = count
        if cells.get("township"):
            townships[school_id] = cells["township"]
    if issues:
        raise DataFileError(issues)
    return eligible, townships


def read_recorded_rotations(text: str, source: str, levels: Sequence[str]) -> tuple[Move, ...]:
    """Rotations actually made: `from_school_id,to_school_id,level,teachers,backbone` (level: 小学/初中 or
    primary/junior)."""
    rows = read_csv_rows(text, source, required=RECORDED_COLUMNS)
    issues: list[DataIssue] = []
    moves: list[Move] = []
    for number, cells in rows:
        level = LEVEL_NAMES.get(cells["level"], cells["level"])
        teachers, backbone = _whole(cells["teachers"]), _whole(cells["backbone"])
        problems: list[DataIssue] = []
        for column in ("from_school_id", "to_school_id"):
            if not cells[column]:
                problems.append(DataIssue(source, number, column, "学校标识码为空"))
        if level not in levels:
            wanted = f"学段应为 {'、'.join(levels)}（或 小学、初中），实际为“{cells['level']}”"
            problems.append(DataIssue(source, number, "level", wanted, cells["level"]))
        if teachers is None:
            message = f"应为不小于 0 的整数，实际为“{cells['teachers']}”"
            problems.append(DataIssue(source, number, "teachers", message, cells["teachers"]))
        if backbone is None:
            message = f"应为不小于 0 的整数，实际为“{cells['backbone']}”"
            problems.append(DataIssue(source, number, "backbone", message, cells["backbone"]))
        elif teachers is not None and backbone > teachers:
            message = f"骨干教师数 {backbone} 多于交流教师数 {teachers}"
            problems.append(DataIssue(source, number, "backbone", message, cells["backbone"]))
        issues += problems
        if not problems and teachers is not None and backbone is not None:
            moves.append(Move(cells["from_school_id"], cells["to_school_id"], level, teachers, backbone))
    if issues:
        raise DataFileError(issues)
    return tuple(moves)


def read_entrants(text: str, source: str, levels: Sequence[str]) -> dict[tuple[str, str, int], float]:
    """`school_id,level,year,entrants` (level primary/junior or 小学/初中): new first-grade students."""
    rows = read_csv_rows(text, source, required=ENTRANTS_COLUMNS)
    issues: list[DataIssue] = []
    out: dict[tuple[str, str, int], float] = {}
    for number, cells in rows:
        level = LEVEL_NAMES.get(cells["level"], cells["level"])
        if not cells["school_id"]:
            issues.append(DataIssue(source, number, "school_id", "学校标识码为空"))
        if level not in levels:
            message = f"学段应为 小学 或 初中，实际为“{cells['level']}”"
            issues.append(DataIssue(source, number, "level", message, cells["level"]))
        year = _number(cells["year"], whole=True)
        if year is None:
            issues.append(DataIssue(source, number, "year", f"年度应为整数，实际为“{cells['year']}”", cells["year"]))
        count = _number(cells["entrants"], whole=False)
        if count is None:
            message = f"入学人数应为不小于 0 的数，实际为“{cells['entrants']}”"
            issues.append(DataIssue(source, number, "entrants", message, cells["entrants"]))
        if year is not None and count is not None and cells["school_id"] and level in levels:
            out[(cells["school_id"], level, int(year))] = count
    if issues:
        raise DataFileError(issues)
    return out


def read_csv_rows(text: str, source: str, *, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """The non-empty rows of a small CSV (header first) as (spreadsheet row, {column: cell})."""
    lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    header = [cell.strip() for cell in lines[0]] if lines else []
    missing = [c for c in required if c not in header]
    if missing:
        raise DataFileError([DataIssue(source, 1, None, f"表头缺少列：{'、'.join(missing)}（第一行应为表头）")])
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = [cell.strip() for cell in line]
        if any(cells):
            rows.append((number, dict(zip(header, [*cells, *[""] * len(header)], strict=False))))
    return rows


def _whole(text: str) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return None
    return value if value >= 0 else None


def _number(text: str, *, whole: bool) -> float | None:
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None
