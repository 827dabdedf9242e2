"""How far a year's collection has come: schools per state, per county, in two queries for any area.

The states are the collection's record states (`SchoolRecord.Status`), with 未开始 for a school that
has no record yet or whose record the round opened but nobody has filled; their keys are what the
tracker's `?state=` filter takes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.urls import reverse

from junheng.web.collection import kept
from junheng.web.collection.models import SchoolRecord
from junheng.web.orgs.models import Organisation, under_any

Status = SchoolRecord.Status
NOT_STARTED = "not_started"
STATES: tuple[tuple[str, str], ...] = (
    (NOT_STARTED, "未开始"),
    (Status.DRAFT.value, "填报中"),
    (Status.SUBMITTED.value, "待审核"),
    (Status.RETURNED.value, "已退回"),
    (Status.APPROVED.value, "已通过"),
)


@dataclass(frozen=True, slots=True)
class StateCount:
    key: str
    label: str
    count: int
    url: str


@dataclass(frozen=True, slots=True)
class Collection:
    """A county's collection of a year: every school counted once, in the workflow's order, and its records."""

    schools: int
    records: int
    states: tuple[StateCount, ...]
    url: str

    @property
    def approved(self) -> int:
        return next(s.count for s in self.states if s.key == Status.APPROVED)

    @property
    def handed_in(self) -> int:
        return sum(s.count for s in self.states if s.key in (Status.SUBMITTED, Status.APPROVED))

    @property
    def waiting(self) -> int:
        """Records waiting for the county office's review."""
        return next(s.count for s in self.states if s.key == Status.SUBMITTED)


def record_state(status: str, filled: bool) -> str:
    """The state key of a record: its status, except a draft nobody has filled, which has not started."""
    return NOT_STARTED if status == Status.DRAFT and not filled else status


def collection(area: Organisation, counties: Sequence[Organisation], year: int) -> dict[int, Collection]:
    """Each county's collection of `year` under `area` (a county, a city, a province): two queries, each
    counted by the database per school's parent, so that a province's 45,000 schools come back as a few
    hundred rows."""
    by_id = {c.pk: c for c in counties}
    schools: Counter[int] = Counter()
    within = _within(area, counties)
    below = Organisation.objects.filter(within, kind=Organisation.Kind.SCHOOL).order_by()
    for path, n in below.values_list("parent__path").annotate(n=Count("pk")):
        county = _county(path, by_id)
        if county is not None:
            schools[county] += n
    counted: dict[int, Counter[str]] = {pk: Counter() for pk in by_id}
    records = (
        SchoolRecord.objects.filter(
            _within(area, counties, "school__"), school__kind=Organisation.Kind.SCHOOL, year=year
        )
        .order_by()
        .annotate(filled=ExpressionWrapper(Q(school_type__isnull=False), output_field=BooleanField()))
        .values_list("school__parent__path", "status", "filled")
        .annotate(n=Count("pk"))
    )
    for path, status, filled, n in records:
        county = _county(path, by_id)
        if county is not None:
            counted[county][record_state(status, bool(filled))] += n
    return {pk: _collection(by_id[pk], schools[pk], counted[pk], year) for pk in by_id}


def kept_collections(
    area: Organisation, counties: Sequence[Organisation], year: int, versions: Mapping[int, str]
) -> dict[int, Collection]:
    """`collection`, each county's kept under its data version of `year` (`versions`, by county id, from
    `data_versions.tokens`; a school added renews it too): after a record changed, only its county is
    counted again. A county without one (no record of the year yet) is counted on every call."""
    by_key = {f"home-collection:{c.pk}:{year}": c for c in counties}

    def counted(keys: Sequence[str]) -> dict[str, Collection]:
        found = collection(area, [by_key[key] for key in keys], year)
        return {key: found[by_key[key].pk] for key in keys}

    kept_ones = kept.kept_many({key: versions.get(c.pk) for key, c in by_key.items()}, counted)
    return {by_key[key].pk: found for key, found in kept_ones.items()}


# Up to this many counties are read by their own paths; more, by the area's (one range of the index).
_FEW = 20


def _within(area: Organisation, counties: Sequence[Organisation], prefix: str = "") -> Q:
    """Schools under `counties` (of `area`): by the counties' paths when they are few, else the area's."""
    return under_any([area] if len(counties) > _FEW else counties, prefix)


def _collection(county: Organisation, schools: int, counted: Counter[str], year: int) -> Collection:
    records = sum(counted.values())
    counted[NOT_STARTED] += schools - records  # schools the round has not reached yet
    tracker = reverse("collection:county", args=[county.pk])
    return Collection(
        schools,
        records,
        tuple(StateCount(key, label, counted[key], f"{tracker}?year={year}&state={key}") for key, label in STATES),
        f"{tracker}?year={year}",
    )


def _county(path: str, counties: dict[int, Organisation]) -> int | None:
    for node in path.strip("/").split("/"):
        if node and int(node) in counties:
            return int(node)
    return None
