"""One service function per thing a user does with the yearly data; authorisation is checked inside each.

The views, the API and the commands all call these, so a rule lives in one place (STYLE.md). They
raise `PermissionDenied` (the web answers 403, or 404 where the object is not visible), `Http404`,
`errors.InvalidData` carrying the importer's own issues, `WorkflowError` for a step the record's state
forbids, or `versions.StaleRecord` for an edit made on a version of the record saved over since.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from junheng.engine import Evaluation
from junheng.io.datafile_writer import write_school_file
from junheng.io.errors import DataFileError, DataIssue
from junheng.io.limits import COUNTY_SCHOOL_FILE
from junheng.io.reader import check_records, read_school_file
from junheng.schema import FIELDS_BY_KEY
from junheng.standards import Standard, load_standard
from junheng.web.collection import prefill, tables
from junheng.web.collection.models import RECORD_FIELDS, Change, Round, SchoolRecord
from junheng.web.collection.versions import check_version
from junheng.web.errors import InvalidData, WorkflowError
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation, Role
from junheng.web.orgs.scope import User
from junheng.web.reading import reading


def standard_for(organisation: Organisation) -> Standard:
    return load_standard(organisation.standard_name())


def identity(record: SchoolRecord, county: Organisation) -> dict[str, Any]:
    """The data-file fields the organisation tree holds for a record."""
    return {
        "year": record.year,
        "county": county.name,
        "county_code": county.code,
        "school_id": record.school.code,
        "school_name": record.school.name,
    }


def county_records(county: Organisation, year: int) -> list[SchoolRecord]:
    """The county's records of a year that have reported figures (not the empty ones a round opens, nor
    those carried from last year and not confirmed yet), in one query."""
    return list(
        SchoolRecord.objects.filter(
            school__path__startswith=county.path,
            school__kind=Organisation.Kind.SCHOOL,
            year=year,
            school_type__isnull=False,
            awaiting_confirmation=False,
        ).select_related("school")
    )


def evaluate_county(*, user: User, county_id: int, year: int) -> tuple[Organisation, Evaluation]:
    """The county and the resource-allocation evaluation of its stored data for a year (whose `county`
    column is `tables.county_key`, its id)."""
    county = lookups.visible_county(user, county_id)
    return county, tables.county_year(county, year).evaluation


def county_workbook(*, user: User, county_id: int, year: int) -> tuple[str, bytes]:
    """The county's stored figures of a year as a data-file workbook (contracts.md §1): (file name, bytes).

    The same file the importer takes, so a bureau can correct it offline and upload it again.
    """
    county = lookups.visible_county(user, county_id)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.xlsx"
        # the file names the county as bureaus do; the engine's table keys it by id (`tables.county_key`)
        table = tables.county_table(county, year).with_columns(pl.lit(county.name).alias("county"))
        write_school_file(table, path, headers="zh")
        return f"{county.name}{year}年度学校数据.xlsx", path.read_bytes()


def validate_values(
    values: Mapping[str, object], *, county: Organisation, school: Organisation, year: int, source: str = "表单"
) -> dict[str, Any]:
    """A record's figures checked with the importer's rules; the typed values, or InvalidData."""
    row = {"year": year, "county": county.name, "school_id": school.code, "school_name": school.name, **values}
    try:
        table = check_records([row], standard_for(county), source=source)
    except DataFileError as exc:
        raise InvalidData(exc.issues) from exc
    typed = table.row(0, named=True)
    return {f.key: typed[f.key] for f in RECORD_FIELDS}


def record_for(*, user: User, school_id: int, year: int) -> SchoolRecord:
    """A school's record of a year (made empty if the county's round is open and none exists yet)."""
    school = lookups.visible_school(user, school_id)
    record = SchoolRecord.objects.filter(school=school, year=year).select_related("school").first()
    if record is not None:
        return record
    if not scope.can_edit(user, school):
        raise WorkflowError(f"{school.name}还没有 {year} 年度的数据")
    if not _round_open(school, year):
        raise WorkflowError(f"{year} 年度的填报任务尚未发布，暂不能填报")
    return SchoolRecord.objects.create(school=school, year=year)


def _round_open(school: Organisation, year: int) -> bool:
    county = school.ancestor(Organisation.Kind.COUNTY)
    return county is not None and Round.objects.filter(county=county, year=year, status=Round.Status.OPEN).exists()


@transaction.atomic
def edit_school_year(
    *,
    user: User,
    school_id: int,
    year: int,
    values: Mapping[str, object],
    reason: str = "",
    action: str = Change.Action.EDIT,
    version: int | None = None,
) -> SchoolRecord:
    """Change a school's figures of a year, making its record if the round is open (and only if stored).

    With `version`, refused with `StaleRecord` when the record has been saved since that version.
    """
    school = lookups.visible_school(user, school_id)
    if not scope.can_edit(user, school):
        raise PermissionDenied("您无权修改该学校的数据")
    record = record_for(user=user, school_id=school.pk, year=year)
    return update_record(user=user, record=record, values=values, reason=reason, action=action, version=version)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def edit_refusal(user: User, record: SchoolRecord) -> str | None:
    """Why the record's review state keeps `user` from changing it, or None when it does not."""
    if record.locked:
        return "该记录已审核锁定，不能修改"
    clerk = scope.role_at(user, record.school) == Role.CLERK
    if record.status == SchoolRecord.Status.SUBMITTED and clerk:
        return "该记录已提交待审核；如需修改，请联系县级督导室退回"
    if clerk and not _round_open(record.school, record.year):
        return f"{record.year} 年度的填报任务已结束，不能再修改；如需更正，请联系县级督导室"
    return None


@transaction.atomic
def update_record(
    *,
    user: User,
    record: SchoolRecord,
    values: Mapping[str, object],
    reason: str = "",
    action: str = Change.Action.EDIT,
    version: int | None = None,
) -> SchoolRecord:
    """Change some of a record's figures after checking the whole record; every change is audited.

    With `version` (the one the edit was made on), refused with `StaleRecord` when the record has been
    saved since: nothing is stored, and the exception says what changed meanwhile.
    """
    if not scope.can_edit(user, record.school):
        raise PermissionDenied("您无权修改该学校的数据")
    record = _locked(record)
    refusal = edit_refusal(user, record)
    if refusal is not None:
        raise WorkflowError(refusal)
    check_version(record, version)
    unknown = sorted(set(values) - set(FIELDS_BY_KEY))
    if unknown:
        raise InvalidData([DataIssue("表单", None, key, f"未知字段“{key}”") for key in unknown])
    county = lookups.county_above(record.school)
    merged = record.values() | dict(values)
    typed = validate_values(merged, county=county, school=record.school, year=record.year)
    changes = []
    for key, new in typed.items():
        old = getattr(record, key)
        if old != new:
            setattr(record, key, new)
            changes.append(
                Change(
                    record=record,
                    action=action,
                    field=key,
                    old=_text(old),
                    new=_text(new),
                    reason=reason,
                    user=_user(user),
                )
            )
    if record.awaiting_confirmation:
        # The clerk's save confirms the figures carried from last year: from now on they are reported.
        record.awaiting_confirmation = False
        changes.append(Change(record=record, action=Change.Action.CONFIRM, reason=reason, user=_user(user)))
    record.save()
    for change in changes:
        change.version = record.version
    Change.objects.bulk_create(changes)
    return record


def _user(user: User) -> Any:
    return user if user.is_authenticated else None


def _locked(record: SchoolRecord) -> SchoolRecord:
    """The record as stored now, its row locked until the transaction ends."""
    return SchoolRecord.objects.select_for_update().select_related("school").get(pk=record.pk)


def _transition(
    user: User, record: SchoolRecord, allowed_from: set[SchoolRecord.Status], to: str, action: str, comment: str = ""
) -> SchoolRecord:
    if record.status not in allowed_from:
        raise WorkflowError(f"当前状态为“{record.get_status_display()}”，不能{Change.Action(action).label}")
    old = record.status
    record.status = to
    now = timezone.now()
    if action == Change.Action.SUBMIT:
        record.submitted_at = now
        record.awaiting_confirmation = False  # handing in carried figures confirms them
    else:
        record.reviewed_at, record.reviewed_by = now, _user(user)
        record.review_comment = comment
    record.save()
    Change.objects.create(
        record=record,
        action=action,
        field="status",
        old=old,
        new=to,
        reason=comment,
        user=_user(user),
        version=record.version,
    )
    return record


@transaction.atomic
def submit(*, user: User, record: SchoolRecord) -> SchoolRecord:
    """The school hands its figures to the county for review; they must pass every check first."""
    if not scope.can_edit(user, record.school):
        raise PermissionDenied("您无权提交该学校的数据")
    record = _locked(record)
    county = lookups.county_above(record.school)
    validate_values(record.values(), county=county, school=record.school, year=record.year)
    allowed = {SchoolRecord.Status.DRAFT, SchoolRecord.Status.RETURNED}
    return _transition(user, record, allowed, SchoolRecord.Status.SUBMITTED, Change.Action.SUBMIT)


@transaction.atomic
def approve(*, user: User, record: SchoolRecord) -> SchoolRecord:
    """The county accepts a submitted record; it is locked from then on."""
    if not scope.can_review(user, record.school):
        raise PermissionDenied("您无权审核该学校的数据")
    allowed = {SchoolRecord.Status.SUBMITTED}
    return _transition(user, _locked(record), allowed, SchoolRecord.Status.APPROVED, Change.Action.APPROVE)


@transaction.atomic
def return_record(*, user: User, record: SchoolRecord, comment: str) -> SchoolRecord:
    """The county sends a submitted record back to the school with a comment."""
    if not scope.can_review(user, record.school):
        raise PermissionDenied("您无权审核该学校的数据")
    if not comment.strip():
        raise WorkflowError("退回时请填写退回意见，说明需要修改什么")
    allowed = {SchoolRecord.Status.SUBMITTED}
    return _transition(
        user, _locked(record), allowed, SchoolRecord.Status.RETURNED, Change.Action.RETURN, comment.strip()
    )


@transaction.atomic
def open_round(*, user: User, county_id: int, year: int) -> Round:
    """The county opens the year's collection: every school gets its record to fill, pre-filled from its
    last approved record where it has one (`prefill.carry_over`), for its clerk to confirm or change."""
    county = lookups.managed_county(user, county_id, refusal="只有县级督导室可以发布填报任务")
    round_, _ = Round.objects.get_or_create(county=county, year=year)
    schools = county.subtree().filter(kind=Organisation.Kind.SCHOOL)
    existing = set(SchoolRecord.objects.filter(school__in=schools, year=year).values_list("school_id", flat=True))
    SchoolRecord.objects.bulk_create(SchoolRecord(school=s, year=year) for s in schools if s.pk not in existing)
    prefill.carry_over(user, schools, year)
    return round_


@transaction.atomic
def close_round(*, user: User, county_id: int, year: int) -> Round:
    """The county ends the year's collection: schools can no longer change their figures."""
    county = lookups.managed_county(user, county_id, refusal="只有县级督导室可以结束填报任务")
    round_ = Round.objects.filter(county=county, year=year).first()
    if round_ is None:
        raise WorkflowError(f"{year} 年度没有填报任务")
    round_.status = Round.Status.CLOSED
    round_.save(update_fields=["status"])
    return round_


@dataclass(frozen=True, slots=True)
class Imported:
    """What a workbook import stored: the number of records, and a warning for each row whose 学校名称
    differs from the name on record for its 学校标识码 (stored by the 学校标识码 all the same)."""

    stored: int
    warnings: tuple[DataIssue, ...]


@transaction.atomic
def import_workbook(*, user: User, county_id: int, year: int, path: Path, name: str) -> Imported:
    """Store a whole county's workbook in one transaction, or nothing: every problem is reported first.

    Every row must belong to this county and year and name a school of it; approved (locked)
    records are not overwritten. A row whose school name differs from the one on record is stored by
    its 学校标识码, with a warning. Each row is checked once, by the reader; the whole file is stored
    in a fixed number of queries, whatever its number of schools (`_store_rows`).
    """
    county = lookups.managed_county(user, county_id, refusal="只有县级督导室可以导入全县数据")
    try:
        with reading(name):
            table = read_school_file(path, standard_for(county), limits=COUNTY_SCHOOL_FILE)
    except DataFileError as exc:
        raise InvalidData([_renamed(issue, name) for issue in exc.issues]) from exc
    schools = {s.code: s for s in county.subtree().filter(kind=Organisation.Kind.SCHOOL)}
    # Locked until the transaction ends, so a record approved meanwhile is not overwritten.
    records = {
        r.school.code: r
        for r in SchoolRecord.objects.select_for_update(of=("self",))
        .filter(school__in=schools.values(), year=year)
        .select_related("school")
    }
    issues: list[DataIssue] = []
    for row in table.iter_rows(named=True):
        where = (name, row["row"])
        if row["year"] != year:
            issues.append(DataIssue(*where, "年度", f"年度为 {row['year']}，本次导入的是 {year} 年度的数据"))
        if row["school_id"] not in schools:
            issues.append(
                DataIssue(
                    *where,
                    "学校标识码",
                    f"学校标识码“{row['school_id']}”不是{county.name}的学校；请核对，或先在系统中添加该学校",
                )
            )
        elif row["school_id"] in records and records[row["school_id"]].locked:
            issues.append(
                DataIssue(
                    *where, "学校标识码", f"{schools[row['school_id']].name}的 {year} 年度数据已审核锁定，不能覆盖"
                )
            )
    if issues:
        raise InvalidData(issues)
    warnings = tuple(
        _other_name(name, row, schools[row["school_id"]])
        for row in table.iter_rows(named=True)
        if row["school_name"] != schools[row["school_id"]].name
    )
    rows = {row["school_id"]: row for row in table.iter_rows(named=True)}
    _store_rows(user, year, [(schools[code], records.get(code), row) for code, row in rows.items()], f"导入 {name}")
    return Imported(table.height, warnings)


def _store_rows(
    user: User,
    year: int,
    rows: Sequence[tuple[Organisation, SchoolRecord | None, Mapping[str, Any]]],
    reason: str,
) -> None:
    """Store rows the reader has already checked, in a fixed number of queries whatever their number.

    Each row is (school, its record of `year` or None, typed figures). An existing record becomes a
    new version (`SchoolRecord.version` + 1) whether or not a figure changed, as a save does; a new
    one is made at version 1. Every changed figure gets an audit `Change` (who, old → new, why).
    """
    now = timezone.now()
    made = SchoolRecord.objects.bulk_create(
        SchoolRecord(school=school, year=year, **{f.key: row[f.key] for f in RECORD_FIELDS})
        for school, record, row in rows
        if record is None
    )
    changes = [
        _change(user, record, key, None, getattr(record, key), reason) for record in made for key in _keys(record)
    ]
    updated = []
    for _, record, row in rows:
        if record is None:
            continue
        for f in RECORD_FIELDS:
            old, new = getattr(record, f.key), row[f.key]
            if old != new:
                setattr(record, f.key, new)
                changes.append(_change(user, record, f.key, old, new, reason))
        record.version += 1
        record.updated_at = now
        record.awaiting_confirmation = False  # imported figures are reported ones
        updated.append(record)
    fields = [f.key for f in RECORD_FIELDS] + ["version", "updated_at", "awaiting_confirmation"]
    SchoolRecord.objects.bulk_update(updated, fields, batch_size=500)
    for change in changes:
        change.version = change.record.version
    Change.objects.bulk_create(changes)


def _keys(record: SchoolRecord) -> list[str]:
    """The figures a new record holds (those not left empty)."""
    return [f.key for f in RECORD_FIELDS if getattr(record, f.key) is not None]


def _change(user: User, record: SchoolRecord, key: str, old: object, new: object, reason: str) -> Change:
    return Change(
        record=record,
        action=Change.Action.IMPORT,
        field=key,
        old=_text(old),
        new=_text(new),
        reason=reason,
        user=_user(user),
    )


def _other_name(file: str, row: Mapping[str, Any], school: Organisation) -> DataIssue:
    message = (
        f"学校标识码 {school.code} 在系统中是“{school.name}”，文件中的学校名称却是“{row['school_name']}”；"
        f"数据已按学校标识码记入“{school.name}”。如果标识码填错了，请更正后重新导入"
    )
    return DataIssue(file, row["row"], "学校名称", message, row["school_name"])


def _renamed(issue: DataIssue, name: str) -> DataIssue:
    return DataIssue(name, issue.row, issue.column, issue.message, issue.value)
