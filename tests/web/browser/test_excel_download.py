"""The county office in a real browser: the ledger's and the tracker's 导出 Excel download a workbook named
for the county that a spreadsheet opens with the page's figures as numbers."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser

from junheng.web.classes import imports
from junheng.web.collection import services
from junheng.web.orgs.models import Membership, Organisation, Role
from tests.web.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-browser-test"


def test_the_county_office_downloads_the_ledger_and_the_tracker(
    browser: Browser, live_server: Any, tmp_path: Path
) -> None:
    county = Organisation.objects.create(kind="county", name="示范县", code="452101")
    Organisation.objects.create(kind="school", name="示范县实验小学", code="4521010001", parent=county)
    office = User.objects.create_user("office", password=PASSWORD)
    Membership.objects.create(user=office, organisation=county, role=Role.COUNTY_OFFICE)
    term = tmp_path / "2025秋.csv"
    term.write_text("学校标识码,学段,年级,班级,学生数\n4521010001,小学,3,1班,58\n4521010001,小学,3,2班,40\n")
    imports.import_snapshot(
        user=office, county_id=county.pk, term="2025秋", date=datetime.date(2025, 9, 1), path=term, name=term.name
    )
    services.open_round(user=office, county_id=county.pk, year=2025)
    page = browser.new_context(locale="zh-CN", accept_downloads=True).new_page()
    log_in(page, live_server.url, "office", PASSWORD)
    downloaded: dict[str, openpyxl.Workbook] = {}
    for path in (f"/classes/county/{county.pk}/", f"/collection/county/{county.pk}/?year=2025"):
        page.goto(live_server.url + path)
        with page.expect_download() as download:
            page.get_by_role("link", name="导出 Excel").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        downloaded[saved.name] = openpyxl.load_workbook(saved)
    assert set(downloaded) == {"示范县大班额台账.xlsx", "示范县2025年各校填报情况.xlsx"}
    ledger = downloaded["示范县大班额台账.xlsx"]["台账"]
    assert [ledger["A2"].value, ledger["F1"].value, ledger["F2"].value] == ["示范县实验小学", "发现时人数（人）", 58]
    tracker = downloaded["示范县2025年各校填报情况.xlsx"].worksheets[0]
    assert [tracker["A2"].value, tracker["C2"].value] == ["示范县实验小学", "未开始"]  # an opened, empty form
