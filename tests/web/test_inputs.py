"""The services' typed inputs (groups/inputs.py, classes/inputs.py) write every one of their fields: a field
forgotten in `apply` would leave the model's default, so each case below sets every field to a value
that is not its default. And the group edit form, through the typed input, keeps what was not changed."""

from __future__ import annotations

import datetime
from dataclasses import fields
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import models
from django.test import Client
from django.urls import reverse

from junheng.web.classes.inputs import Measures
from junheng.web.classes.models import LedgerRow
from junheng.web.groups import services
from junheng.web.groups.inputs import (
    ActivityDetails,
    ExchangeDetails,
    GroupDetails,
    ItemDetails,
    MembershipDetails,
    PairingDetails,
    ReviewDetails,
)
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
from junheng.web.orgs.models import Role
from tests.web.conftest import Tree

Day = datetime.date


def _cases(tree: Tree) -> list[tuple[Any, models.Model]]:
    group_type, kind = GroupType.objects.get(name="联盟"), ActivityKind.objects.get(name="送教")
    school, other = tree.school, tree.other_school
    return [
        (
            GroupDetails(
                name="城东教育集团",
                type=group_type,
                form=Group.Form.values[-1],
                lead_school=school,
                document_number="示教发〔2023〕12号",
                recognition=Group.Recognition.values[-1],
                recognition_batch="第二批",
                recognition_year=2024,
            ),
            Group(),
        ),
        (
            MembershipDetails(school=other, joined=Day(2024, 9, 1), role=Membership.Role.RURAL, left=Day(2025, 7, 31)),
            Membership(),
        ),
        (
            PairingDetails(helper=school, helped=other, start=Day(2024, 2, 1), end=Day(2026, 1, 31), goals="共建"),
            Pairing(),
        ),
        (ActivityDetails(date=Day(2025, 3, 26), kind=kind, note="联合教研"), Activity()),
        (
            ExchangeDetails(
                teacher="李老师",
                from_school=school,
                to_school=other,
                start=Day(2024, 9, 1),
                kind=TeacherExchange.Kind.SHARED,
                backbone=True,
                end=Day(2025, 7, 15),
                note="轮岗一年",
            ),
            TeacherExchange(),
        ),
        (ReviewDetails(year=2024, rating="good", goals="目标", outcome="完成", note="备注"), PairingReview()),
        (
            ItemDetails(
                name="集团内差异系数",
                source=ScorecardItem.Source.CV,
                rule=ScorecardItem.Rule.LINEAR,
                weight=Decimal(30),
                target=Decimal("0.30"),
                indicator="L1",
                level="primary",
                higher_is_better=False,
                floor=Decimal("0.65"),
                data_note="示例",
            ),
            ScorecardItem(),
        ),
        (
            Measures(
                cause="择校集中",
                measures=("分班", "扩建"),
                project="城东小学扩建",
                places_to_add=270,
                teachers_to_add=2,
                deadline=Day(2026, 8, 31),
                responsible_unit="县教育局基础教育股",
                responsible_person="张某",
            ),
            LedgerRow(),
        ),
    ]


def test_every_typed_input_writes_each_of_its_fields(tree: Tree) -> None:
    cases = _cases(tree)
    assert {type(details) for details, _ in cases} == {
        GroupDetails,
        MembershipDetails,
        PairingDetails,
        ActivityDetails,
        ExchangeDetails,
        ReviewDetails,
        ItemDetails,
        Measures,
    }
    for details, target in cases:
        defaults = {field.name: getattr(target, field.name, None) for field in fields(details)}  # None: no FK yet
        details.apply(target)
        for field in fields(details):
            wanted = getattr(details, field.name)
            wanted = list(wanted) if isinstance(wanted, tuple) else wanted  # Measures.measures: a JSON list
            assert wanted != defaults[field.name], f"{type(details).__name__}.{field.name}: pick a non-default value"
            assert getattr(target, field.name) == wanted, f"{type(details).__name__}.{field.name} not written"


def test_editing_a_group_changes_one_field_and_keeps_the_others(tree: Tree, users: dict[str, User]) -> None:
    office = users[Role.COUNTY_OFFICE]
    details = _cases(tree)[0][0]
    assert isinstance(details, GroupDetails)
    created = services.save_group(user=office, county_id=tree.county.pk, details=details)
    client = Client()
    client.force_login(office)
    page = client.get(reverse("groups:edit", args=[created.pk]))
    form = page.context["form"]
    posted = {name: form[name].value() for name in form.fields}
    posted = {name: "" if value is None else value for name, value in posted.items()}
    posted["document_number"] = "示教发〔2024〕3号"
    assert client.post(reverse("groups:edit", args=[created.pk]), posted).status_code == 302
    edited = Group.objects.get(pk=created.pk)
    assert edited.document_number == "示教发〔2024〕3号"
    for field in fields(details):
        if field.name != "document_number":
            assert getattr(edited, field.name) == getattr(details, field.name), field.name
