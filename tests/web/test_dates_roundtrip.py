"""Every dated record survives its edit form untouched (issue 10 §1): the date inputs show ISO 8601, the
only value a browser's date picker accepts, and posting the form back unchanged changes nothing; so do
the decimals of number inputs."""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import User
from django.db import models
from django.test import Client
from django.urls import reverse

import junheng.web
from junheng.web import widgets
from junheng.web.classes import imports
from junheng.web.classes.models import LedgerChange, LedgerRow
from junheng.web.groups.models import Group, GroupType, Membership, Pairing, ScorecardItem, TeacherExchange
from junheng.web.orgs.models import Role
from tests.web.conftest import Tree
from tests.web.html_forms import Input, form_inputs, submitted

Day = datetime.date
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _form_classes() -> Iterator[type[forms.Form] | type[forms.ModelForm[Any]]]:
    for module_info in pkgutil.walk_packages(junheng.web.__path__, "junheng.web."):
        if ".migrations" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for _, found in inspect.getmembers(module, inspect.isclass):
            if issubclass(found, forms.Form | forms.ModelForm) and found.__module__ == module.__name__:
                yield found


def test_every_date_field_of_every_form_uses_the_iso_date_input(db: None) -> None:
    dated = {
        f"{form.__name__}.{name}": field
        for form in _form_classes()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DateField | forms.DateTimeField | forms.TimeField)
    }
    assert {"MeasuresForm.deadline", "MembershipForm.joined", "PairingForm.end", "ImportForm.date"} <= dated.keys()
    wrong = [name for name, field in dated.items() if not isinstance(field.widget, widgets.DateInput)]
    assert wrong == []


def test_the_iso_date_input_renders_a_date_as_the_browser_picker_takes_it() -> None:
    html = widgets.DateInput().render("deadline", Day(2025, 8, 31))
    assert 'type="date"' in html and 'value="2025-08-31"' in html


# Each edit form with a date, rendered for an existing record and posted back untouched.


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _stored(instance: models.Model) -> dict[str, Any]:
    fresh = type(instance)._default_manager.get(pk=instance.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


def _dates(inputs: list[Input]) -> dict[str, str]:
    return {control.name: control.value for control in inputs if control.type == "date"}


def _ledger_row(tree: Tree, office: User, tmp_path: Any) -> LedgerRow:
    path = tmp_path / "2025秋.csv"
    path.write_text(f"学校标识码,学段,年级,班级,学生数\n{tree.school.code},小学,3,1班,58\n", encoding="utf-8")
    imports.import_snapshot(
        user=office, county_id=tree.county.pk, term="2025秋", date=Day(2025, 9, 1), path=path, name=path.name
    )
    row = LedgerRow.objects.get()
    row.deadline, row.responsible_unit, row.measures = Day(2025, 8, 31), "县教育局", ["分班"]
    row.save()
    return row


def test_a_ledger_row_saved_with_another_field_changed_keeps_its_deadline(
    tree: Tree, users: dict[str, User], tmp_path: Any
) -> None:
    """The issue's example: 整改时限 2025-08-31, the responsible unit changed, the deadline untouched."""
    office = users[Role.COUNTY_OFFICE]
    row = _ledger_row(tree, office, tmp_path)
    client = _client(office)
    url = reverse("classes:row", args=[row.pk])
    inputs = form_inputs(client.get(url).content.decode(), holding="deadline")
    assert _dates(inputs) == {"deadline": "2025-08-31"}
    data = submitted(inputs) | {"responsible_unit": ["县教育局基教股"]}
    assert client.post(url, data).status_code == 302
    saved = LedgerRow.objects.get()
    assert (saved.deadline, saved.responsible_unit) == (Day(2025, 8, 31), "县教育局基教股")
    assert list(LedgerChange.objects.exclude(field="status").values_list("field", "old", "new")) == [
        ("responsible_unit", "县教育局", "县教育局基教股")
    ]


@pytest.fixture
def group(tree: Tree) -> Group:
    found = Group.objects.create(
        county=tree.county, name="城东教育集团", type=GroupType.objects.get(county=None, name="紧密型"), form="1+N"
    )
    Membership.objects.create(group=found, school=tree.school, role="core", joined=Day(2024, 9, 1))
    return found


def _untouched(client: Client, url: str, instance: models.Model, holding: str) -> None:
    before = _stored(instance)
    inputs = form_inputs(client.get(url).content.decode(), holding=holding)
    dates = _dates(inputs)
    assert dates and all(ISO.fullmatch(value) or value == "" for value in dates.values()), dates
    assert client.post(url, submitted(inputs)).status_code == 302
    assert _stored(instance) == before


def test_a_membership_with_both_dates_survives_its_form(group: Group, tree: Tree, users: dict[str, User]) -> None:
    member = Membership.objects.create(
        group=group, school=tree.other_school, role="weak", joined=Day(2024, 9, 1), left=Day(2025, 6, 30)
    )
    url = reverse("groups:member", args=[group.pk, member.pk])
    _untouched(_client(users[Role.COUNTY_OFFICE]), url, member, "joined")
    assert (Membership.objects.get(pk=member.pk).left) == Day(2025, 6, 30)


def test_a_pairing_with_both_dates_survives_its_form(tree: Tree, users: dict[str, User]) -> None:
    pairing = Pairing.objects.create(
        county=tree.county,
        helper=tree.school,
        helped=tree.other_school,
        start=Day(2024, 9, 1),
        end=Day(2026, 7, 15),
        goals="共建教研组\n每月一次",
    )
    url = reverse("groups:edit_pairing", args=[pairing.pk])
    _untouched(_client(users[Role.COUNTY_OFFICE]), url, pairing, "start")


def test_a_teacher_exchange_with_both_dates_survives_its_form(group: Group, tree: Tree, users: dict[str, User]) -> None:
    Membership.objects.create(group=group, school=tree.other_school, role="member", joined=Day(2024, 9, 1))
    exchange = TeacherExchange.objects.create(
        group=group,
        teacher="李老师",
        from_school=tree.school,
        to_school=tree.other_school,
        backbone=True,
        start=Day(2025, 2, 17),
        end=Day(2025, 12, 31),
    )
    url = reverse("groups:exchange", args=[group.pk, exchange.pk])
    _untouched(_client(users[Role.COUNTY_OFFICE]), url, exchange, "teacher")


def test_a_scorecard_item_with_decimals_survives_its_form(tree: Tree, users: dict[str, User]) -> None:
    """Decimals go into number inputs as the browser reads them (12345.5, not a localised 12,345.5)."""
    item = ScorecardItem.objects.create(
        county=tree.county,
        name="生均体育运动场馆面积",
        source="mean",
        indicator="L5",
        level="primary",
        weight=Decimal("12.50"),
        rule="linear",
        target=Decimal("12345.5000"),
        floor=Decimal("0.0005"),
    )
    client = _client(users[Role.COUNTY_OFFICE])
    url = reverse("groups:item", args=[item.pk])
    before = _stored(item)
    inputs = form_inputs(client.get(url).content.decode(), holding="weight")
    numbers = {control.name: control.value for control in inputs if control.type == "number"}
    assert numbers == {"weight": "12.50", "target": "12345.5000", "floor": "0.0005"}
    assert client.post(url, submitted(inputs)).status_code == 302
    assert _stored(item) == before
