"""A new year's round pre-filled from each school's last approved record (沿用上年).

The carried figures are the school's until its clerk confirms or changes them: until then the record
is `awaiting_confirmation`, counts as not started, and is left out of every evaluation
(`tables.stored_records`). The figures as carried stay on the record (`carried`), so the reviewer
sees which ones the clerk changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from junheng.schema import Kind
from junheng.web.collection.models import RECORD_FIELDS, Change, SchoolRecord
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User


def last_approved(schools: Iterable[Organisation], year: int) -> dict[int, SchoolRecord]:
    """Each school's latest approved record before `year`, by school id, in one query."""
    latest: dict[int, SchoolRecord] = {}
    records = SchoolRecord.objects.filter(
        school__in=list(schools), year__lt=year, status=SchoolRecord.Status.APPROVED
    ).order_by("school_id", "-year")
    for record in records:
        latest.setdefault(record.school_id, record)
    return latest


def carry_into(record: SchoolRecord, source: SchoolRecord) -> None:
    """Fill an empty `record` with `source`'s figures, marked as carried from its year (not saved)."""
    values = source.values()
    for key, value in values.items():
        setattr(record, key, value)
    record.carried_from = source.year
    record.carried = values
    record.awaiting_confirmation = True


def carry_over(user: User, schools: Iterable[Organisation], year: int) -> int:
    """Pre-fill every empty draft record of `year` of `schools` from their last approved records.

    A record some figure has been entered in is left as it is. Each pre-filled record gets one audit
    entry naming the year it was carried from. Returns how many records were pre-filled; a fixed
    number of queries whatever the number of schools.
    """
    schools = list(schools)
    sources = last_approved(schools, year)
    empty = [
        record
        for record in SchoolRecord.objects.filter(
            school__in=schools, year=year, status=SchoolRecord.Status.DRAFT, school_type__isnull=True
        )
        if record.school_id in sources and not any(v is not None for v in record.values().values())
    ]
    for record in empty:
        carry_into(record, sources[record.school_id])
        record.version += 1
    fields = [f.key for f in RECORD_FIELDS] + ["carried_from", "carried", "awaiting_confirmation", "version"]
    SchoolRecord.objects.bulk_update(empty, fields, batch_size=500)
    Change.objects.bulk_create(
        Change(
            record=record,
            action=Change.Action.CARRY,
            reason=f"发布 {year} 年度填报任务时沿用 {record.carried_from} 年度审核通过的数据，待学校确认",
            user=user if user.is_authenticated else None,
            version=record.version,
        )
        for record in empty
    )
    return len(empty)


def changed_since_carried(record: SchoolRecord) -> frozenset[str]:
    """The figures of a pre-filled record that differ from what was carried over."""
    if record.carried_from is None:
        return frozenset()
    return frozenset(key for key, value in record.values().items() if not _same(key, value, record.carried.get(key)))


def still_carried(record: SchoolRecord) -> frozenset[str]:
    """The figures shown as 沿用上年: every carried figure of a record awaiting confirmation."""
    if not record.awaiting_confirmation:
        return frozenset()
    return frozenset(key for key, value in record.carried.items() if value is not None)


_NUMERIC = frozenset(f.key for f in RECORD_FIELDS if f.kind in (Kind.INTEGER, Kind.NUMBER))


def _same(key: str, value: Any, carried: Any) -> bool:
    """Equal as figures: JSON keeps 450.0 as 450, which is the same area."""
    if key in _NUMERIC and value is not None and carried is not None:
        return float(value) == float(carried)
    return bool(value == carried)
