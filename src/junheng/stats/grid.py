"""Finding a figure in a statistics table by its labels, never by its cell address (statistics-report.md §5).

A `Grid` is a sheet's cells as text, merged cells repeated over their range. The header of a table is every
row above its numbering row (甲, 乙, 1, 2, …), whatever its height; a column is found by its header path
top-down, a row by its label in the 甲 column, labels compared with spaces, full-width forms and list
markers (一、, 其中：, #) taken away.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

_MARKERS = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|其中:?|\d+[.、]|#|:)+")
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"^\d+$")
_UNIT = re.compile(r"\([^()]*\)$")
_NUMBERING = ("甲", "乙")
_HEADER_SEARCH_ROWS = 15


@lru_cache(maxsize=100_000)  # the same few hundred labels recur in every workbook of a county
def normalise(label: str) -> str:
    """A label as compared: full-width forms folded (（ → (), spaces and leading list markers removed."""
    folded = _SPACE.sub("", unicodedata.normalize("NFKC", label))
    return _MARKERS.sub("", folded) or folded


def cell_name(row: int, column: int) -> str:
    """The A1 name of a 0-based (row, column)."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


@dataclass(frozen=True, slots=True)
class Found:
    """A cell found by its labels: where it is, the labels that found it and the text it holds."""

    row: int
    column: int
    row_label: str
    column_label: str
    cell_text: str  # the cell as written

    @property
    def cell(self) -> str:
        """Its A1 name."""
        return cell_name(self.row, self.column)


@dataclass(frozen=True, slots=True)
class Miss:
    """Why a label was not found (in Chinese), and the cell it concerns when there is one."""

    message: str
    cell: str | None = None


@dataclass(frozen=True)
class Grid:
    """A sheet's cells as text ("" when empty), 0-based from A1."""

    rows: tuple[tuple[str, ...], ...]

    def text(self, row: int, column: int) -> str:
        """The text of a cell, "" outside the sheet."""
        if 0 <= row < len(self.rows) and 0 <= column < len(self.rows[row]):
            return self.rows[row][column]
        return ""

    @cached_property
    def numbering_row(self) -> int | None:
        """The row holding 甲 and 乙 (the form's numbering row), if the table has one."""
        for index, row in enumerate(self.rows[: _HEADER_SEARCH_ROWS + 5]):
            cells = [normalise(cell) for cell in row]
            if all(mark in cells for mark in _NUMBERING):
                return index
        return None

    def header_end(self, path: tuple[str, ...]) -> int | None:
        """The first row below the header: below the numbering row, else below the lowest of the first rows
        holding the path's last step (a label merged down over a tall header ends it too)."""
        if self.numbering_row is not None:
            return self.numbering_row + 1
        lowest = None
        for index, row in enumerate(self.rows[:_HEADER_SEARCH_ROWS]):
            if any(_matches(normalise(cell), path[-1]) for cell in row if cell):
                lowest = index
        return None if lowest is None else lowest + 1

    def label_column(self) -> int:
        """The 甲 column (the row labels); the first column when the table has no numbering row."""
        if self.numbering_row is not None:
            for column, cell in enumerate(self.rows[self.numbering_row]):
                if normalise(cell) == "甲":
                    return column
        return 0

    def row_label(self, row: int) -> str:
        """The label of a data row: its 甲-column text, else the first text in it that is not a number."""
        own = self.text(row, self.label_column())
        if own and not _DIGITS.match(normalise(own)):
            return own
        for cell in self.rows[row] if row < len(self.rows) else ():
            if cell and not _DIGITS.match(normalise(cell)) and _number(cell) is None:
                return cell
        return ""

    @cached_property
    def _title_rows(self) -> frozenset[int]:
        """Rows above the header holding one text across the table: the form's title, its code and 单位."""
        titles = set()
        for index, row in enumerate(self.rows[:_HEADER_SEARCH_ROWS]):
            texts = [cell for cell in row if cell and not _DIGITS.match(cell)]
            if len(texts) > 1 and len(set(texts)) == 1:
                titles.add(index)
        return frozenset(titles)

    def header_path(self, column: int, end: int) -> tuple[str, ...]:
        """The header cells above `end` in a column, top-down, repeats of a merged cell once; the title
        rows and a 2020 export's letter row above the form are not labels."""
        path: list[str] = []
        letter = cell_name(0, column)[:-1]
        for row in range(end - (1 if self.numbering_row is not None else 0)):
            cell = self.text(row, column)
            if row in self._title_rows:
                continue
            if cell and cell != letter and (not path or path[-1] != cell):
                path.append(cell)
        return tuple(path)

    def find_column(self, path: tuple[str, ...], end: int) -> int | Miss:
        """The column whose header path holds `path`'s steps in order, exact labels preferred to ones that
        only contain the step; a Miss when none does or when two fit equally well."""
        width = max((len(row) for row in self.rows[:end]), default=0)
        best: list[int] = []
        best_score: tuple[int, int] | None = None
        for column in range(width):
            score = _path_score(tuple(normalise(c) for c in self.header_path(column, end)), path)
            if score is None:
                continue
            if best_score is None or score > best_score:
                best, best_score = [column], score
            elif score == best_score:
                best.append(column)
        wanted = " → ".join(path)
        if not best:
            return Miss(f"找不到表头为“{wanted}”的列")
        if len(best) > 1:
            names = "、".join(cell_name(end - 1, column)[: -len(str(end))] for column in best)
            return Miss(f"表头“{wanted}”对应多列（{names}），无法确定取哪一列；请在格式文件中写出更完整的表头路径")
        return best[0]

    def find_row(self, labels: tuple[str, ...], start: int, block: tuple[str, ...] = ()) -> int | Miss:
        """The first data row from `start` labelled with one of `labels` (below the row labelled `block`)."""
        if block:
            opened = self._first_row(block, start)
            if opened is None:
                return Miss(f"找不到“{block[0]}”这一组行")
            start = opened + 1
        found = self._first_row(labels, start)
        if found is None:
            where = f"“{block[0]}”组中" if block else ""
            return Miss(f"{where}找不到行“{labels[0]}”")
        return found

    def _first_row(self, labels: tuple[str, ...], start: int) -> int | None:
        wanted = {normalise(label) for label in labels}
        for row in range(start, len(self.rows)):
            if normalise(self.row_label(row)) in wanted:
                return row
        return None

    def find_below(self, labels: tuple[str, ...], skip: tuple[str, ...]) -> Found | Miss:
        """The value written under a label on a form (学校标识码 over 1133007639): the first cell below it,
        within the label's merged width, that is neither the label nor a caption in `skip`."""
        wanted = {normalise(label) for label in labels}
        captions = {normalise(caption) for caption in skip}
        for row, cells in enumerate(self.rows):
            for column, cell in enumerate(cells):
                if not cell or normalise(cell) not in wanted:
                    continue
                span = range(column, next((c for c in range(column, len(cells)) if cells[c] != cell), len(cells)))
                for below in range(row + 1, min(row + 4, len(self.rows))):
                    for at in span:
                        text = self.text(below, at)
                        if text and text != cell and normalise(text) not in captions:
                            return Found(below, at, cell, cell, text)
                return Found(row + 1, column, cell, cell, "")
        return Miss(f"找不到“{labels[0]}”一项")

    def find(self, labels: tuple[str, ...], path: tuple[str, ...], block: tuple[str, ...] = ()) -> Found | Miss:
        """The cell at row `labels` (in `block`) and column `path`."""
        end = self.header_end(path)
        if end is None:
            return Miss(f"找不到表头“{' → '.join(path)}”")
        column = self.find_column(path, end)
        if isinstance(column, Miss):
            return column
        row = self.find_row(labels, end, block)
        if isinstance(row, Miss):
            return row
        return Found(
            row, column, self.row_label(row), " → ".join(self.header_path(column, end)), self.text(row, column)
        )


@lru_cache(maxsize=100_000)
def _matches(cell: str, step: str) -> int:
    """2 when the normalised cell is one of the step's spellings (its unit in brackets aside: 图书（册） is
    图书), 1 when it contains one, else 0."""
    spellings = [normalise(s) for s in step.split("|")]
    if cell in spellings or _UNIT.sub("", cell) in spellings:
        return 2
    return 1 if any(s and s in cell for s in spellings) else 0


def _path_score(header: tuple[str, ...], path: tuple[str, ...]) -> tuple[int, int] | None:
    """How well a column's header fits the path: (exact steps, last step is the header's last cell), or
    None when the steps are not all found top-down."""
    exact = 0
    position = 0
    last = -1
    for step in path:
        while position < len(header) and not _matches(header[position], step):
            position += 1
        if position == len(header):
            return None
        exact += _matches(header[position], step) == 2
        last = position
        position += 1
    return exact, int(last == len(header) - 1)


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None
