"""The county page's tracker as shown: its counts and its table rendered, kept under the records' versions.

A county office opens its tracker many times a day and its 300 rows (two years of records read, the
quality flags computed, a table rendered) cost a few hundred milliseconds; they change only when a
record of the county changes. So what the page shows of them is kept (`collection.kept`) under the data
versions of the year and of the year before (the flags compare the two), per filter, sort and whether
the reader may review (the row checkboxes). The rendered table holds no per-request value (the CSRF
token is in the bulk form outside it; the checkboxes join that form by its id).

A write changes a row or two of the county's 300, and rendering them all is most of the table's cost:
each row is rendered once for everything it shows (`ShownRow`), so a table made after a write renders
only the rows whose school, record, flags or links changed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from junheng.web.collection import kept, quality, tracker
from junheng.web.collection.data_versions import tokens
from junheng.web.collection.models import SchoolRecord
from junheng.web.collection.progress import State
from junheng.web.collection.quality import Flag, FlagKind
from junheng.web.orgs.models import Organisation
from junheng.web.reversing import by_id

SCHOOL = Organisation.Kind.SCHOOL


@dataclass(frozen=True, slots=True)
class TrackerView:
    """What the county page shows of the tracker: the counts, the filter and sort, the table's HTML."""

    total: int
    counts: tuple[tuple[State, int], ...]
    waiting: int
    state: State | None
    sort: str
    table: SafeString


def tracker_view(county: Organisation, year: int, *, state: State | None, sort: str, can_review: bool) -> TrackerView:
    """The tracker of the county's `year` as the page shows it, made anew only when a record changed."""
    version = _version(county, year)
    made = functools.partial(_made, county, year, state=state, sort=sort, can_review=can_review, version=version)
    return kept.kept(_key(county, year, state, sort, can_review), version, made)


def after_write(county: Organisation, year: int) -> None:
    """Make again what a write of the county's `year` changed: the flags, which every review page shows,
    and the tracker as a reviewer first opens it, if someone has opened it lately (a county's tracker
    nobody looks at is made when it is next opened)."""
    version = _version(county, year)
    flags_of(county, year, version)
    key = _key(county, year, None, tracker.DEFAULT_SORT, True)
    if kept.is_kept(key):
        made = functools.partial(
            _made, county, year, state=None, sort=tracker.DEFAULT_SORT, can_review=True, version=version
        )
        kept.kept(key, version, made)


def _key(county: Organisation, year: int, state: State | None, sort: str, can_review: bool) -> str:
    return f"tracker:{county.pk}:{year}:{state.value if state else '*'}:{sort}:{int(can_review)}"


def _version(county: Organisation, year: int) -> str | None:
    """The data versions of the county's `year` and the year before (the flags compare the two)."""
    versions = tokens([county.pk], [year - 1, year])
    current = versions.get((county.pk, year))
    return None if current is None else f"{current}:{versions.get((county.pk, year - 1), '-')}"


# The data version when its caller has not read it (None is a version: the county-year has no token).
_UNREAD = "unread"


def county_tracker(
    county: Organisation, year: int, *, state: State | None, sort: str, version: str | None = _UNREAD
) -> tracker.Tracker:
    """The county's tracker of `year`: every school with its record and the quality flags on it (kept under
    `version`, `_version`'s, read here unless given)."""
    schools = list(county.subtree().filter(kind=SCHOOL).order_by("code"))
    flags = flags_of(county, year, version)  # the version read before the records
    current = list(SchoolRecord.objects.filter(school__path__startswith=county.path, school__kind=SCHOOL, year=year))
    records = {record.school_id: record for record in current}
    return tracker.build(schools, records, flags_on(current, flags), state=state, sort=sort)


# The flags on one record as kept: (field, kind, message) each.
KeptFlags = dict[int, list[tuple[str, str, str]]]


def flags_of(county: Organisation, year: int, version: str | None = _UNREAD) -> KeptFlags:
    """The quality flags on the county's records of `year`, by record id, computed from this year's and last
    year's records (one query) when either changed since they were kept (the tracker and every review page
    show them; the area flags compare a school with the county's others). `version` is `_version`'s, when
    the caller has read it."""
    ratio = quality.change_ratio()

    def made() -> KeptFlags:
        both = SchoolRecord.objects.filter(
            school__path__startswith=county.path, school__kind=SCHOOL, year__in=(year - 1, year)
        )
        current = [r for r in both if r.year == year]
        previous = [r for r in both if r.year == year - 1]
        found: KeptFlags = {}
        for flag in quality.county_flags(current, previous, ratio=ratio):
            found.setdefault(flag.record.pk, []).append((flag.field, flag.kind.value, flag.message))
        return found

    found = _version(county, year) if version is _UNREAD else version
    return kept.kept(f"flags:{county.pk}:{year}:{ratio}", found, made)


def flags_on(records: Sequence[SchoolRecord], flags: KeptFlags) -> list[Flag]:
    """The kept flags as flags on `records` (those of the county's year)."""
    return [
        Flag(record, field, FlagKind(kind), message)
        for record in records
        for field, kind, message in flags.get(record.pk, ())
    ]


def _made(
    county: Organisation, year: int, *, state: State | None, sort: str, can_review: bool, version: str | None
) -> TrackerView:
    built = county_tracker(county, year, state=state, sort=sort, version=version)
    patterns = (by_id("collection:review", county.pk), by_id("collection:school"), by_id("collection:history"))
    waiting = built.waiting()
    pick = can_review and bool(waiting)
    context = {
        "county": county,
        "year": year,
        "shown": built,
        "rows": _rows([(row, _links(row, county, year, patterns)) for row in built.rows], pick, can_review),
        "columns": built.columns(),
        "pick": pick,
        "can_review": can_review,
    }
    table = mark_safe(render_to_string("collection/tracker_table.html", context))  # our template
    return TrackerView(len(built.all), tuple(built.counts()), len(waiting), state, sort, table)


def _rows(rows: Sequence[tuple[tracker.TrackerRow, Links]], pick: bool, can_review: bool) -> list[SafeString]:
    """Each row's HTML, rendered only if a row showing the same was not rendered before (`_rendered`)."""
    return [_rendered(_shown(row, links, pick, can_review)) for row, links in rows]


@dataclass(frozen=True, slots=True)
class ShownRow:
    """Everything a tracker row shows (`_tracker_row.html`): equal rows are rendered alike."""

    state: State
    school: str
    code: str
    record: int | None
    carried: bool
    carried_from: bool
    updated_at: datetime | None
    flags: tuple[str, ...]
    review: str | None
    form: str
    history: str
    pick: bool
    can_review: bool


def _shown(row: tracker.TrackerRow, links: Links, pick: bool, can_review: bool) -> ShownRow:
    record = row.record
    return ShownRow(
        row.state,
        row.school.name,
        row.school.code,
        None if record is None else record.pk,
        row.carried,
        record is not None and bool(record.carried_from),
        None if record is None or row.state is State.NOT_STARTED else record.updated_at,
        tuple(flag.message for flag in row.flags),
        links.review,
        links.form,
        links.history,
        pick,
        can_review,
    )


# Rows rendered by this process, by what they show: one kept entry per county-year and filter would make
# a write render all 300 rows again; keyed by content, a row is never stale, so nothing needs sharing.
# About 1.2 KB a row (its HTML and what it shows): a province's 45,000 schools in about 60 MB at most.
ROWS_REMEMBERED = 50_000


@functools.lru_cache(maxsize=ROWS_REMEMBERED)
def _rendered(shown: ShownRow) -> SafeString:
    return mark_safe(render_to_string("collection/_tracker_row.html", {"row": shown}))  # our template


@dataclass(frozen=True, slots=True)
class Links:
    """A row's links: review (None without a record), the school's form and its audit trail."""

    review: str | None
    form: str
    history: str


def _links(
    row: tracker.TrackerRow, county: Organisation, year: int, patterns: tuple[Callable[[int], str], ...]
) -> Links:
    """The row's links, from URLs reversed once per table (`web.reversing`)."""
    review, form, history = patterns
    return Links(
        None if row.record is None else review(row.record.pk),
        f"{form(row.school.pk)}?year={year}",
        f"{history(row.school.pk)}?year={year}",
    )
