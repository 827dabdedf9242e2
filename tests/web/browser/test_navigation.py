"""The navigation in a real browser: a county office and a city supervisor find their way (issue 12 §2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, expect

from junheng.web.collection.models import Round, SchoolRecord
from junheng.web.orgs.models import Membership, Organisation, Role
from tests.web.browser.conftest import log_in
from tests.web.browser.test_review_flow import _figures, _record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-browser-test"


def _user(username: str, name: str, organisation: Organisation, role: str) -> None:
    user = User.objects.create_user(username, password=PASSWORD, first_name=name)
    Membership.objects.create(user=user, organisation=organisation, role=role)


@pytest.fixture
def county() -> Organisation:
    """示范县 of 示范市 in 示范省: 2024 approved, 2025 one school approved and one waiting for review."""
    province = Organisation.objects.create(kind="province", name="示范省", code="45")
    city = Organisation.objects.create(kind="city", name="示范市", code="4521", parent=province)
    county = Organisation.objects.create(kind="county", name="示范县", code="452101", parent=city)
    first = Organisation.objects.create(kind="school", name="示范县实验小学", code="4521010001", parent=county)
    second = Organisation.objects.create(kind="school", name="河口镇东村小学", code="4521010002", parent=county)
    for year in (2024, 2025):
        Round.objects.create(county=county, year=year)
    with_year = {"year": 2024}
    for school in (first, second):
        record = _record(school, SchoolRecord.Status.APPROVED, _figures(760.0))
        SchoolRecord.objects.filter(pk=record.pk).update(**with_year)
    _record(first, SchoolRecord.Status.APPROVED, _figures(760.0))
    _record(second, SchoolRecord.Status.SUBMITTED, _figures(760.0))
    _user("office", "示范县督导室李明", county, Role.COUNTY_OFFICE)
    _user("city", "示范市督学张华", city, Role.SUPERVISOR)
    return county


def test_the_county_office_walks_its_modules_keeps_the_year_and_comes_back_by_the_breadcrumbs(
    browser: Browser, live_server: Any, county: Organisation
) -> None:
    base = live_server.url
    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    log_in(page, base, "office", PASSWORD)
    expect(page.locator("h1")).to_have_text("示范县 · 2025 年度工作台")
    expect(page.locator("header.top .who")).to_have_text("示范县督导室李明")
    expect(page.locator("header.top .member-of")).to_have_text("示范县 · 县级督导室")
    assert page.request.get(base + (page.locator("link[rel=icon]").get_attribute("href") or "")).ok

    modules = page.locator("nav.modules")
    modules.get_by_role("link", name="大班额台账").click()
    page.wait_for_url(f"{base}/classes/county/{county.pk}/?year=2025")
    expect(modules.locator("[aria-current=page]")).to_have_text("大班额台账")
    expect(page.locator("ol.breadcrumbs li")).to_have_text(["示范省", "示范市", "示范县", "大班额台账"])

    page.select_option("form.year-picker select[name=year]", "2024")  # the page reloads itself for 2024
    page.wait_for_url(f"{base}/classes/county/{county.pk}/?year=2024")
    modules.get_by_role("link", name="督导评估").click()
    page.wait_for_url(f"{base}/assessment/county/{county.pk}/?year=2024")
    expect(page.locator("h1")).to_contain_text("2024 年度督导评估")

    page.locator("ol.breadcrumbs").get_by_role("link", name="示范县").click()
    page.wait_for_url(f"{base}/organisations/{county.pk}/")
    expect(page.locator("h1")).to_have_text("示范县 · 2025 年度工作台")
    page.locator("#collection .progress-submitted a").click()
    page.wait_for_url(f"{base}/collection/county/{county.pk}/?year=2025&state=submitted")


def test_the_city_follows_a_county_row_into_that_county_ledger(
    browser: Browser, live_server: Any, county: Organisation
) -> None:
    base = live_server.url
    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    log_in(page, base, "city", PASSWORD)
    row = page.locator(f"tr#county-{county.pk}")
    expect(row.locator("td").nth(4)).to_have_text("待判定")  # 社会认可度: no survey yet, never 未达标
    row.get_by_role("link", name="大班额台账").click()
    page.wait_for_url(f"{base}/classes/county/{county.pk}/?year=2025")
    expect(page.locator("ol.breadcrumbs li")).to_have_text(["示范省", "示范市", "示范县", "大班额台账"])
    page.locator("nav.modules").get_by_role("link", name="首页").click()
    page.wait_for_url(f"{base}/")
