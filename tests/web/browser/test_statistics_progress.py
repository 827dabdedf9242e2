"""A county's statistics .zip read in the background, in a real browser: the page shows the job waiting,
then “正在读取第 n/N 个文件” while the worker reads (jobs.js polls it), then the preview without a reload
by the county, and the preview again after one."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from junheng.web.collection import services
from junheng.web.orgs.models import Membership, Organisation, Role
from tests.stats.workbooks import school_workbook
from tests.web.browser.conftest import log_in
from tests.web.test_jobs import DATABASE_TASKS, run_worker
from tests.web.test_statistics_import import OTHER, POINT, SCHOOL, sample
from tests.web.test_statistics_jobs import watched

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2025
PASSWORD = "pw-browser-test"


@pytest.fixture
def county(settings: Any, tmp_path: Path) -> Organisation:
    """示范县 with its two schools and its 2025 round open; jobs wait in the database queue for the worker."""
    settings.TASKS = DATABASE_TASKS
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    county = Organisation.objects.create(kind="county", name="示范县", code="452101")
    for code in (SCHOOL, OTHER):
        Organisation.objects.create(kind="school", name=sample(code)["school_name"], code=code, parent=county)
    office = User.objects.create_user("office", password=PASSWORD)
    Membership.objects.create(user=office, organisation=county, role=Role.COUNTY_OFFICE)
    services.open_round(user=office, county_id=county.pk, year=YEAR)
    return county


def county_zip(folder: Path) -> Path:
    """The two schools' and the teaching point's workbooks in one .zip, as a county sends them."""
    path = folder / "示范县统计报表.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for code in (SCHOOL, OTHER, POINT):
            record = sample(code)
            workbook = school_workbook(folder / f"{code}.xlsx", record, "jiaoji", year=YEAR)
            archive.write(workbook, f"{record['school_name']}.xlsx")
    return path


def test_the_zip_is_read_with_its_progress_shown_then_the_preview_appears(
    page: Page, live_server: Any, county: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server.url, "office", PASSWORD)
    page.goto(f"{live_server.url}/collection/county/{county.pk}/?year={YEAR}")
    page.set_input_files("#statistics-files", str(county_zip(tmp_path)))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_role("heading", name="读取统计报表 · 2025 年度")).to_be_visible()
    box = page.locator(".job")
    expect(box).to_contain_text("排队等待：等待后台任务程序开始处理")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)

    seen: list[str] = []

    def watch(stage: str) -> None:
        if stage.startswith("正在读取第 2/3"):  # the worker waits here until the page has shown it
            expect(box).to_contain_text("正在进行：正在读取第 2/3 个文件：示范县统计报表.zip!示范县第二小学.xlsx")
            expect(box.locator("progress")).to_have_attribute("max", "5")
            expect(box.locator("progress")).to_have_attribute("value", "3")
            seen.append(stage)

    watched(monkeypatch, watch)
    run_worker()  # the worker `junheng serve` starts beside the server takes the job
    assert seen
    expect(page.get_by_role("heading", name="统计报表导入预览 · 2025 年度")).to_be_visible()  # jobs.js reloaded
    expect(page.locator(".stats-summary")).to_contain_text("文件 1 个")
    expect(page.locator("#schools")).to_contain_text("示范县第二小学")
    expect(page.get_by_role("button", name="确认导入")).to_be_disabled()  # the teaching point has no school yet
    page.reload()
    expect(page.get_by_role("heading", name="统计报表导入预览 · 2025 年度")).to_be_visible()
