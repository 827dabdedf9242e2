"""Problems found in a data file, carried as data so the CLI, the web and reports can each show them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from junheng.io.limits import MAX_ISSUES


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


@dataclass(frozen=True, slots=True)
class UnlistedIssues(DataIssue):
    """The closing issue of a long list: how many more problems there are, not listed one by one."""

    count: int = 0


class Issues(tuple[DataIssue, ...]):
    """Issues as listed: the first `MAX_ISSUES` and, when there were more, an `UnlistedIssues`."""

    __slots__ = ()

    @property
    def total(self) -> int:
        """How many problems there are, listed or not."""
        return sum(issue.count if isinstance(issue, UnlistedIssues) else 1 for issue in self)


def bounded(issues: Iterable[DataIssue], limit: int = MAX_ISSUES) -> Issues:
    """The first `limit` issues, then one saying how many more were found: a file of 200,000 wrong rows
    gives a page a person can read, and tells them to correct what is listed and import again."""
    listed: list[DataIssue] = []
    more = 0
    for issue in issues:
        if isinstance(issue, UnlistedIssues):
            more += issue.count
        elif len(listed) < limit:
            listed.append(issue)
        else:
            more += 1
    if more:
        message = f"另有 {more} 处问题未列出；请先改正以上问题，再重新导入以查看其余问题"
        listed.append(UnlistedIssues(listed[0].file if listed else "", None, None, message, count=more))
    return Issues(listed)


class DataFileError(Exception):
    """A data file that cannot be used, with the problems found in it (at most `MAX_ISSUES`, then how many
    more), in row then column order."""

    def __init__(self, issues: Iterable[DataIssue]) -> None:
        self.issues: tuple[DataIssue, ...] = bounded(issues)
        super().__init__("\n".join(issue.format() for issue in self.issues))
