"""The county tracker's rows as a reader sees them in the page's HTML: school, code, state, flags."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass(frozen=True, slots=True)
class ShownRow:
    school: str
    code: str
    state: str  # the state's label as shown, e.g. 待审核
    flags: int  # how many 数据疑点 the row shows (0 for 无)
    pick: bool  # a checkbox to approve it with others


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_tracker = False
        self.in_body = False
        self.rows: list[list[str]] = []
        self.picks: list[bool] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and "tracker" in (found.get("class") or "").split():
            self.in_tracker = True
        elif self.in_tracker and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
            self.picks.append(False)
        elif self.in_body and tag == "td":
            self.cell = []
        elif self.in_body and tag == "input" and found.get("name") == "record":
            self.picks[-1] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.in_tracker = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def tracker_rows(html: str) -> list[ShownRow]:
    """Every row of the tracker's table, in the page's order (an empty table gives [])."""
    reader = _Reader()
    reader.feed(html)
    shown = []
    for cells, pick in zip(reader.rows, reader.picks, strict=True):
        if len(cells) < 5:  # the "no school in this state" row
            continue
        cells = cells[1:] if len(cells) == 7 else cells  # the checkbox column of a reviewer
        school, code, state, _, flags = cells[:5]
        counted = re.match(r"(\d+) 处", flags)
        shown.append(ShownRow(school, code, state.split()[0], int(counted.group(1)) if counted else 0, pick))
    return shown
