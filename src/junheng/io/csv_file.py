"""A CSV data file's records: its text encoding, its delimiter, the row numbers a spreadsheet shows."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from junheng.io.errors import DataFileError, DataIssue
from junheng.io.limits import HEADER_SEARCH_ROWS, TableLimits
from junheng.io.oversize import too_many_cells, too_many_columns, too_many_rows

_BOM = b"\xef\xbb\xbf"
# Excel saves CSV with commas; in some locales with semicolons; "Unicode text" is tab-separated.
DELIMITER_NAMES = {",": "逗号", ";": "分号", "\t": "制表符"}
# What Chinese text decoded from UTF-8 holds beyond ASCII. GBK bytes that happen to be valid UTF-8
# ("小学" is D0 A1 D1 A7, which UTF-8 reads as Cyrillic) decode to other scripts.
_NOT_CHINESE = re.compile(
    "[^\x00-\x7f\u00b0-\u00b7\u00d7\u2000-\u206f\u2100-\u218f\u2460-\u24ff\u3000-\u303f"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
_SAVE_AS = "请在 Excel 中打开文件，改正后另存为“CSV UTF-8（逗号分隔）”"


@dataclass(frozen=True, slots=True)
class Records:
    """A CSV file's non-empty records, each with its spreadsheet row number and its cells as written."""

    rows: list[tuple[int, list[str]]]
    delimiter: str


def read_records(path: Path, file: str, limits: TableLimits, header_score: Callable[[Sequence[str]], int]) -> Records:
    """The file's records, read as Excel would show them. UTF-8 (with or without BOM) or GB18030 as
    Chinese Excel saves it; a file mixing the two, or with bytes in neither, is refused at its rows.
    The delimiter (comma, semicolon or tab) is the one under which some row of the first few reads as
    the best header (`header_score`). Raises DataFileError; refuses data beyond `limits` as it reads."""
    try:
        data = path.read_bytes().removeprefix(_BOM)
    except OSError as exc:
        raise DataFileError([DataIssue(file, None, None, f"无法读取文件（{exc.strerror}）")]) from exc
    text, odd_lines = _decode(data)
    delimiter = _delimiter(text, header_score)
    # A row of millions of delimiters would be a list of millions of cells before its width is seen.
    if text.count(delimiter) > limits.sheet_rows * limits.columns:
        raise too_many_cells(file, limits)
    rows: list[tuple[int, list[str]]] = []
    issues: list[DataIssue] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 0
    try:
        for row, cells in enumerate(reader, start=1):
            issues += (
                DataIssue(file, row, None, odd_lines[n]) for n in range(line + 1, reader.line_num + 1) if n in odd_lines
            )
            line = reader.line_num
            width = next((i + 1 for i in range(len(cells) - 1, -1, -1) if cells[i].strip()), 0)
            if width == 0:
                continue
            if row > limits.sheet_rows:
                raise too_many_rows(file, limits, row)
            if width > limits.columns:
                raise too_many_columns(file, limits, row, width)
            rows.append((row, cells))
    except csv.Error as exc:
        message = (
            f"无法解析 CSV 文件：从文本第 {line + 1} 行起可能有引号不成对（或单元格过长）；"
            f"请检查，或用 Excel 打开后重新另存为 CSV"
        )
        raise DataFileError([DataIssue(file, None, None, message)]) from exc
    if issues:
        raise DataFileError(issues)
    return Records(rows, delimiter)


def _decode(data: bytes) -> tuple[str, dict[int, str]]:
    """The file's text, and the lines (1-based) whose encoding is wrong, with the message for each."""
    try:
        return data.decode("utf-8"), {}
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    kinds = [_encoding(line) for line in lines]
    odd: dict[int, str] = {}
    by_kind = {kind: [n for n, k in enumerate(kinds, start=1) if k == kind] for kind in ("utf-8", "gb18030")}
    if by_kind["utf-8"] and by_kind["gb18030"]:
        # The fewer rows are the odd ones out (a few rows pasted from another file); GBK ones on a tie.
        fewer, more = sorted(by_kind, key=lambda kind: (len(by_kind[kind]), kind == "utf-8"))
        names = {"utf-8": "UTF-8", "gb18030": "GBK（GB18030）"}
        message = (
            f"这一行的文字编码是 {names[fewer]}，而文件其余各行是 {names[more]}：混用两种编码，"
            f"同一个名称会被读成两个不同的名称；{_SAVE_AS}"
        )
        odd |= dict.fromkeys(by_kind[fewer], message)
    for n, kind in enumerate(kinds, start=1):
        if kind is None:
            odd[n] = f"这一行含有无法识别的字节（既不是 UTF-8 也不是 GBK 编码的文字）；{_SAVE_AS}"
    text = "\n".join(line.decode(kind or "gb18030", errors="replace") for line, kind in zip(lines, kinds, strict=True))
    return text, odd


def _encoding(line: bytes) -> str | None:
    """The encoding a line of the file is in: "ascii", "utf-8", "gb18030", or None when in neither."""
    if line.isascii():
        return "ascii"
    utf8: str | None
    try:
        utf8 = line.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    if utf8 is not None and not _NOT_CHINESE.search(utf8):
        return "utf-8"
    try:
        line.decode("gb18030")
    except UnicodeDecodeError:
        return None if utf8 is None else "utf-8"
    return "gb18030"


def _delimiter(text: str, header_score: Callable[[Sequence[str]], int]) -> str:
    """The delimiter under which a row of the first few names the most known columns; comma by default."""
    head = "\n".join(text.split("\n", HEADER_SEARCH_ROWS + 2)[: HEADER_SEARCH_ROWS + 1])
    best, chosen = 0, ","
    for delimiter in DELIMITER_NAMES:
        try:
            score = max(
                (header_score(cells) for cells in csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)),
                default=0,
            )
        except csv.Error:
            continue
        if score > best:
            best, chosen = score, delimiter
    return chosen
