"""A county's state on the home pages: each dimension 达标 / 未达标 / 待判定, and what awaits the office.

The states come from the core's typed assessment (`assessment.services.county_assessment`); this
module only picks what the home pages show of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from junheng.assessment import Assessment, State
from junheng.web.assessment.services import county_assessment
from junheng.web.orgs.scope import User


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


# What a pending item still needs, by the kind of item (assessment.Item.kind). Resource items wait on
# the collection, which the home shows by state.
NEEDS = {
    "judgement": "待认定",
    "county_figure": "待填报县级数据",
    "school_data": "待学校填报数据",
    "recognition": "待完成满意度调查",
}
VETO_NEEDS = "一票否决项待核查"


def county_state(*, user: User, county_id: int, year: int) -> CountyState:
    """The county's state in `year` as its assessment gives it (authorisation inside the assessment's service)."""
    return state_of(county_assessment(user=user, county_id=county_id, year=year), county_id, year)


def state_of(assessment: Assessment, county_id: int, year: int) -> CountyState:
    """What a home page shows of a county's assessment of `year`."""
    page = f"{reverse('assessment:county', args=[county_id])}?year={year}"
    dimensions = tuple(
        DimensionState(d.key, d.name, d.state, len(d.failed), len(d.pending)) for d in assessment.dimensions
    )
    awaiting = [
        Awaiting(item.id, item.name, NEEDS[item.kind], f"{page}#item-{item.id}")
        for d in assessment.dimensions
        for item in d.pending
        if item.kind in NEEDS
    ]
    applying = sum(veto.state is State.FAILED for veto in assessment.vetoes)
    unchecked = [veto for veto in assessment.vetoes if veto.state is State.PENDING]
    awaiting += [Awaiting(veto.key, veto.label, VETO_NEEDS, f"{page}#veto-{veto.key}") for veto in unchecked]
    return CountyState(assessment.state, dimensions, applying, len(unchecked), tuple(awaiting))
