"""问题清单 and the rectification (整改) ledger: problems carried from year to year until they are fixed.

Pure: `reconcile` takes the ledger as stored and this year's problems and says what the ledger becomes.
The platform stores the result; a reader's report shows it without storing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem of this year's verdict; `key` identifies it from year to year (an item, a school indicator)."""

    key: str
    text: str


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A problem in the ledger: open while `closed_year` is None."""

    key: str
    text: str
    year_found: int
    closed_year: int | None = None


@dataclass(frozen=True, slots=True)
class Reconciled:
    """The ledger after a year's report: `entries` as shown in it, and what changed."""

    entries: tuple[LedgerEntry, ...]
    opened: tuple[str, ...]
    closed: tuple[str, ...]
    reopened: tuple[str, ...]


def reconcile(ledger: Sequence[LedgerEntry], problems: Sequence[Problem], year: int) -> Reconciled:
    """The ledger for `year`: new problems opened, earlier open ones still present kept open (with the
    year first found and this year's wording), earlier open ones no longer present closed in `year`.

    Running it twice for the same year changes nothing more; a problem closed in `year` that is present
    again (the data were corrected back) is reopened. Entries found after `year` are left out.
    """
    present = {p.key: p for p in problems}
    open_now = {e.key: e for e in ledger if e.closed_year is None and e.year_found <= year}
    closed_now = {e.key: e for e in ledger if e.closed_year == year and e.key not in open_now}
    entries: list[LedgerEntry] = []
    opened: list[str] = []
    reopened: list[str] = []
    for key, problem in present.items():
        if key in open_now:
            entries.append(replace(open_now[key], text=problem.text))
        elif key in closed_now:
            entries.append(replace(closed_now[key], text=problem.text, closed_year=None))
            reopened.append(key)
        else:
            entries.append(LedgerEntry(key, problem.text, year))
            opened.append(key)
    closed = [key for key in open_now if key not in present]
    entries += [replace(open_now[key], closed_year=year) for key in closed]
    entries += [e for key, e in closed_now.items() if key not in present]
    return Reconciled(tuple(entries), tuple(opened), tuple(closed), tuple(reopened))
