"""What a county does with its class sizes: keep the ledger, close rows, read the ledger and the planned
intakes (the imports are in `imports`, the intakes entered in `intakes`).

Every function checks who may do it (through `orgs.scope`) and raises `PermissionDenied`, `Http404`,
`InvalidData` (nothing stored) or `WorkflowError`, as the collection services do.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from junheng.engine import class_size
from junheng.engine.class_size import ClassSizeRules
from junheng.web.classes.inputs import Measures
from junheng.web.classes.models import ClassRecord, LedgerChange, LedgerRow, PlannedIntake, Snapshot
from junheng.web.collection.services import standard_for
from junheng.web.errors import WorkflowError
from junheng.web.levels import Level
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User

Status = LedgerRow.Status
ClassKey = tuple[int, str, int, str]  # school id, 学段, cohort (the school year it started its 学段), class name

NO_TOWNSHIP = "未填写乡镇"
# Rows still being worked on: a later snapshot may propose closing them.
WORKING = (Status.OPEN, Status.IN_PROGRESS, Status.REBOUND)
# The row's fields the county office records, each audited when it changes.
DETAILS = tuple(field.name for field in fields(Measures))


def rules_for(county: Organisation) -> ClassSizeRules:
    return ClassSizeRules.of(standard_for(county))


def acting(user: User) -> Any:
    """The user to record as having acted (None for an anonymous one)."""
    return user if user.is_authenticated else None


def key_of(row: LedgerRow) -> ClassKey:
    return (row.school_id, row.level, row.cohort, row.class_name)


# The ledger --------------------------------------------------------------------------------------------


def snapshot_table(snapshots: Iterable[Snapshot]) -> pl.DataFrame:
    """The classes of `snapshots`, one row each: snapshot (id), term, school_year, school (id), school_name,
    township (未填写乡镇 when the school has none), level, grade, cohort, class_name, students; in one query."""
    chosen = list(snapshots)
    terms = {s.pk: s.term for s in chosen}
    rows = list(
        ClassRecord.objects.filter(snapshot__in=chosen).values_list(
            "snapshot_id",
            "snapshot__school_year",
            "school_id",
            "school__name",
            "school__township",
            "level",
            "grade",
            "class_name",
            "students",
        )
    )
    schema = {
        "snapshot": pl.Int64,
        "school_year": pl.Int64,
        "school": pl.Int64,
        "school_name": pl.String,
        "township": pl.String,
        "level": pl.String,
        "grade": pl.Int64,
        "class_name": pl.String,
        "students": pl.Int64,
    }
    table = pl.DataFrame(rows, schema=schema, orient="row").with_columns(
        class_size.cohort_expr(),
        pl.when(pl.col("township") == "").then(pl.lit(NO_TOWNSHIP)).otherwise(pl.col("township")).alias("township"),
    )
    snapshot_terms = pl.DataFrame(
        {"snapshot": list(terms), "term": list(terms.values())}, schema={"snapshot": pl.Int64, "term": pl.String}
    )
    return table.join(snapshot_terms, on="snapshot")


def _log(row: LedgerRow, user: User | None, field: str, old: object, new: object, note: str = "") -> LedgerChange:
    return LedgerChange(
        row=row,
        user=None if user is None else acting(user),
        field=field,
        old="" if old is None else str(old),
        new="" if new is None else str(new),
        note=note,
    )


def _set_status(row: LedgerRow, status: Status, user: User | None, note: str) -> LedgerChange:
    change = _log(row, user, "status", row.get_status_display(), status.label, note)
    row.status = status
    row.save(update_fields=["status"])
    return change


@dataclass(frozen=True)
class _Recent:
    """The county's last `closing_snapshots` snapshots and each class's size in them."""

    snapshots: list[Snapshot]
    sizes: dict[ClassKey, dict[int, int]]
    limits: Mapping[str, int]
    needed: int

    def within(self, key: ClassKey) -> bool:
        """Within its limit at each of the last `needed` snapshots (present in every one of them)."""
        sizes = self.sizes.get(key, {})
        limit = self.limits[key[1]]
        return len(self.snapshots) >= self.needed and all(
            s.pk in sizes and sizes[s.pk] <= limit for s in self.snapshots
        )

    def graduated(self, key: ClassKey) -> bool:
        """The class has left its 学段: by the latest snapshot's school year it would be past the top
        grade, and it is not in that snapshot."""
        if not self.snapshots:
            return False
        _, level, cohort, _ = key
        latest = self.snapshots[0]
        return latest.school_year - cohort >= len(Level(level).grades) and latest.pk not in self.sizes.get(key, {})

    def closable(self, key: ClassKey) -> bool:
        return self.within(key) or self.graduated(key)


def _recent(county: Organisation, rules: ClassSizeRules) -> _Recent:
    snapshots = list(Snapshot.objects.filter(county=county).order_by("-date")[: rules.closing_snapshots])
    sizes: dict[ClassKey, dict[int, int]] = {}
    columns = ("school", "level", "cohort", "class_name", "snapshot", "students")
    for school, level, cohort, name, snapshot, students in snapshot_table(snapshots).select(columns).iter_rows():
        sizes.setdefault((school, level, cohort, name), {})[snapshot] = students
    return _Recent(snapshots, sizes, rules.limits, rules.closing_snapshots)


def update_ledger(county: Organisation, snapshot: Snapshot) -> None:
    """After an import: open a row for each class above its limit without an open one, reopen a closed
    row as 反弹 when its class is over again, and propose closing rows whose class has been within its
    limit at the configured number of consecutive snapshots (standard.md §5, G5)."""
    rules = rules_for(county)
    table = snapshot_table([snapshot])
    over = class_size.over_limit(table, rules)
    latest: dict[ClassKey, LedgerRow] = {}
    for existing in LedgerRow.objects.filter(county=county).order_by("pk"):
        latest[key_of(existing)] = existing
    changes: list[LedgerChange] = []
    note = f"{snapshot.term} 导入"
    for c in over.iter_rows(named=True):
        key: ClassKey = (c["school"], c["level"], c["cohort"], c["class_name"])
        found = latest.get(key)
        if found is None:
            row = LedgerRow.objects.create(
                county=county,
                school_id=c["school"],
                level=c["level"],
                cohort=c["cohort"],
                grade=c["grade"],
                class_name=c["class_name"],
                found_in=snapshot,
                students_found=c["students"],
            )
            latest[key] = row
            changes.append(_log(row, None, "status", "", row.get_status_display(), f"{note}：{c['students']} 人"))
        elif found.status == Status.CLOSED:
            changes.append(
                _set_status(found, Status.REBOUND, None, f"{note}：{c['students']} 人，再次超过 {c['limit']} 人")
            )
        elif found.status == Status.PROPOSED:
            changes.append(_set_status(found, Status.IN_PROGRESS, None, f"{note}：{c['students']} 人，核验前再次超额"))
    grades = {
        (school, level, cohort, name): grade
        for school, level, cohort, name, grade in table.select(
            "school", "level", "cohort", "class_name", "grade"
        ).iter_rows()
    }
    promoted = [row for key, row in latest.items() if grades.get(key, row.grade) != row.grade]
    for row in promoted:
        row.grade = grades[key_of(row)]
    LedgerRow.objects.bulk_update(promoted, ["grade"])
    recent = _recent(county, rules)
    for key, row in latest.items():
        if row.status in WORKING and recent.within(key):
            terms = "、".join(s.term for s in reversed(recent.snapshots))
            changes.append(_set_status(row, Status.PROPOSED, None, f"{terms}均未超过限额，建议销号"))
        elif row.status in WORKING and recent.graduated(key):
            changes.append(_set_status(row, Status.PROPOSED, None, f"{snapshot.term}：该班已毕业离校，建议销号"))
    LedgerChange.objects.bulk_create(changes)


def _row(user: User, row_id: int) -> LedgerRow:
    """The ledger row if `user` may see its county, locked until the transaction ends; 404 otherwise."""
    row = LedgerRow.objects.select_for_update().select_related("school", "county", "found_in").filter(pk=row_id).first()
    if row is None or not scope.visible(user).filter(pk=row.county_id).exists():
        raise Http404("没有找到该台账记录，或您无权查看")
    return row


@transaction.atomic
def record_measures(*, user: User, row_id: int, details: Measures) -> LedgerRow:
    """The county office records cause, measures, project, places, teachers, deadline and who is
    responsible; a row still waiting (待整改, 反弹) moves to 整改中 once it has measures."""
    row = _row(user, row_id)
    if not scope.can_manage(user, row.county):
        raise PermissionDenied("只有县级督导室可以填写整改措施")
    if row.status == Status.CLOSED:
        raise WorkflowError("该记录已销号，不能再修改")
    allowed = rules_for(row.county).measures
    unknown = [m for m in details.measures if m not in allowed]
    if unknown:
        raise WorkflowError(f"整改措施“{'、'.join(unknown)}”不在可选范围内：{'、'.join(allowed)}")
    before = {field: getattr(row, field) for field in DETAILS}
    details.apply(row)
    changes = [
        _log(row, user, field, _shown(old), _shown(getattr(row, field)))
        for field, old in before.items()
        if getattr(row, field) != old
    ]
    row.save()
    if row.status in (Status.OPEN, Status.REBOUND) and row.measures:
        changes.append(_set_status(row, Status.IN_PROGRESS, user, "已填写整改措施"))
    LedgerChange.objects.bulk_create(changes)
    return row


def _shown(value: object) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


@transaction.atomic
def confirm_close(*, user: User, row_id: int) -> LedgerRow:
    """A reviewer (county office or supervisor) confirms a proposed close (销号); refused unless the class
    is within its limit at the configured number of consecutive snapshots, or has graduated."""
    row = _row(user, row_id)
    if not scope.can_review(user, row.county):
        raise PermissionDenied("销号须由县级督导室或督学核验确认")
    rules = rules_for(row.county)
    if row.status != Status.PROPOSED or not _recent(row.county, rules).closable(key_of(row)):
        raise WorkflowError(
            f"该班级须在最近连续 {rules.closing_snapshots} 次统计中均不超过限额（或已毕业离校），才能销号；"
            f"当前状态为“{row.get_status_display()}”"
        )
    LedgerChange.objects.bulk_create([_set_status(row, Status.CLOSED, user, "核验确认销号")])
    return row


REASON_LENGTH = 180  # LedgerChange.note holds the reason with its prefix


@transaction.atomic
def reject_close(*, user: User, row_id: int, reason: str) -> LedgerRow:
    """A reviewer sends a proposed close (已达标待核验) back to 整改中, with the reason, which is logged."""
    row = _row(user, row_id)
    if not scope.can_review(user, row.county):
        raise PermissionDenied("驳回销号须由县级督导室或督学核验")
    reason = reason.strip()
    if not reason:
        raise WorkflowError("请填写驳回理由，例如核验时发现的问题")
    if len(reason) > REASON_LENGTH:
        raise WorkflowError(f"驳回理由最多 {REASON_LENGTH} 字；请精简")
    if row.status != Status.PROPOSED:
        raise WorkflowError(f"只有“已达标待核验”的记录可以驳回；当前状态为“{row.get_status_display()}”")
    LedgerChange.objects.bulk_create([_set_status(row, Status.IN_PROGRESS, user, f"驳回销号：{reason}")])
    return row


# Planned intakes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeCheck:
    """A planned intake and what the start-grade guard says of it (standard.md §5 G5)."""

    intake: PlannedIntake
    grade: int
    limit: int
    largest_class: int
    over_limit: bool
    classes_needed: int


def check_intakes(intakes: Sequence[PlannedIntake], rules: ClassSizeRules) -> list[IntakeCheck]:
    """The start-grade guard on stored intakes, in their order."""
    plans = pl.DataFrame(
        [(i.level, class_size.START_GRADES[i.level], i.students, i.classes) for i in intakes],
        schema={"level": pl.String, "grade": pl.Int64, "students": pl.Int64, "classes": pl.Int64},
        orient="row",
    )
    guarded = class_size.start_grade_guard(plans, rules)
    return [
        IntakeCheck(intake, *checked)
        for intake, checked in zip(
            intakes,
            guarded.select("grade", "limit", "largest_class", "over_limit", "classes_needed").iter_rows(),
            strict=True,
        )
    ]


# Reading -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    county: Organisation
    rules: ClassSizeRules
    rows: list[LedgerRow]
    snapshots: list[Snapshot]
    shares: pl.DataFrame  # one row per snapshot, in date order (engine.class_size.shares by term)
    by_township: pl.DataFrame  # the latest snapshot by township: shares and `band_<key>` counts
    by_school: pl.DataFrame  # the same by school (township, school_name, school)
    intakes: list[IntakeCheck]
    today: datetime.date


def ledger(*, user: User, county_id: int) -> Ledger:
    """The county's ledger rows (with their school) and its shares per snapshot, in a fixed number of queries."""
    county = lookups.visible_county(user, county_id)
    rules = rules_for(county)
    snapshots = list(Snapshot.objects.filter(county=county).order_by("date"))
    rows = list(LedgerRow.objects.filter(county=county).select_related("school", "found_in"))
    table = snapshot_table(snapshots)
    order = pl.DataFrame(
        {"term": [s.term for s in snapshots], "order": list(range(len(snapshots)))},
        schema={"term": pl.String, "order": pl.Int64},
    )
    shares = class_size.shares(table, rules, ["term"]).join(order, on="term").sort("order").drop("order")
    latest = table.filter(pl.col("snapshot") == snapshots[-1].pk) if snapshots else table
    intakes = list(PlannedIntake.objects.filter(county=county).select_related("school"))
    return Ledger(
        county,
        rules,
        rows,
        snapshots,
        shares,
        breakdown(latest, rules, ["township"]),
        breakdown(latest, rules, ["township", "school_name", "school"]),
        check_intakes(intakes, rules),
        timezone.localdate(),
    )


def breakdown(table: pl.DataFrame, rules: ClassSizeRules, by: Sequence[str]) -> pl.DataFrame:
    """Per group of `by`: the shares against the targets and, as `band_<key>`, the classes in each band."""
    if table.height == 0:
        return class_size.shares(table, rules, by)
    counts = (
        class_size.distribution(table, rules, by)
        .with_columns(("band_" + pl.col("band")).alias("band"))
        .pivot("band", index=list(by), values="classes", sort_columns=False)
    )
    return class_size.shares(table, rules, by).join(counts, on=list(by)).sort(by)


def is_overdue(row: LedgerRow, today: datetime.date) -> bool:
    return row.deadline is not None and row.deadline < today and row.status != Status.CLOSED


def changes_of(rows: Sequence[LedgerRow]) -> dict[int, list[LedgerChange]]:
    found: dict[int, list[LedgerChange]] = {}
    for change in LedgerChange.objects.filter(row__in=rows).select_related("user"):
        found.setdefault(change.row_id, []).append(change)
    return found


def ledger_row(*, user: User, row_id: int) -> LedgerRow:
    """A ledger row for reading; 404 outside the user's reach."""
    row = LedgerRow.objects.select_related("school", "county", "found_in").filter(pk=row_id).first()
    if row is None or not scope.visible(user).filter(pk=row.county_id).exists():
        raise Http404("没有找到该台账记录，或您无权查看")
    return row
