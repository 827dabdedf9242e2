"""Nothing lost on an edit, in a real browser (issue 10 §1): a dated ledger row saved without touching its
date keeps it; two people saving the same school's form do not undo each other."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, expect

from junheng.web.classes import imports
from junheng.web.classes.models import LedgerChange, LedgerRow
from junheng.web.orgs.models import Membership, Organisation, Role
from tests.web.browser.conftest import log_in

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
