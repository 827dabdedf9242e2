"""Recognising the data file's header row: which field of contracts.md §1 each column holds, in which unit."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from junheng.schema import FIELDS, Field, Kind

# A unit may follow the label or key in parentheses, full-width or half-width: 教学仪器设备值（万元）.
_HEADER = re.compile(r"(?P<name>[^()]*?)\s*(?:\((?P<unit>[^()]*)\))?")
_NAMES: dict[str, Field] = {**{f.key: f for f in FIELDS}, **{f.label: f for f in FIELDS}}

_SCALES: dict[str, dict[str, float]] = {
    "元": {"元": 1.0, "万元": 10_000.0},
    "㎡": {"㎡": 1.0, "m2": 1.0, "m²": 1.0, "平方米": 1.0},
}
# Count columns may name what they count; the unit changes nothing.
_COUNT_UNITS = frozenset({"人", "名", "个", "间", "台", "册"})


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the file recognised as one field."""

    field: Field
    header: str  # as in the file, surrounding whitespace removed
    position: int  # 0-based, in the file's order
    required: bool
    scale: float = 1.0  # multiplies a cell into the field's unit: 10000 for 万元


@dataclass(frozen=True, slots=True)
class HeaderProblem:
    """What is wrong with one header, or a required column that has none."""

    position: int  # missing columns sort after the file's own, in schema order
    column: str
    message: str
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Headers:
    """What the header row says: the columns to read, and what is wrong with it."""

    columns: tuple[Column, ...]
    problems: tuple[HeaderProblem, ...]


def compact(text: str) -> str:
    """A header as compared: without any whitespace, so that an Alt+Enter line break, doubled or
    full-width spaces inside 学校\n名称 or 学校　名称 change nothing (no label or key has a space)."""
    return "".join(text.split())


def _named(header: str) -> tuple[Field, str] | None:
    """The field a header names, and the unit in its parentheses ("" when none)."""
    match = _HEADER.fullmatch(compact(header).replace("（", "(").replace("）", ")"))
    if match is None:
        return None
    field = _NAMES.get(match["name"]) or _NAMES.get(match["name"].lower())
    return None if field is None else (field, match["unit"] or "")


def count_fields(cells: Sequence[str | None]) -> int:
    """How many different fields a row's cells name: a header row names several, a title row none."""
    return len({named[0].key for cell in cells if cell and (named := _named(cell)) is not None})


def recognise_headers(headers: Sequence[str], required: Collection[str]) -> Headers:
    """Map each header to a field; unknown headers are ignored, a required field must be present."""
    columns: dict[str, Column] = {}
    given: dict[str, str] = {}  # field key → first header naming it, even one whose unit was not understood
    problems: list[HeaderProblem] = []
    for position, header in enumerate(headers):
        named = _named(header)
        if named is None:
            continue
        field, unit = named
        if field.key in given:
            problems.append(HeaderProblem(position, header, _duplicate_message(header, given[field.key], field)))
            continue
        given[field.key] = header
        scale = _scale(field, unit)
        if scale is None:
            problems.append(HeaderProblem(position, header, _unit_message(header, unit, field), unit))
            continue
        columns[field.key] = Column(field, header, position, field.key in required, scale)
    for index, field in enumerate(FIELDS):
        if field.key in required and field.key not in given:
            message = f"缺少必需的列“{field.label}”（英文表头 {field.key}）；请在表头中加上这一列"
            problems.append(HeaderProblem(len(headers) + index, field.label, message))
    return Headers(tuple(columns.values()), tuple(problems))


def _scale(field: Field, unit: str) -> float | None:
    if not unit:
        return 1.0
    if field.unit is not None:
        return _SCALES[field.unit].get(unit.lower())
    if field.kind is Kind.INTEGER and field.key != "year" and unit in _COUNT_UNITS:
        return 1.0
    return None


def _unit_message(header: str, unit: str, field: Field) -> str:
    if field.unit == "元":
        accepted = f"{field.label}的单位应为 元 或 万元"
    elif field.unit == "㎡":
        accepted = f"{field.label}的单位应为 ㎡（也可写 m2、平方米）"
    elif field.kind is Kind.INTEGER and field.key != "year":
        accepted = f"{field.label}是个数，单位可写 人、个、间、台、册，也可不写"
    else:
        accepted = f"{field.label}不带单位，请删去括号及其中内容"
    return f"表头“{header}”中的单位“{unit}”无法识别；{accepted}"


def _duplicate_message(header: str, first: str, field: Field) -> str:
    if header == first:
        return f"表头“{header}”出现了不止一次；请删除多余的一列"
    return f"表头“{header}”与表头“{first}”是同一项（{field.label}，{field.key}）；请删除其中一列"
