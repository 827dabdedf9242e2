"""A plan solved in the background, in a real browser: the button is disabled while the job waits, the page
polls its progress (jobs.js) and shows the plan when the worker has made it, and again after a reload."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from junheng.web.collection.models import SchoolRecord
from junheng.web.orgs.models import Membership, Organisation, Role
from tests.web.browser.conftest import log_in
from tests.web.test_jobs import DATABASE_TASKS, run_worker
from tests.web.test_planning import SHORT_SPORTS_AREA, figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2025
PASSWORD = "pw-browser-test"


@pytest.fixture
def county(settings: Any) -> Organisation:
    """示范县 2025: one school meets every threshold, the other is short of sports area; jobs go to the
    database queue and wait there for the worker."""
    settings.TASKS = DATABASE_TASKS
    city = Organisation.objects.create(kind="city", name="示范市", code="4521")
    county = Organisation.objects.create(kind="county", name="示范县", code="452101", parent=city)
    first = Organisation.objects.create(kind="school", name="示范县实验小学", code="4521010001", parent=county)
    second = Organisation.objects.create(kind="school", name="示范县第二小学", code="4521010002", parent=county)
    SchoolRecord.objects.create(school=first, year=YEAR, **figures(200))
    SchoolRecord.objects.create(school=second, year=YEAR, **figures(300, sports_area_m2=SHORT_SPORTS_AREA))
    office = User.objects.create_user("office", password=PASSWORD)
    Membership.objects.create(user=office, organisation=county, role=Role.COUNTY_OFFICE)
    return county


def test_the_plan_waits_then_appears_without_a_reload_and_stays_after_one(
    page: Page, live_server: Any, county: Organisation
) -> None:
    log_in(page, live_server.url, "office", PASSWORD)
    page.goto(f"{live_server.url}/planning/county/{county.pk}/?year={YEAR}")
    button = page.locator("#plan-form button[type=submit]")
    expect(button).to_have_text("制定规划")
    button.click()
    expect(button).to_be_disabled()
    expect(button).to_have_text("正在制定规划…")
    expect(page.locator(".job")).to_contain_text("排队等待：等待后台任务程序开始处理")
    expect(page.locator("#plan-summary")).to_have_count(0)

    run_worker()  # the worker `junheng demo` runs beside the server takes the job
    summary = page.locator("#plan-summary")
    expect(summary).to_be_visible(timeout=15_000)  # jobs.js saw it done and loaded the page again
    expect(page.locator("#actions")).to_contain_text("新建体育运动场馆")
    expect(button).to_be_enabled()
    expect(page.locator(".job")).to_contain_text("达标规划已于")
    page.reload()
    expect(page.locator("#actions")).to_contain_text("新建体育运动场馆")
    with page.expect_download() as download:
        summary.get_by_role("link", name="下载 Excel").click()
    assert download.value.suggested_filename == f"示范县{YEAR}年度达标规划.xlsx"
