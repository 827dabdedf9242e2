"""Nothing lost on an edit, in a real browser (issue 10 §1): a dated ledger row saved without touching its
date keeps it; two people saving the same school's form do not undo each other."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, expect

from junheng.web.classes import imports
from junheng.web.classes.models import LedgerChange, LedgerRow
from junheng.web.collection import services
from junheng.web.collection.models import Change, SchoolRecord
from junheng.web.orgs.models import Membership, Organisation, Role
from tests.web.browser.conftest import log_in
from tests.web.test_services import FIGURES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-browser-test"


def _user(name: str, organisation: Organisation, role: str) -> User:
    user = User.objects.create_user(name, password=PASSWORD)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def test_a_ledger_row_saved_without_touching_its_deadline_keeps_it(
    browser: Browser, live_server: Any, tmp_path: Path
) -> None:
    county = Organisation.objects.create(kind="county", name="示范县", code="452101")
    Organisation.objects.create(kind="school", name="示范县实验小学", code="4521010001", parent=county)
    office = _user("office", county, Role.COUNTY_OFFICE)
    lists = tmp_path / "2025秋.csv"
    lists.write_text("学校标识码,学段,年级,班级,学生数\n4521010001,小学,3,1班,58\n", encoding="utf-8")
    imports.import_snapshot(
        user=office, county_id=county.pk, term="2025秋", date=datetime.date(2025, 9, 1), path=lists, name=lists.name
    )
    LedgerRow.objects.update(deadline=datetime.date(2025, 8, 31), responsible_unit="县教育局")

    page = browser.new_context(locale="zh-CN").new_page()
    log_in(page, live_server.url, "office", PASSWORD)
    page.goto(f"{live_server.url}/classes/row/{LedgerRow.objects.get().pk}/")
    expect(page.locator("input[name=deadline]")).to_have_value("2025-08-31")
    page.fill("input[name=responsible_unit]", "县教育局基教股")
    page.click("#measures button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("整改措施已保存")

    row = LedgerRow.objects.get()
    assert (row.deadline, row.responsible_unit) == (datetime.date(2025, 8, 31), "县教育局基教股")
    assert not LedgerChange.objects.filter(field="deadline").exists()
    page.goto(f"{live_server.url}/classes/row/{row.pk}/")
    expect(page.locator("#history")).to_contain_text("县教育局基教股")
    expect(page.locator("#history")).not_to_contain_text("deadline")


def test_the_later_of_two_open_forms_is_refused_with_what_changed_and_both_saves_survive(
    browser: Browser, live_server: Any
) -> None:
    """The issue's example: A saves books 44444; B, whose form was opened before, saves computers 555."""
    county = Organisation.objects.create(kind="county", name="示范县", code="452101")
    school = Organisation.objects.create(kind="school", name="示范县实验小学", code="4521010001", parent=county)
    office = _user("office", county, Role.COUNTY_OFFICE)
    clerk_a, _ = _user("clerk-a", school, Role.CLERK), _user("clerk-b", school, Role.CLERK)
    services.open_round(user=office, county_id=county.pk, year=2025)
    record = SchoolRecord.objects.get(school=school)
    services.update_record(user=clerk_a, record=record, values=FIGURES | {"books": 12000, "computers": 60})

    pages = []
    for name in ("clerk-a", "clerk-b"):
        page = browser.new_context(locale="zh-CN").new_page()
        log_in(page, live_server.url, name, PASSWORD)
        page.goto(f"{live_server.url}/collection/school/{school.pk}/?year=2025")
        pages.append(page)
    a, b = pages
    a.fill("input[name=books]", "44444")
    a.click("button[value=save]")
    expect(a.locator(".messages")).to_contain_text("已保存")

    b.fill("input[name=computers]", "555")
    b.click("button[value=save]")
    expect(b.locator("#conflicts")).to_contain_text("未保存")
    expect(b.locator("#conflicts tbody tr")).to_have_text(["图书册数1200044444clerk-a" + _at(record)])
    expect(b.locator(".messages")).to_have_count(0)
    expect(b.locator("input[name=computers]")).to_have_value("555")
    expect(b.locator("input[name=books]")).to_have_value("44444")
    assert _figures() == (44444, 60)

    b.click("button[value=save]")
    expect(b.locator(".messages")).to_contain_text("已保存")
    assert _figures() == (44444, 555)


def _at(record: SchoolRecord) -> str:
    """When the books were last changed, as the conflicts table shows it."""
    change = Change.objects.filter(record=record, field="books").order_by("-at").first()
    assert change is not None
    return f"{timezone.localtime(change.at):%Y-%m-%d %H:%M:%S}"


def _figures() -> tuple[object, object]:
    values = SchoolRecord.objects.get().values()
    return values["books"], values["computers"]
