"""A first pass over an .xlsx file's XML, before any cell is read: how far its cells reach, and what the
reader of cell values cannot say (Excel's error cells, formulas saved without their result).

python-calamine allocates the rectangle from A1 to the farthest cell with a value, so a 1.5 KB file
with a value at XFD1048576 asks for hundreds of gigabytes; the `<dimension>` a file declares may lie.
So the sheet's XML is streamed here, stopping at the first cell beyond the limits, and the reader goes
on only within them. Python's zipfile checks each part's declared size and checksum as it unzips.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html import unescape
from pathlib import Path
from xml.etree import ElementTree

import polars as pl

from junheng.io.limits import TableLimits
from junheng.io.oversize import too_many_columns, too_many_rows, too_many_unpacked_bytes

_CHUNK = 8 * 1024 * 1024
# Cells the fast pass cannot place: without `r="A1"` first, a reference not in capitals, a namespace prefix.
_IRREGULAR = r'<c>|<c (?:[^r]|r[^=])|<c r=(?:[^"]|"[^A-Z]|"[A-Z]+[^A-Z0-9]|"[A-Z]+[0-9]+[^0-9"])|<[A-Za-z0-9_]+:c[ >/]'
# An error cell, or a formula without a saved result (checked by the exact pass: t="str" may be empty).
_NOTE = r'<c r="[A-Z]+[0-9]+"[^>]*>(?:<f[ >/][^<]*(?:</f>)?(?:</c>|<v */>|<v></v>)|<v>#[^<]*</v>)'
_NOTE_CELL = re.compile(_NOTE)
_LAST_ROW = re.compile(rb'<row r="(\d+)"')
# A row start tag, or a whole cell: its attributes and what is inside it (a prefix such as x: allowed).
_TOKEN = re.compile(rb"<(?:\w+:)?row\b([^>]*)>|<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Za-z]*)(\d*)"')
_TYPE = re.compile(rb'\bt="([^"]*)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_SHARED_STRINGS = "xl/sharedStrings.xml"


@dataclass(frozen=True, slots=True)
class CellNote:
    """A cell whose value the workbook does not hold: the message to show, and what the cell holds."""

    message: str
    value: str


@dataclass(slots=True)
class SheetScan:
    """What the pass found: notes by (1-based row, 0-based column)."""

    notes: dict[tuple[int, int], CellNote] = field(default_factory=dict)


def check_workbook(path: Path, file: str, limits: TableLimits) -> None:
    """Refuse a workbook whose parts unzip to more than the limit, before anything loads them."""
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > limits.unpacked_bytes:
                raise too_many_unpacked_bytes(file, limits)
            # Every shared string is loaded when the workbook opens: stream it through to check its size.
            if _SHARED_STRINGS in archive.namelist():
                for _ in _chunks(archive, _SHARED_STRINGS, file, limits):
                    pass
    except zipfile.BadZipFile:
        return  # not a zip (an encrypted workbook, a corrupt file): the workbook reader says which


def scan_sheet(path: Path, file: str, sheet: str, limits: TableLimits) -> SheetScan:
    """Stream the sheet's XML: refuse a cell with a value beyond the limits, note error cells and
    formulas without a saved result."""
    scan = SheetScan()
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            for part in [parts[sheet]] if sheet in parts else [p for p in archive.namelist() if _is_worksheet(p)]:
                _scan_part(archive, part, file, limits, scan)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return scan  # the workbook reader reports a broken file
    return scan


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name and the part of the archive holding its XML."""
    targets = {
        element.get("Id"): element.get("Target", "")
        for element in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter()
        if element.tag.endswith("Relationship")
    }
    parts: dict[str, str] = {}
    for element in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter():
        if element.tag.endswith("}sheet"):
            rid = next((value for key, value in element.attrib.items() if key.endswith("}id")), None)
            target = targets.get(rid, "")
            parts[element.get("name", "")] = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            )
    return parts


def _chunks(archive: zipfile.ZipFile, part: str, file: str, limits: TableLimits) -> Iterator[bytes]:
    read = 0
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            if read > limits.unpacked_bytes:
                raise too_many_unpacked_bytes(file, limits)
            yield chunk


def _scan_part(archive: zipfile.ZipFile, part: str, file: str, limits: TableLimits, scan: SheetScan) -> None:
    buffer = b""
    position = (0, 0)  # the last row and column seen, for rows and cells that do not say where they are
    for chunk in _chunks(archive, part, file, limits):
        buffer += chunk
        # Only whole rows are scanned; the rest waits for the next chunk.
        cut = buffer.rfind(b"row>") + 4
        if cut > 3:
            position = _scan_rows(buffer[:cut], position, file, limits, scan)
            buffer = buffer[cut:]
    _scan_rows(buffer, position, file, limits, scan)


def _scan_rows(
    xml: bytes, position: tuple[int, int], file: str, limits: TableLimits, scan: SheetScan
) -> tuple[int, int]:
    """Whole rows of the sheet: searched by Polars' regular expressions when every cell says where it is
    (as Excel, WPS and the usual libraries write them), else token by token."""
    far = f'<c r="(?:(?:{_letters_above(limits.columns)})[0-9]|[A-Z]+(?:{_numbers_above(limits.sheet_rows)})")'
    try:
        text = pl.Series([xml], dtype=pl.Binary).cast(pl.String)
    except pl.exceptions.PolarsError:
        return _scan(xml, position, file, limits, scan)  # not UTF-8: the exact pass reads it
    # One search for all three: matches are rare, and only notes when nothing is irregular or too far.
    found = text.str.extract_all(f"{_IRREGULAR}|{far}|{_NOTE}").explode().drop_nulls().to_list()
    if not all(_NOTE_CELL.fullmatch(cell) for cell in found):
        return _scan(xml, position, file, limits, scan)  # the exact pass, which says where and refuses
    for cell in found:
        _scan(cell.encode() + b"</c>", (0, 0), file, limits, scan)
    last = xml.rfind(b"<row ")
    row = _LAST_ROW.match(xml, last) if last >= 0 else None
    return (int(row[1]), 0) if row else position


@cache
def _numbers_above(number: int) -> str:
    """A regular expression for the whole numbers, written without leading zeros, above `number`."""
    digits = str(number)
    options = [f"[1-9][0-9]{{{len(digits)},}}"]
    options += [
        f"{digits[:i]}[{int(digit) + 1}-9][0-9]{{{len(digits) - i - 1}}}"
        for i, digit in enumerate(digits)
        if digit != "9"
    ]
    return "|".join(options)


@cache
def _letters_above(number: int) -> str:
    """A regular expression for the column letters past column `number` (1 is A)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    options = [f"[A-Z]{{{len(letters) + 1},}}"]
    options += [
        f"{letters[:i]}[{chr(ord(letter) + 1)}-Z][A-Z]{{{len(letters) - i - 1}}}"
        for i, letter in enumerate(letters)
        if letter != "Z"
    ]
    return "|".join(options)


def _scan(xml: bytes, position: tuple[int, int], file: str, limits: TableLimits, scan: SheetScan) -> tuple[int, int]:
    row, column = position
    for token in _TOKEN.finditer(xml):
        attributes, body = token[1], token[3]
        if attributes is not None:
            reference = _REF.search(attributes)
            row = int(reference[2]) if reference and reference[2] else row + 1
            column = 0
            continue
        reference = _REF.search(token[2])
        if reference and reference[1]:
            column = _column_number(reference[1])
            row = int(reference[2]) if reference[2] else row
        else:
            column += 1
        if not body or not body.strip():
            continue  # formatting only: nothing is read from it
        if row > limits.sheet_rows:
            raise too_many_rows(file, limits, row)
        if column > limits.columns:
            raise too_many_columns(file, limits, row, column)
        note = _note(token[2], body)
        if note is not None:
            scan.notes[(row, column - 1)] = note
    return row, column


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


def _note(attributes: bytes, body: bytes) -> CellNote | None:
    kind = _TYPE.search(attributes)
    value = _VALUE.search(body)
    if kind and kind[1] == b"e":
        error = unescape((value[1] if value else b"").decode("utf-8", "replace"))
        return CellNote(f"公式出错（{error}）；请在 Excel 中改正公式，或直接填写数值", error)
    formula = _FORMULA.search(body)
    saved = value is not None and (value[1] or (kind is not None and kind[1] == b"str"))
    if formula is not None and not saved:
        text = "=" + unescape((formula[1] or b"").decode("utf-8", "replace"))
        message = (
            f"这一格是公式（{text}），但文件中没有保存它的计算结果（由程序生成、未经 Excel 保存的文件常见）；"
            "请用 Excel 打开后保存一次再导入，或直接填写数值"
        )
        return CellNote(message, text)
    return None
