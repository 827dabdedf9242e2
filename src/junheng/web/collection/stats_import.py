"""The county's import of its education-statistics workbooks into a collection round (issue 13 §5, §7).

`preview` takes what the statistics reader (`junheng.stats`) found in the uploaded files (read once, by a
background job: stats_read.py, stats_jobs.py) and says, without storing anything, what each school's
record would become: every figure with the cells it came from, what is still to be filled in, what would
change from what is stored, every problem, and the teaching points the statistics do not count as
schools with the county's choice for each. `confirm` builds it again (from the same reading, against
what is stored now) and, when nothing stops it, stores every record in one transaction and a fixed
number of queries, each figure audited as imported from the statistics; the clerks are then asked for
the missing figures and to confirm. The teaching-point choices are stored and applied again the next year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from junheng.schema import FIELDS_BY_KEY, SCHOOL_TYPE_LABELS, SCHOOL_TYPE_LEVELS
from junheng.stats import Figure, Problem, School, Source, StatsImport, record, to_fill
from junheng.web.collection.forms import figure_text, unit
from junheng.web.collection.models import RECORD_FIELDS, Change, Round, SchoolRecord, StatisticsFigures, TeachingPoint
from junheng.web.collection.stats_read import Read
from junheng.web.errors import WorkflowError
from junheng.web.orgs import lookups
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User

REFUSAL = "只有县级督导室可以导入全县数据"
KEEP = "keep"  # the choice that keeps a teaching point as a school of its own
# What a teaching point merged into its school adds to it: its counts, areas and assets. A smallest room
# or a largest class is not a sum (the statistics do not give those anyway).
NOT_SUMMED = frozenset({"max_class_size_primary", "max_class_size_junior"})
_RECORD_KEYS = frozenset(f.key for f in RECORD_FIELDS)


class NotStored(WorkflowError):
    """The import stored nothing: why, and the preview that shows every problem."""

    def __init__(self, message: str, preview: Preview) -> None:
        super().__init__(message)
        self.preview = preview


@dataclass(frozen=True)
class Row:
    """A figure as the preview lists it: its label and unit, its value as read, and its cells."""

    key: str
    label: str
    unit: str
    value: str
    sources: tuple[Source, ...]
    old: str | None  # the stored value it replaces, when it differs


@dataclass(frozen=True)
class Replaced:
    """A stored figure the import would replace."""

    key: str
    old: Any
    new: Any

    @property
    def label(self) -> str:
        spec = FIELDS_BY_KEY[self.key]
        return f"{spec.label}（{unit(spec)}）" if unit(spec) else spec.label

    @property
    def texts(self) -> tuple[str, str]:
        """The old and new values as the page shows them."""
        return figure_text(self.key, self.old), figure_text(self.key, self.new)


@dataclass
class Entry:
    """One school of the county as the statistics give it: the record it becomes and what stops it."""

    school: Organisation | None  # None: the 学校标识码 is not a school of the county
    found: School
    values: dict[str, Any]  # the record fields the statistics give (teaching points merged in)
    to_fill: dict[str, str]  # field key → why it must still be given
    changes: list[Replaced] = field(default_factory=list)
    new: int = 0  # figures stored where the record had none
    merged: list[str] = field(default_factory=list)  # names of the teaching points merged into it

    @property
    def type_label(self) -> str:
        return SCHOOL_TYPE_LABELS.get(self.found.school_type or "", "类型未识别")

    @property
    def rows(self) -> list[Row]:
        """The figures read, in the data file's order, each with the stored value it would replace; the 0 of
        a 学段 the school does not have is stored but not listed."""
        old = {c.key: c.old for c in self.changes}
        levels = SCHOOL_TYPE_LEVELS.get(self.found.school_type or "", ())  # a 学段 it lacks is 0, not shown
        return [
            Row(
                f.key,
                f.label,
                unit(f),
                figure_text(f.key, self.values[f.key]),
                self.found.figures[f.key].sources if f.key in self.found.figures else (),
                figure_text(f.key, old[f.key]) if f.key in old else None,
            )
            for f in RECORD_FIELDS
            if f.key in self.values and f.key != "school_type" and (f.level is None or f.level in levels)
        ]

    @property
    def missing(self) -> list[tuple[str, str]]:
        """What the clerk must still give: (label, why)."""
        return [(FIELDS_BY_KEY[k].label, why) for k, why in self.to_fill.items()]


@dataclass
class Point:
    """A teaching point the statistics do not count as a school, and the county's choice for it."""

    found: School
    in_tree: Organisation | None  # the teaching point as a school of the county, when it is one
    choice: int | str | None  # a school's id, KEEP, or None when not chosen yet
    remembered: int | None  # the year the stored choice was made, when the choice is the stored one

    @property
    def students(self) -> str:
        """Its pupils as read (what merging it adds to a school), for the county to judge by."""
        total = sum(
            (f.value for key, f in self.found.figures.items() if key.startswith("students_") and f.value is not None),
            Decimal(0),
        )
        return figure_text("students_primary", int(total))


@dataclass
class Preview:
    """What confirming would store, and every problem that stops it."""

    county: Organisation
    year: int
    files: tuple[str, ...]
    entries: list[Entry]
    points: list[Point]
    problems: list[Problem]

    @property
    def stopping(self) -> list[Problem]:
        return [p for p in self.problems if p.fatal]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if not p.fatal]

    @property
    def parents(self) -> list[Organisation]:
        """The schools a teaching point can be merged into: those of the county the files give."""
        return [e.school for e in self.entries if e.school is not None and e.found.counted]

    @property
    def changed(self) -> list[Entry]:
        return [e for e in self.entries if e.changes]


def require_open_round(county: Organisation, year: int) -> None:
    """WorkflowError unless the county's round of `year` is open (statistics are imported into it)."""
    if not Round.objects.filter(county=county, year=year, status=Round.Status.OPEN).exists():
        raise WorkflowError(f"{year} 年度的填报任务未发布或已结束；请先发布该年度的填报任务，再导入统计报表")


def preview(*, user: User, county_id: int, read: Read, choices: Mapping[str, str] | None = None) -> Preview:
    """What importing the read files would store (nothing is stored). `choices` are the county's
    choices for teaching points as posted (学校标识码 → a school's id or KEEP); the stored ones otherwise."""
    county = lookups.managed_county(user, county_id, refusal=REFUSAL)
    year = read.year
    require_open_round(county, year)
    result = read.result
    problems = list(result.problems)
    _check_year(result, year, problems, read.files[0])
    schools = list(county.subtree().filter(kind=Organisation.Kind.SCHOOL).order_by("code"))
    by_code = {s.code: s for s in schools}
    records = {
        r.school.code: r for r in SchoolRecord.objects.filter(school__in=schools, year=year).select_related("school")
    }
    entries = {s.school_id: _entry(s, by_code.get(s.school_id), year) for s in result.schools if s.counted}
    for entry in entries.values():
        if entry.school is None:
            problems.append(_not_ours(entry.found, county))
    stored = {c.code: c for c in TeachingPoint.objects.filter(county=county)}
    points = [
        _point(s, by_code, stored.get(s.school_id), (choices or {}).get(s.school_id))
        for s in result.schools
        if not s.counted
    ]
    for point in points:
        _place(point, entries, by_code, year, problems)
    for entry in entries.values():
        if entry.school is not None:
            _compare(entry, records.get(entry.school.code), problems)
    listed = sorted(entries.values(), key=lambda e: e.found.school_id)
    return Preview(county, year, read.files, listed, points, list(dict.fromkeys(problems)))


def _check_year(result: StatsImport, year: int, problems: list[Problem], first: str) -> None:
    if result.year is not None and result.year != year:
        problems.append(
            Problem(
                first,
                None,
                None,
                f"这些统计报表是 {result.year}/{result.year + 1} 学年初的统计，本次导入的是 {year} 年度；"
                f"请上传 {year}/{year + 1} 学年初的统计报表，或到 {result.year} 年度的填报任务中导入",
            )
        )
    if result.year is None and result.schools:  # no school read: the problems say why, not the year
        # the reader asks for --year; on the platform the round gives the year, but a cover must agree
        problems[:] = [p for p in problems if "--year" not in p.message]
        problems.append(
            Problem(
                first,
                None,
                None,
                f"统计报表的封面或标题中找不到统计年度（如“{year}/{year + 1} 学年初”）；请上传统计系统导出的原始报表",
            )
        )


def _entry(found: School, school: Organisation | None, year: int) -> Entry:
    values = {k: v for k, v in record(found, year).items() if k in _RECORD_KEYS and v is not None}
    return Entry(school, found, values, dict(to_fill(found)))


def _not_ours(found: School, county: Organisation) -> Problem:
    message = (
        f"{found.school_name}的学校标识码“{found.school_id}”不是{county.name}的学校；"
        "请核对统计报表是否属于本县，或先请管理员在系统中添加该学校"
    )
    return Problem(found.file, None, None, message)


def _point(
    found: School, by_code: Mapping[str, Organisation], stored: TeachingPoint | None, posted: str | None
) -> Point:
    in_tree = by_code.get(found.school_id)
    if posted:
        choice: int | str | None = KEEP if posted == KEEP else int(posted) if posted.isdigit() else None
        return Point(found, in_tree, choice, None)
    if stored is not None:
        return Point(found, in_tree, stored.parent_id or KEEP, stored.year)
    return Point(found, in_tree, KEEP if in_tree is not None else None, None)


def _place(
    point: Point, entries: dict[str, Entry], by_code: Mapping[str, Organisation], year: int, problems: list[Problem]
) -> None:
    """The teaching point kept as its own record, or its figures added to its parent school's."""
    name, file = point.found.school_name, point.found.file
    if point.choice is None:
        message = f"教学点“{name}”（{point.found.school_id}）不在本县学校名单中：请在下方选择它并入的学校"
        problems.append(Problem(file, None, None, message))
        return
    if point.choice == KEEP:
        if point.in_tree is None:
            message = (
                f"教学点“{name}”（{point.found.school_id}）选择了单独保留，但它不在本县学校名单中；"
                "请选择它并入的学校，或先请管理员在系统中添加该教学点"
            )
            problems.append(Problem(file, None, None, message))
            return
        entries[point.found.school_id] = _entry(point.found, point.in_tree, year)
        return
    parent = next((e for e in entries.values() if e.school is not None and e.school.pk == point.choice), None)
    if parent is None:
        message = f"教学点“{name}”所选的并入学校不在本次导入的统计报表中；请选择报表中的学校，或单独保留"
        problems.append(Problem(file, None, None, message))
        return
    for key, figure in point.found.figures.items():
        held = parent.values.get(key)
        if key in NOT_SUMMED or figure.value is None or not figure.sources or not isinstance(held, int | float):
            continue
        total = Decimal(str(held)) + figure.value
        parent.values[key] = type(held)(total)
        parent.found.figures[key] = Figure(key, total, parent.found.figures[key].sources + figure.sources)
    parent.merged.append(name)


def _compare(entry: Entry, stored: SchoolRecord | None, problems: list[Problem]) -> None:
    """What the import would change in the stored record; a locked record is not overwritten."""
    if stored is None:
        entry.new = len(entry.values)
        return
    if stored.locked:
        message = f"{stored.school.name}的 {stored.year} 年度数据已审核锁定，不能覆盖；如需更正，请先与学校沟通后退回"
        problems.append(Problem(entry.found.file, None, None, message))
    for key, new in entry.values.items():
        old = getattr(stored, key)
        if old is None:
            entry.new += 1
        elif old != new:
            entry.changes.append(Replaced(key, old, new))
    entry.to_fill = {k: why for k, why in entry.to_fill.items() if getattr(stored, k) is None}


def confirm(*, user: User, county_id: int, read: Read, choices: Mapping[str, str] | None = None) -> Preview:
    """Store what `preview` shows, in one transaction, or nothing when a problem stops it (WorkflowError).

    Every figure the statistics give is stored and audited (Change.Action.STATISTICS); figures they do
    not give are left as stored. Each record then awaits its clerk: the missing figures and a confirmation.
    """
    shown = preview(user=user, county_id=county_id, read=read, choices=choices)
    if shown.stopping:
        raise NotStored(f"统计报表中有 {len(shown.stopping)} 处问题，未保存任何数据；请按下表改正后重新上传", shown)
    try:
        with transaction.atomic():
            _store(user, shown)
    except WorkflowError as exc:
        raise NotStored(str(exc), shown) from exc
    return shown


def _store(user: User, shown: Preview) -> None:
    """The preview's records stored in a fixed number of queries, whatever the number of schools."""
    county, year = shown.county, shown.year
    entries = [e for e in shown.entries if e.school is not None]
    records = {
        r.school_id: r
        for r in SchoolRecord.objects.select_for_update(of=("self",))
        .filter(school__in=[e.school for e in entries], year=year)
        .select_related("school")
    }
    locked = [r.school.name for r in records.values() if r.locked]
    if locked:  # approved since the preview was read
        raise WorkflowError(f"{'、'.join(locked)}的数据刚刚审核锁定，不能覆盖；未保存任何数据")
    missing = [e.school for e in entries if e.school is not None and e.school.pk not in records]
    for made in SchoolRecord.objects.bulk_create(SchoolRecord(school=s, year=year) for s in missing):
        records[made.school_id] = made
    reason = f"从 {year}/{year + 1} 学年初教育事业统计导入（{'、'.join(shown.files)}）"
    changes, marks, now = [], [], timezone.now()
    for entry in entries:
        assert entry.school is not None
        stored = records[entry.school.pk]
        for key, new in entry.values.items():
            old = getattr(stored, key)
            if old != new:
                setattr(stored, key, new)
                changes.append(_audit(user, stored, key, old, new, reason))
        stored.version += 1
        stored.updated_at = now
        # The clerk gives what is missing and confirms the rest; until then the figures are not reported.
        # A record already handed in stays handed in: the county imported over it knowingly.
        stored.awaiting_confirmation = stored.status in (SchoolRecord.Status.DRAFT, SchoolRecord.Status.RETURNED)
        stored.carried_from, stored.carried = None, {}
        to_fill_now = {k: why for k, why in entry.to_fill.items() if getattr(stored, k) is None}
        marks.append(StatisticsFigures(record=stored, to_fill=to_fill_now, sources=_sources(entry.found)))
    fields = [*_RECORD_KEYS, "version", "updated_at", "awaiting_confirmation", "carried_from", "carried"]
    SchoolRecord.objects.bulk_update(list(records.values()), fields, batch_size=500)
    for change in changes:
        change.version = change.record.version
    Change.objects.bulk_create(changes)
    StatisticsFigures.objects.filter(record__in=records.values()).delete()
    StatisticsFigures.objects.bulk_create(marks)
    _remember(user, county, year, shown.points)


def _audit(user: User, record: SchoolRecord, key: str, old: object, new: object, reason: str) -> Change:
    return Change(
        record=record,
        action=Change.Action.STATISTICS,
        field=key,
        old="" if old is None else str(old),
        new="" if new is None else str(new),
        reason=reason,
        user=user if user.is_authenticated else None,
    )


def _sources(found: School) -> dict[str, list[dict[str, str]]]:
    return {
        key: [
            {
                "file": s.file,
                "sheet": s.sheet,
                "cell": s.cell,
                "row": s.row_label,
                "column": s.column_label,
                "raw": s.cell_text,
                "arithmetic": s.arithmetic,
            }
            for s in figure.sources
        ]
        for key, figure in found.figures.items()
        if figure.sources and key in FIELDS_BY_KEY
    }


def _remember(user: User, county: Organisation, year: int, points: list[Point]) -> None:
    """Store the county's choice for each teaching point, to apply it again next year."""
    stored = {c.code: c for c in TeachingPoint.objects.filter(county=county)}
    by = user if user.is_authenticated else None
    fresh, changed = [], []
    for point in points:
        parent = None if point.choice == KEEP else point.choice
        assert not isinstance(parent, str)
        held = stored.get(point.found.school_id)
        if held is None:
            fresh.append(TeachingPoint(county=county, code=point.found.school_id, name=point.found.school_name,
                                       parent_id=parent, year=year, decided_by=by))  # fmt: skip
        elif held.parent_id != parent:
            held.parent_id, held.year, held.decided_by, held.name = parent, year, by, point.found.school_name
            changed.append(held)
    TeachingPoint.objects.bulk_create(fresh)
    TeachingPoint.objects.bulk_update(changed, ["parent", "year", "decided_by", "name"])
