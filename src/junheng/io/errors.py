"""Problems found in a data file, carried as data so the CLI, the web and reports can each show them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DataIssue:
    """One problem in a data file: where it is, what is wrong and what to do (in Chinese).

    `row` is the row number a spreadsheet shows (the header is row 1 of a CSV); `column` is the header
    text as it appears in the file, or the expected Chinese label of a missing column. Either is None
    when the problem concerns the whole file or the whole row.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    value: str | None = None

    def format(self) -> str:
        """`FILE:ROW:COLUMN: message`, with `-` for a missing row or column (contracts.md §2)."""
        row = "-" if self.row is None else str(self.row)
        column = "-" if self.column is None else self.column
        return f"{self.file}:{row}:{column}: {self.message}"


class DataFileError(Exception):
    """A data file that cannot be used, with every problem found in it, in row then column order."""

    def __init__(self, issues: Iterable[DataIssue]) -> None:
        self.issues: tuple[DataIssue, ...] = tuple(issues)
        super().__init__("\n".join(issue.format() for issue in self.issues))
