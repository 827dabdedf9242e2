"""Problems met reading statistics workbooks, as data: where (file, sheet, cell) and what, in Chinese."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: `fatal` when it leaves a figure unusable (the import then stores nothing)."""

    file: str
    sheet: str | None
    cell: str | None
    message: str
    fatal: bool = True

    def format(self) -> str:
        """`FILE:SHEET:CELL: message`, with `-` where the problem concerns a whole sheet or file."""
        return f"{self.file}:{self.sheet or '-'}:{self.cell or '-'}: {self.message}"
