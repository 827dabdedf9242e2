"""Where each school of a county stands in a year's collection: the five states the county office
follows (未开始 / 填报中 / 待审核 / 已退回 / 已通过), as the tracker filters them (`?state=`) and the
home page counts them."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum

from junheng.web.collection.models import SchoolRecord
from junheng.web.orgs.models import Organisation


class State(StrEnum):
    """A school's state in the year's collection; the value is the tracker's `?state=`."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    State.NOT_STARTED: "未开始",
    State.IN_PROGRESS: "填报中",
    State.SUBMITTED: "待审核",
    State.RETURNED: "已退回",
    State.APPROVED: "已通过",
}
ORDER: tuple[State, ...] = tuple(State)
# A record opened by the round has no school type until the school fills it (the type is required).
FILLED = "school_type"


def state_of(record: SchoolRecord | None) -> State:
    """A school's state from its record of the year (None when it has none).

    A record with no figures yet, or with figures carried from last year that its clerk has not
    confirmed, is not started: confirming is reporting.
    """
    if record is None:
        return State.NOT_STARTED
    if record.status == SchoolRecord.Status.DRAFT:
        empty = getattr(record, FILLED) is None or record.awaiting_confirmation
        return State.NOT_STARTED if empty else State.IN_PROGRESS
    return State(record.status)


def county_counts(county: Organisation, year: int) -> dict[State, int]:
    """How many of the county's schools are in each state in `year`, every state present, in two queries."""
    schools = Organisation.objects.filter(path__startswith=county.path, kind=Organisation.Kind.SCHOOL)
    records = {
        record.school_id: record
        for record in SchoolRecord.objects.filter(school__in=schools, year=year).only(
            "school_id", "status", "school_type", "awaiting_confirmation"
        )
    }
    counted = Counter(state_of(records.get(pk)) for pk in schools.values_list("pk", flat=True))
    return {state: counted[state] for state in ORDER}
