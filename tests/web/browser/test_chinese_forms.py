"""Forms speak Chinese in a browser whose own language is English (Chromium started with --lang=en-US):
the browser's validation bubbles, the file button and the date picker are all its own words otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from junheng.web.orgs.models import Membership, Organisation, Role
from tests.web.browser.conftest import CHROMIUM, CHROMIUM_ARGS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-browser-test"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A second Chromium from the same Playwright, in English: its user interface and its pages' locale."""
    english = browser.browser_type.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, "--lang=en-US"])
    context = english.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    english.close()


@pytest.fixture
def county() -> Organisation:
    county = Organisation.objects.create(kind="county", name="示范县", code="452101")
    Organisation.objects.create(kind="school", name="示范县实验小学", code="4521010001", parent=county)
    Organisation.objects.create(kind="school", name="示范县第二小学", code="4521010002", parent=county)
    office = User.objects.create_user("office", password=PASSWORD)
    Membership.objects.create(user=office, organisation=county, role=Role.COUNTY_OFFICE)
    return county


def test_an_empty_required_field_is_refused_in_chinese(page: Page, live_server: Any) -> None:
    page.goto(f"{live_server.url}/login/")
    assert page.evaluate("navigator.language") == "en-US"
    page.click("button[type=submit]")
    username = page.locator("input[name=username]")
    expect(username).to_have_js_property("validationMessage", "请填写此项")
    username.fill("office")  # changed: the browser checks it afresh, and the message goes with the error
    expect(username).to_have_js_property("validationMessage", "")


def test_a_file_input_says_choose_a_file_in_chinese(
    page: Page, live_server: Any, county: Organisation, tmp_path: Path
) -> None:
    log_in(page, live_server.url, "office", PASSWORD)
    page.goto(f"{live_server.url}/places/county/{county.pk}/upload/residents/")
    picker = page.locator("label.file-picker")
    expect(picker).to_contain_text("选择文件")
    expect(picker).to_contain_text("未选择文件")
    page.get_by_role("button", name="上传").click()
    expect(page.locator("input[type=file]")).to_have_js_property("validationMessage", "请选择要上传的文件")
    table = tmp_path / "常住人口.csv"
    table.write_text("年度,常住人口\n2025,10000\n", encoding="utf-8")
    page.set_input_files("input[type=file]", table)
    expect(picker).to_contain_text("常住人口.csv")


def test_a_date_field_opens_a_chinese_calendar(page: Page, live_server: Any, county: Organisation) -> None:
    log_in(page, live_server.url, "office", PASSWORD)
    page.goto(f"{live_server.url}/groups/county/{county.pk}/pairings/new/")
    start = page.locator("input[name=start]")
    start.click()
    calendar = page.locator(".flatpickr-calendar.open")
    expect(calendar).to_contain_text("周日")
    expect(calendar.locator(".flatpickr-current-month")).to_contain_text("月")
    start.fill("2025-09-01")
    start.press("Enter")
    expect(start).to_have_value("2025-09-01")  # what the server receives: an ISO date
