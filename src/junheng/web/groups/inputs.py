"""What the county office enters about its groups, pairings and scorecard, typed: the services take these,
not a form's cleaned data (each field is the model field of the same name; a view builds one from its
form's `cleaned_data`). `apply` writes every field onto the object being saved."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from junheng.web.groups.models import (
    Activity,
    ActivityKind,
    Group,
    GroupType,
    Membership,
    Pairing,
    PairingReview,
    ScorecardItem,
    TeacherExchange,
)
from junheng.web.orgs.models import Organisation


@dataclass(frozen=True, kw_only=True)
class GroupDetails:
    name: str
    type: GroupType
    form: str = ""
    lead_school: Organisation | None = None
    document_number: str = ""
    recognition: str = ""
    recognition_batch: str = ""
    recognition_year: int | None = None

    def apply(self, group: Group) -> None:
        group.name = self.name
        group.type = self.type
        group.form = self.form
        group.lead_school = self.lead_school
        group.document_number = self.document_number
        group.recognition = self.recognition
        group.recognition_batch = self.recognition_batch
        group.recognition_year = self.recognition_year


@dataclass(frozen=True, kw_only=True)
class MembershipDetails:
    school: Organisation
    joined: datetime.date
    role: str = Membership.Role.MEMBER
    left: datetime.date | None = None

    def apply(self, membership: Membership) -> None:
        membership.school = self.school
        membership.role = self.role
        membership.joined = self.joined
        membership.left = self.left


@dataclass(frozen=True, kw_only=True)
class PairingDetails:
    helper: Organisation
    helped: Organisation
    start: datetime.date
    end: datetime.date | None = None
    goals: str = ""

    def apply(self, pairing: Pairing) -> None:
        pairing.helper = self.helper
        pairing.helped = self.helped
        pairing.start = self.start
        pairing.end = self.end
        pairing.goals = self.goals


@dataclass(frozen=True, kw_only=True)
class ActivityDetails:
    date: datetime.date
    kind: ActivityKind
    note: str = ""

    def apply(self, activity: Activity) -> None:
        activity.date = self.date
        activity.kind = self.kind
        activity.note = self.note


@dataclass(frozen=True, kw_only=True)
class ExchangeDetails:
    teacher: str
    from_school: Organisation
    to_school: Organisation
    start: datetime.date
    kind: str = TeacherExchange.Kind.ROTATION
    backbone: bool = False
    end: datetime.date | None = None
    note: str = ""

    def apply(self, exchange: TeacherExchange) -> None:
        exchange.teacher = self.teacher
        exchange.from_school = self.from_school
        exchange.to_school = self.to_school
        exchange.kind = self.kind
        exchange.backbone = self.backbone
        exchange.start = self.start
        exchange.end = self.end
        exchange.note = self.note


@dataclass(frozen=True, kw_only=True)
class ReviewDetails:
    year: int
    rating: str
    goals: str = ""
    outcome: str = ""
    note: str = ""

    def apply(self, review: PairingReview) -> None:
        review.year = self.year
        review.rating = self.rating
        review.goals = self.goals
        review.outcome = self.outcome
        review.note = self.note


@dataclass(frozen=True, kw_only=True)
class ItemDetails:
    """A scorecard item; its own rules (positive weight, a floor apart from the target…) are
    `ScorecardItem.clean`, checked when it is saved."""

    name: str
    source: str
    rule: str
    weight: Decimal
    target: Decimal
    indicator: str = ""
    level: str = ""
    higher_is_better: bool = True
    floor: Decimal | None = None
    data_note: str = ""

    def apply(self, item: ScorecardItem) -> None:
        item.name = self.name
        item.source = self.source
        item.rule = self.rule
        item.weight = self.weight
        item.target = self.target
        item.floor = self.floor
        item.higher_is_better = self.higher_is_better
        item.indicator = self.indicator
        item.level = self.level
        item.data_note = self.data_note


@dataclass(frozen=True, kw_only=True)
class EntryDetails:
    """The value of a manual scorecard item for a group and a year."""

    item: ScorecardItem
    group: Group
    year: int
    value: Decimal
