"""Review at the scale of a county: approve a selection of records at once, and the next one waiting."""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.db import transaction

from junheng.web.collection import services
from junheng.web.collection.models import SchoolRecord
from junheng.web.collection.progress import state_of
from junheng.web.errors import WorkflowError
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User


@transaction.atomic
def approve_many(*, user: User, county_id: int, record_ids: Collection[int]) -> list[SchoolRecord]:
    """Approve every record of `record_ids` (all of the county, all 待审核), each audited as one approval.

    All or nothing: when one is not of the county, or not waiting for review, nothing is approved and
    `WorkflowError` names each such school and its state.
    """
    county = lookups.visible_county(user, county_id)
    if not scope.can_review(user, county):
        raise PermissionDenied("您无权审核该县的数据")
    if not record_ids:
        raise WorkflowError("请先勾选要审核通过的学校")
    records = list(
        SchoolRecord.objects.select_for_update(of=("self",))
        .filter(pk__in=record_ids, school__path__startswith=county.path)
        .select_related("school")
        .order_by("school__code")
    )
    if len(records) != len(set(record_ids)):
        raise WorkflowError("所选记录中有不属于本县的数据，未做任何审核；请刷新页面后重新勾选")
    refused = [r for r in records if r.status != SchoolRecord.Status.SUBMITTED]
    if refused:
        names = "、".join(f"{r.school.name}（{state_of(r).label}）" for r in refused)
        raise WorkflowError(
            f"只有“待审核”的数据可以批量审核通过；以下学校不是：{names}。未做任何审核，请取消勾选这些学校后重试"
        )
    return [services.approve(user=user, record=record) for record in records]


def next_waiting(county: Organisation, year: int, *, after: Organisation | None = None) -> SchoolRecord | None:
    """The county's next record of `year` waiting for review, by 学校标识码 after `after` (then from the
    first), or None when no school is waiting."""
    waiting = SchoolRecord.objects.filter(
        school__path__startswith=county.path,
        school__kind=Organisation.Kind.SCHOOL,
        year=year,
        status=SchoolRecord.Status.SUBMITTED,
    ).order_by("school__code")
    if after is not None:
        later = waiting.filter(school__code__gt=after.code).first()
        if later is not None:
            return later
    return waiting.first()
