"""Which statistics table a sheet holds, by its code in the sheet name or its title rows (基础基512, 教基5170_小学)."""

from __future__ import annotations

import re

from junheng.stats.grid import normalise
from junheng.stats.sources import Sheet

_CODE = re.compile(r"(基础基|教基)\d+(?:续表\d+|续表?)?")
_TITLE_ROWS = 6  # the real 基础基111 has its code on row 5, under the title, year and approval rows


def canonical_code(code: str) -> str:
    """A table code as compared: spaces gone, 续表 written 续 (教基1102续表 is 教基1102续), 续表1 kept."""
    text = normalise(code)
    return re.sub(r"续表?$", "续", text)


def sheet_table(sheet: Sheet) -> tuple[str, str] | None:
    """The table code a sheet holds and the school type written after it in the name (“教基3112_小学” →
    (“教基3112”, “小学”)), from the sheet name or else the first rows."""
    name = normalise(sheet.name)
    head, _, suffix = name.partition("_")
    match = _CODE.fullmatch(head)
    if match:
        return canonical_code(head), suffix
    codes = {
        canonical_code(found.group(0))
        for row in sheet.grid.rows[:_TITLE_ROWS]
        for cell in dict.fromkeys(row)
        if cell and (found := _CODE.match(normalise(cell)))
    }
    # One code in the title rows names the table; several are a list of tables (目录), not a table.
    return (codes.pop(), "") if len(codes) == 1 else None


def code_prefix(code: str) -> str:
    """The generation's prefix of a code: 基础基 or 教基."""
    return "基础基" if code.startswith("基础基") else "教基"
