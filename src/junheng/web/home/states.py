"""A county's state on the home pages: each dimension 达标 / 未达标 / 待判定, and what awaits the office.

This is the one place the home pages read the county's verdict (`assessment.services.county_verdict`),
so that moving the verdict to the core's typed assessment changes this module only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.urls import reverse

from junheng.web.assessment.services import county_verdict
from junheng.web.orgs.scope import User


class State(StrEnum):
    """The three states of an item, a dimension or the county (issue 12 §1): never two."""

    PASSED = "达标"
    FAILED = "未达标"
    PENDING = "待判定"


@dataclass(frozen=True, slots=True)
class DimensionState:
    """One of the four dimensions: its state and how many of its items fail or are still pending."""

    key: str
    name: str
    state: State
    failed: int
    pending: int


@dataclass(frozen=True, slots=True)
class Awaiting:
    """Something the county office still has to decide or enter before its item can be judged."""

    id: str
    name: str
    what: str
    url: str


@dataclass(frozen=True, slots=True)
class CountyState:
    """A county's year: the state overall, per dimension, the vetoes, and what awaits a decision or a figure."""

    state: State
    dimensions: tuple[DimensionState, ...]
    vetoes_applying: int
    vetoes_unchecked: int
    awaiting: tuple[Awaiting, ...]

    @property
    def awaiting_counts(self) -> list[tuple[str, int]]:
        """How many items await each kind of action, in the order they first appear."""
        counts: dict[str, int] = {}
        for item in self.awaiting:
            counts[item.what] = counts.get(item.what, 0) + 1
        return list(counts.items())


# What an undecided item still needs, by the kind of item (verdict.Item.kind). Resource items wait on
# the collection, which the home shows by state.
NEEDS = {
    "judgement": "待认定",
    "county_figure": "待填报县级数据",
    "school_data": "待学校填报数据",
    "recognition": "待完成满意度调查",
}
VETO_NEEDS = "一票否决项待核查"


def county_state(*, user: User, county_id: int, year: int) -> CountyState:
    """The county's state in `year` as its verdict gives it (authorisation inside the verdict's service)."""
    verdict = county_verdict(user=user, county_id=county_id, year=year)
    page = f"{reverse('assessment:county', args=[county_id])}?year={year}"
    dimensions = []
    awaiting = []
    for dimension in verdict.dimensions:
        failed = sum(item.passed is False for item in dimension.items)
        pending = sum(item.passed is None for item in dimension.items)
        state = _state(failed, pending or not dimension.items)
        dimensions.append(DimensionState(dimension.key, dimension.name, state, failed, pending))
        awaiting += [
            Awaiting(item.id, item.name, NEEDS[item.kind], f"{page}#item-{item.id}")
            for item in dimension.items
            if item.passed is None and item.kind in NEEDS
        ]
    applying = sum(veto.applies is True for veto in verdict.vetoes)
    unchecked = [veto for veto in verdict.vetoes if veto.applies is None]
    awaiting += [Awaiting(veto.key, veto.label, VETO_NEEDS, f"{page}#veto-{veto.key}") for veto in unchecked]
    failed = applying + sum(d.state is State.FAILED for d in dimensions)
    pending = len(unchecked) + sum(d.state is State.PENDING for d in dimensions)
    return CountyState(_state(failed, pending), tuple(dimensions), applying, len(unchecked), tuple(awaiting))


def _state(failed: int, pending: int | bool) -> State:
    """未达标 as soon as one part fails; 待判定 while a part is undecided; else 达标."""
    return State.FAILED if failed else State.PENDING if pending else State.PASSED
