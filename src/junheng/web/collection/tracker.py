"""The county's tracker of a year: every school, its state, what looks suspicious; filtered by state
(`?state=`) and sorted by a column (`?sort=`, `-` first for descending), so a county of 300 schools
finds the ones waiting for it."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from junheng.web.collection.models import SchoolRecord
from junheng.web.collection.progress import ORDER, State, state_of
from junheng.web.collection.quality import Flag
from junheng.web.orgs.models import Organisation

_EPOCH = datetime.datetime.min.replace(tzinfo=datetime.UTC)


@dataclass(frozen=True)
class TrackerRow:
    school: Organisation
    record: SchoolRecord | None
    flags: tuple[Flag, ...]

    @property
    def state(self) -> State:
        return state_of(self.record)

    @property
    def carried(self) -> bool:
        """Pre-filled from last year and not confirmed by the school yet."""
        return self.record is not None and self.record.awaiting_confirmation


# The sortable columns: ?sort= key, the column's title, the row's value to sort by.
SORTS: dict[str, tuple[str, Callable[[TrackerRow], object]]] = {
    "school": ("学校", lambda row: row.school.name),
    "code": ("学校标识码", lambda row: row.school.code),
    "state": ("状态", lambda row: ORDER.index(row.state)),
    "updated": (
        "最后更新",
        lambda row: _EPOCH if row.record is None or row.state is State.NOT_STARTED else row.record.updated_at,
    ),
    "flags": ("数据疑点", lambda row: len(row.flags)),
}
DEFAULT_SORT = "code"


@dataclass(frozen=True)
class Column:
    """A sortable column heading: its title, the link that sorts by it, and how the rows are sorted now."""

    title: str
    sort: str
    current: str  # "ascending", "descending" or "" (aria-sort)


@dataclass(frozen=True)
class Tracker:
    """Every school of the county in a year (`all`), those in the state asked for (`rows`), sorted."""

    all: tuple[TrackerRow, ...]
    rows: tuple[TrackerRow, ...]
    state: State | None
    sort: str

    def counts(self) -> list[tuple[State, int]]:
        """How many schools are in each state, in the workflow's order, every state shown."""
        counted = Counter(row.state for row in self.all)
        return [(state, counted[state]) for state in ORDER]

    def columns(self) -> dict[str, Column]:
        """The sortable headings by key: a click sorts by the column, a second click the other way."""
        key, descending = self.sort.removeprefix("-"), self.sort.startswith("-")
        columns = {}
        for name, (title, _) in SORTS.items():
            if name != key:
                columns[name] = Column(title, name, "")
            else:
                columns[name] = Column(
                    title, name if descending else f"-{name}", "descending" if descending else "ascending"
                )
        return columns

    def waiting(self) -> list[TrackerRow]:
        """The rows shown that wait for review (待审核): those a reviewer may approve at once."""
        return [row for row in self.rows if row.state is State.SUBMITTED]


def parse_state(text: str | None) -> State | None:
    """The `?state=` asked for, or None for every state (an unknown value shows every state too)."""
    return State(text) if text in set(State) else None


def parse_sort(text: str | None) -> str:
    """The `?sort=` asked for when it names a column, else the default."""
    return text if text and text.removeprefix("-") in SORTS else DEFAULT_SORT


def build(
    schools: Sequence[Organisation],
    records: Mapping[int, SchoolRecord],
    flags: Sequence[Flag],
    *,
    state: State | None = None,
    sort: str = DEFAULT_SORT,
) -> Tracker:
    """The tracker of `schools`, given their records of the year by school id and the flags on them."""
    by_school: dict[int, list[Flag]] = {}
    for flag in flags:
        by_school.setdefault(flag.record.school_id, []).append(flag)
    rows = tuple(TrackerRow(s, records.get(s.pk), tuple(by_school.get(s.pk, ()))) for s in schools)
    key = SORTS[sort.removeprefix("-")][1]
    ordered = sorted(rows, key=lambda row: (key(row), row.school.code), reverse=sort.startswith("-"))
    shown = tuple(row for row in ordered if state is None or row.state is state)
    return Tracker(rows, shown, state, sort)
