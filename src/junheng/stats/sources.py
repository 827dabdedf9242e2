"""The statistics workbooks a county drops in: files, folders or .zip archives, read as text grids."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from junheng.io.errors import DataFileError
from junheng.io.limits import MEGABYTE, TableLimits, megabytes
from junheng.io.oversize import too_many_bytes
from junheng.io.sheet_xml import check_workbook, scan_sheet
from junheng.stats.grid import Grid
from junheng.stats.problems import Problem

_SUFFIXES = (".xlsx", ".xlsm", ".xls")
# One statistics workbook: a school's forms, or a county's wide export (hundreds of columns, a row per school).
STATISTICS_WORKBOOK = TableLimits(rows=20_000, columns=2_000, bytes=50 * MEGABYTE, what="行")
# A .zip of a county's workbooks, once unpacked (300 schools' workbooks are a few tens of MB).
_ZIP_UNPACKED_BYTES = 2_000 * MEGABYTE


@dataclass(frozen=True)
class Sheet:
    """One sheet of a statistics workbook."""

    file: str
    name: str
    grid: Grid


@dataclass(frozen=True)
class Workbook:
    """A workbook's sheets, in their order."""

    file: str
    sheets: tuple[Sheet, ...]


@contextmanager
def workbook_paths(paths: list[Path]) -> Iterator[tuple[list[tuple[str, Path]], list[Problem]]]:
    """Every workbook under `paths` (files, folders searched recursively, .zip archives unpacked into a
    temporary folder for the duration), as (name shown in messages, path), sorted; and the paths that are
    none of these."""
    found: list[tuple[str, Path]] = []
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="junheng-stats-") as scratch:
        for number, path in enumerate(paths):
            if path.is_dir():
                found += [(str(p), p) for p in sorted(path.rglob("*")) if _is_workbook(p)]
            elif path.suffix.lower() == ".zip" and path.is_file():
                found += _unzipped(path, Path(scratch) / str(number), problems)
            elif _is_workbook(path) and path.is_file():
                found.append((str(path), path))
            else:
                problems.append(
                    Problem(str(path), None, None, "不是 Excel 工作簿（.xlsx）、文件夹或 .zip 压缩包，或文件不存在")
                )
        yield found, problems


def _is_workbook(path: Path) -> bool:
    return path.suffix.lower() in _SUFFIXES and not path.name.startswith(("~$", "."))


def _unzipped(archive: Path, into: Path, problems: list[Problem]) -> list[tuple[str, Path]]:
    try:
        with zipfile.ZipFile(archive) as opened:
            members = [m for m in opened.infolist() if not m.is_dir() and _is_workbook(Path(m.filename))]
            if sum(member.file_size for member in members) > _ZIP_UNPACKED_BYTES:
                limit = megabytes(_ZIP_UNPACKED_BYTES)
                problems.append(Problem(str(archive), None, None, f"压缩包解压后超过 {limit}；请分批导入"))
                return []
            out: list[tuple[str, Path]] = []
            for member in members:
                target = into / f"{len(out)}{Path(member.filename).suffix}"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(opened.read(member))
                out.append((f"{archive}!{_member_name(member)}", target))
            return out
    except zipfile.BadZipFile:
        problems.append(Problem(str(archive), None, None, "压缩包已损坏，无法解压；请重新打包后再导入"))
        return []


def _member_name(member: zipfile.ZipInfo) -> str:
    """The member's name as the county's archiver wrote it (Chinese Windows tools write GBK names)."""
    if member.flag_bits & 0x800:
        return member.filename
    try:
        return member.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return member.filename


def read_workbook(path: Path, file: str) -> Workbook | Problem:
    """The workbook's sheets as text grids, merged cells repeated over their range; a workbook beyond
    `STATISTICS_WORKBOOK` (or declaring a cell beyond it) is refused before its cells are read."""
    limits = STATISTICS_WORKBOOK
    try:
        if path.stat().st_size > limits.bytes:
            raise too_many_bytes(file, limits, path.stat().st_size)
        check_workbook(path, file, limits)
        scan_sheet(path, file, "", limits)
    except DataFileError as exc:
        return Problem(file, None, None, exc.issues[0].message)
    try:
        with CalamineWorkbook.from_path(path) as workbook:
            sheets = []
            for name in workbook.sheet_names:
                worksheet = workbook.get_sheet_by_name(name)
                rows = worksheet.to_python(skip_empty_area=False)
                merged = worksheet.merged_cell_ranges or []
                sheets.append(Sheet(file, name, _grid(rows, merged)))
    except PasswordError:
        return Problem(file, None, None, "工作簿设有密码；请取消密码保护后再导入")
    except (CalamineError, OSError, ValueError):
        return Problem(file, None, None, "无法打开 Excel 工作簿：文件可能已损坏；请用 Excel 打开后重新保存为 .xlsx")
    return Workbook(file, tuple(sheets))


def _grid(rows: Sequence[Sequence[object]], merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> Grid:
    text = [[_text(cell) for cell in row] for row in rows]
    for (top, left), (bottom, right) in merged:
        if top >= len(text) or left >= len(text[top]):
            continue
        value = text[top][left]
        for row in range(top, min(bottom, len(text) - 1) + 1):
            for column in range(left, min(right, len(text[row]) - 1) + 1):
                text[row][column] = value
    return Grid(tuple(tuple(row) for row in text))


def _text(cell: object) -> str:
    """A cell as the text a person reads: a whole float without “.0”, text stripped."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()
