"""The county imports its education-statistics workbooks in a real browser: upload, look at a figure's
source, choose the teaching point's school, confirm; the clerk then sees only the missing figures marked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, expect

from junheng.web.collection import services
from junheng.web.collection.models import Change, SchoolRecord
from junheng.web.orgs.models import Membership, Organisation, Role
from tests.stats.workbooks import school_workbook, truth
from tests.web.browser.conftest import log_in
from tests.web.test_statistics_import import OTHER, POINT, SCHOOL, sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2025
PASSWORD = "pw-browser-test"


def test_upload_preview_and_confirm_the_statistics_workbooks(
    browser: Browser, live_server: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    county = Organisation.objects.create(kind="county", name="示范县", code="452101")
    for code in (SCHOOL, OTHER):
        Organisation.objects.create(kind="school", name=sample(code)["school_name"], code=code, parent=county)
    office = User.objects.create_user("office", password=PASSWORD)
    Membership.objects.create(user=office, organisation=county, role=Role.COUNTY_OFFICE)
    services.open_round(user=office, county_id=county.pk, year=YEAR)
    files = []
    for code in (SCHOOL, OTHER, POINT):
        record = sample(code)
        files.append(school_workbook(tmp_path / f"{record['school_name']}.xlsx", record, "jiaoji", year=YEAR))

    page = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page.set_default_timeout(15_000)
    base = live_server.url
    log_in(page, base, "office", PASSWORD)
    page.goto(f"{base}/collection/county/{county.pk}/?year={YEAR}")
    page.set_input_files("#statistics-files", [str(path) for path in files])
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_role("heading", name="统计报表导入预览 · 2025 年度")).to_be_visible()
    expect(page.get_by_role("button", name="确认导入")).to_be_disabled()  # the teaching point has no school yet

    school = page.locator("details.school", has_text="示范县实验小学")
    school.locator("summary").first.click()
    source = school.locator("tr", has_text="小学在校生数").locator("details.source").first
    source.locator("summary").click()
    expect(source.locator("dl")).to_contain_text("教基3112")
    expect(source.locator("dl")).to_contain_text("原始值")

    page.select_option(f"#point-{POINT}", label="并入 示范县实验小学")
    page.get_by_role("button", name="按所选归属重新预览").click()
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("body")).to_contain_text("已从统计报表导入 2 所学校的 2025 年度数据")
    stored = SchoolRecord.objects.get(school__code=SCHOOL, year=YEAR).values()
    assert (
        stored["students_primary"]
        == truth(sample(SCHOOL))["students_primary"] + truth(sample(POINT))["students_primary"]
    )
    assert Change.objects.filter(action=Change.Action.STATISTICS).exists()
    page.close()
