"""What a county does with its education groups and pairings: keep them, and see what they change.

Every function checks who may do it (through `orgs.scope`): anyone who sees the county reads; only the
county office (`scope.can_manage`) writes. They raise `Http404` outside the user's reach and
`PermissionDenied` for a reader's write, as the collection services do.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from junheng.engine import groups as engine
from junheng.web import evidence
from junheng.web.collection.services import standard_for
from junheng.web.collection.tables import county_years
from junheng.web.dashboards.queries import years_with_data
from junheng.web.errors import WorkflowError
from junheng.web.groups.inputs import (
    ActivityDetails,
    ExchangeDetails,
    GroupDetails,
    MembershipDetails,
    PairingDetails,
    ReviewDetails,
)
from junheng.web.groups.models import (
    Activity,
    ActivityEvidence,
    ActivityKind,
    Group,
    GroupType,
    Membership,
    Pairing,
    PairingReview,
    TeacherExchange,
)
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User

IN_GROUPS = "集团内学校"


def require_manager(user: User, county: Organisation) -> None:
    if not scope.can_manage(user, county):
        raise PermissionDenied("只有县级督导室可以维护教育集团和结对帮扶")


def county_schools(county: Organisation) -> QuerySet[Organisation]:
    return county.subtree().filter(kind=Organisation.Kind.SCHOOL)


def group_types(county: Organisation) -> QuerySet[GroupType]:
    """The types this county may choose: the shared examples and its own."""
    return GroupType.objects.filter(Q(county=None) | Q(county=county))


def activity_kinds(county: Organisation) -> QuerySet[ActivityKind]:
    return ActivityKind.objects.filter(Q(county=None) | Q(county=county))


def year_end(year: int) -> datetime.date:
    """The day a year's memberships are counted on: a school counts for a year if it is a member on 31 December."""
    return datetime.date(year, 12, 31)


# Reading -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountyGroups:
    county: Organisation
    groups: list[Group]
    pairings: list[Pairing]
    years: list[int]


def county_groups(*, user: User, county_id: int) -> CountyGroups:
    """The county's groups (with type, lead school and members) and pairings, in a fixed number of queries."""
    county = lookups.visible_county(user, county_id)
    groups = list(
        Group.objects.filter(county=county)
        .select_related("type", "lead_school")
        .prefetch_related("memberships__school")
    )
    pairings = list(Pairing.objects.filter(county=county).select_related("helper", "helped"))
    return CountyGroups(county, groups, pairings, years_with_data(county))


def group(*, user: User, group_id: int) -> Group:
    """A group for reading, with its county, type and lead school; 404 outside the user's reach."""
    found = Group.objects.select_related("county", "type", "lead_school").filter(pk=group_id).first()
    if found is None or not scope.visible(user).filter(pk=found.county_id).exists():
        raise Http404("没有找到该教育集团，或您无权查看")
    return found


def pairing(*, user: User, pairing_id: int) -> Pairing:
    found = Pairing.objects.select_related("county", "helper", "helped").filter(pk=pairing_id).first()
    if found is None or not scope.visible(user).filter(pk=found.county_id).exists():
        raise Http404("没有找到该结对帮扶，或您无权查看")
    return found


def memberships_on(memberships: Sequence[Membership], day: datetime.date) -> pl.DataFrame:
    """The `groups` table of `engine.groups` for the memberships in force on `day`: `school_id` (code),
    `group` (name), `core`. A school in several groups counts in the one it joined first."""
    chosen: dict[str, Membership] = {}
    for m in sorted(memberships, key=lambda m: (m.joined, m.pk)):
        if m.active_on(day):
            chosen.setdefault(m.school.code, m)
    rows = [(code, m.group.name, m.role == Membership.Role.CORE) for code, m in chosen.items()]
    return pl.DataFrame(rows, schema={"school_id": pl.String, "group": pl.String, "core": pl.Boolean}, orient="row")


@dataclass(frozen=True)
class Analysis:
    """What the groups change, for one year: see `engine.groups`."""

    year: int
    coverage: engine.Coverage
    within: pl.DataFrame
    gaps: pl.DataFrame
    grouped_vs_not: pl.DataFrame
    by_group: pl.DataFrame


def analysis(county: Organisation, year: int) -> Analysis:
    """Coverage, within-group CVs, core-minus-member gaps and the Theil split for the county's figures of
    `year` and the memberships in force on its 31 December."""
    standard = standard_for(county)
    parts = county_years(county)[1].schools.filter(pl.col("year") == year)
    memberships = list(Membership.objects.filter(group__county=county).select_related("group", "school"))
    table = memberships_on(memberships, year_end(year))
    return Analysis(
        year=year,
        coverage=engine.coverage(parts, table),
        within=engine.within_group_coefficients(parts, table, standard),
        gaps=engine.core_member_gaps(parts, table, standard),
        grouped_vs_not=engine.theil_decomposition(
            parts, table.select("school_id", pl.lit(IN_GROUPS).alias("partition")), standard
        ),
        by_group=engine.theil_decomposition(
            parts, table.select("school_id", pl.col("group").alias("partition")), standard
        ),
    )


# Writing -----------------------------------------------------------------------------------------------


def _check_schools(county: Organisation, *schools: Organisation | None) -> None:
    for school in schools:
        if school is not None and not (school.kind == Organisation.Kind.SCHOOL and school.path.startswith(county.path)):
            raise PermissionDenied(f"{school.name}不是{county.name}的学校")


@transaction.atomic
def save_group(*, user: User, county_id: int, details: GroupDetails, group_id: int | None = None) -> Group:
    """Create a group of the county, or change one (the county office only)."""
    county = lookups.visible_county(user, county_id)
    require_manager(user, county)
    found = Group(county=county) if group_id is None else Group.objects.get(pk=group_id, county=county)
    _check_schools(county, details.lead_school)
    details.apply(found)
    found.save()
    return found


@transaction.atomic
def save_membership(
    *, user: User, group_id: int, details: MembershipDetails, membership_id: int | None = None
) -> Membership:
    """Add a school to a group, or change its role or dates (a school leaves by getting a 退出日期)."""
    found_group = group(user=user, group_id=group_id)
    require_manager(user, found_group.county)
    _check_schools(found_group.county, details.school)
    found = (
        Membership(group=found_group)
        if membership_id is None
        else Membership.objects.get(pk=membership_id, group=found_group)
    )
    details.apply(found)
    found.save()
    return found


@transaction.atomic
def save_pairing(*, user: User, county_id: int, details: PairingDetails, pairing_id: int | None = None) -> Pairing:
    county = lookups.visible_county(user, county_id)
    require_manager(user, county)
    _check_schools(county, details.helper, details.helped)
    found = Pairing(county=county) if pairing_id is None else Pairing.objects.get(pk=pairing_id, county=county)
    details.apply(found)
    found.save()
    return found


@transaction.atomic
def add_activity(
    *, user: User, details: ActivityDetails, group_id: int | None = None, pairing_id: int | None = None
) -> Activity:
    """Log a joint activity of a group, or of a pairing."""
    if group_id is not None:
        owner_group = group(user=user, group_id=group_id)
        county, found = owner_group.county, Activity(group=owner_group)
    elif pairing_id is not None:
        owner_pairing = pairing(user=user, pairing_id=pairing_id)
        county, found = owner_pairing.county, Activity(pairing=owner_pairing)
    else:
        raise ValueError("an activity belongs to a group or a pairing")
    require_manager(user, county)
    details.apply(found)
    found.save()
    return found


def _by(user: User) -> Any:
    return user if user.is_authenticated else None


@transaction.atomic
def save_exchange(
    *, user: User, group_id: int, details: ExchangeDetails, exchange_id: int | None = None
) -> TeacherExchange:
    """Record a teacher shared or rotated between two member schools of the group (`ValidationError` when a
    school is not a member on the first day)."""
    found_group = group(user=user, group_id=group_id)
    require_manager(user, found_group.county)
    found = (
        TeacherExchange(group=found_group)
        if exchange_id is None
        else TeacherExchange.objects.filter(pk=exchange_id, group=found_group).first()
    )
    if found is None:
        raise Http404("没有找到该教师交流记录")
    details.apply(found)
    found.full_clean()
    found.save()
    return found


def activity(*, user: User, activity_id: int) -> tuple[Activity, Organisation]:
    """An activity and the county it belongs to (through its group or pairing); 404 outside the user's reach."""
    found = Activity.objects.select_related("group__county", "pairing__county").filter(pk=activity_id).first()
    owner = None if found is None else (found.group or found.pairing)
    if found is None or owner is None or not scope.visible(user).filter(pk=owner.county_id).exists():
        raise Http404("没有找到该活动，或您无权查看")
    return found, owner.county


@transaction.atomic
def add_evidence(*, user: User, activity_id: int, upload: UploadedFile[bytes]) -> ActivityEvidence:
    """Attach an evidence file to an activity (the county office only); EvidenceRefused for a file of a type
    or size not allowed, or beyond the county's storage quota."""
    found, county = activity(user=user, activity_id=activity_id)
    require_manager(user, county)
    evidence.check_uploads(county, [upload])
    return ActivityEvidence.objects.create(
        activity=found, file=upload, name=upload.name or "佐证材料", uploaded_by=_by(user)
    )


def evidence_file(*, user: User, evidence_id: int) -> ActivityEvidence:
    """An activity's evidence file, if its county is within the user's reach; 404 otherwise, whether or not
    it exists."""
    found = ActivityEvidence.objects.filter(pk=evidence_id).first()
    if found is None:
        raise Http404("没有找到该文件，或您无权查看")
    activity(user=user, activity_id=found.activity_id)
    return found


@transaction.atomic
def save_review(*, user: User, pairing_id: int, details: ReviewDetails, review_id: int | None = None) -> PairingReview:
    """Record (or change) a pairing's review of a year; one per pairing and year."""
    found_pairing = pairing(user=user, pairing_id=pairing_id)
    require_manager(user, found_pairing.county)
    found = (
        PairingReview(pairing=found_pairing)
        if review_id is None
        else PairingReview.objects.filter(pk=review_id, pairing=found_pairing).first()
    )
    if found is None:
        raise Http404("没有找到该年度评价")
    details.apply(found)
    found.reviewed_by = _by(user)
    found.full_clean()
    found.save()
    return found


# Reading a group's exchanges and its members' progress ---------------------------------------------------


@dataclass(frozen=True)
class ExchangeYear:
    """Teachers shared or rotated in a group during a year (an exchange counts in every year it touches)."""

    year: int
    teachers: int
    backbone: int


def exchange_years(exchanges: Sequence[TeacherExchange], today: datetime.date) -> list[ExchangeYear]:
    """Counts per year, from the first exchange's year to the last one's end (today, for one still running)."""
    if not exchanges:
        return []
    first = min(e.start.year for e in exchanges)
    last = max((e.end or max(today, e.start)).year for e in exchanges)
    years = []
    for year in range(first, last + 1):
        current = [e for e in exchanges if e.in_year(year)]
        years.append(ExchangeYear(year, len(current), sum(e.backbone for e in current)))
    return years


def _yearly(county: Organisation, memberships: Sequence[Membership]) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """The evaluated school parts of every year with data and the memberships in force on each 31
    December (with `year`), for the years in which some membership was in force; None without one."""
    records, evaluation = county_years(county)  # every year in one query, evaluated once
    parts, tables = [], []
    for year in records.years:
        table = memberships_on(memberships, year_end(year))
        if table.is_empty():
            continue
        parts.append(evaluation.schools.filter(pl.col("year") == year))
        tables.append(table.with_columns(pl.lit(year).cast(parts[-1].schema["year"]).alias("year")))
    if not parts:
        return None
    return pl.concat(parts, how="diagonal_relaxed"), pl.concat(tables)


def progress(county: Organisation, found_group: Group) -> pl.DataFrame | None:
    """`engine.groups.member_progress` of the group over every year with data, with the memberships in
    force on each 31 December; None without a year in which the group had members with data. One query
    for the memberships, one for the records of every year (`collection.tables.county_years`)."""
    yearly = _yearly(county, list(found_group.memberships.select_related("group", "school")))
    return None if yearly is None else engine.member_progress(*yearly, standard_for(county))


def balance(county: Organisation) -> pl.DataFrame | None:
    """`engine.groups.balance_by_year` for the county's groups over every year with data (the mean
    within-group CV of each group beside the county's); None before any group had members."""
    memberships = list(Membership.objects.filter(group__county=county).select_related("group", "school"))
    yearly = _yearly(county, memberships)
    return None if yearly is None else engine.balance_by_year(*yearly, standard_for(county))


# The county's own lists ----------------------------------------------------------------------------------

LISTS: dict[str, type[GroupType] | type[ActivityKind]] = {"type": GroupType, "kind": ActivityKind}


def _list_model(kind: str) -> type[GroupType] | type[ActivityKind]:
    if kind not in LISTS:
        raise Http404("没有这个列表")
    return LISTS[kind]


@transaction.atomic
def add_list_entry(*, user: User, county_id: int, kind: str, name: str) -> GroupType | ActivityKind:
    """Add a group type (`kind="type"`) or activity kind (`"kind"`) of the county's own."""
    county = lookups.visible_county(user, county_id)
    require_manager(user, county)
    model = _list_model(kind)
    if model.objects.filter(Q(county=None) | Q(county=county), name=name).exists():
        raise ValidationError({"name": f"已有名为“{name}”的条目"})
    return model.objects.create(county=county, name=name)


@transaction.atomic
def delete_list_entry(*, user: User, county_id: int, kind: str, entry_id: int) -> str:
    """Delete one of the county's own entries; the shared examples are not the county's to delete (404), and
    an entry still chosen by a group or an activity stays (`WorkflowError`)."""
    county = lookups.visible_county(user, county_id)
    require_manager(user, county)
    model = _list_model(kind)
    found = model.objects.filter(pk=entry_id, county=county).first()
    if found is None:
        raise Http404("没有找到该条目，示例条目不能删除")
    used = (
        Group.objects.filter(type_id=found.pk).count()
        if model is GroupType
        else Activity.objects.filter(kind_id=found.pk).count()
    )
    if used:
        what = "教育集团" if model is GroupType else "活动记录"
        raise WorkflowError(f"“{found.name}”仍被 {used} 个{what}使用，不能删除；请先修改这些{what}")
    found.delete()
    return found.name
