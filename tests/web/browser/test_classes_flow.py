"""The county office in a real browser: open the ledger, record a measure, import a term, see the share move."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, expect

from junheng.web.classes import imports
from junheng.web.orgs.models import Membership, Organisation, Role
from tests.web.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-browser-test"
HEADER = "学校标识码,学段,年级,班级,学生数\n"


def test_record_a_measure_then_a_new_term_moves_the_county_share(
    browser: Browser, live_server: Any, tmp_path: Path
) -> None:
    county = Organisation.objects.create(kind="county", name="示范县", code="452101")
    Organisation.objects.create(kind="school", name="示范县实验小学", code="4521010001", parent=county)
    office = User.objects.create_user("office", password=PASSWORD)
    Membership.objects.create(user=office, organisation=county, role=Role.COUNTY_OFFICE)
    first = tmp_path / "2025秋.csv"  # 1 大班额 (58) of 4 classes: 25.0 %
    first.write_text(HEADER + "".join(f"4521010001,小学,3,{n}班,{s}\n" for n, s in enumerate([58, 40, 40, 40], 1)))
    imports.import_snapshot(
        user=office, county_id=county.pk, term="2025秋", date=datetime.date(2025, 9, 1), path=first, name=first.name
    )
    base = live_server.url
    page = browser.new_context(locale="zh-CN").new_page()
    log_in(page, base, "office", PASSWORD)
    page.click("text=大班额台账")
    expect(page.locator("#share-large .share")).to_have_text("25.0%")
    expect(page.locator("#ledger td.status")).to_have_text("待整改")
    expect(page.locator("[data-chart=shares-chart] canvas")).to_have_count(1)

    page.click("#ledger a:has-text('示范县实验小学')")
    page.check("input[name=measures][value=分班]")
    page.fill("input[name=responsible_unit]", "县教育局基教股")
    page.click("#measures button[type=submit]")
    expect(page.locator("#ledger td.status")).to_have_text("整改中")
    expect(page.locator("#ledger td.measures")).to_have_text("分班")

    second = tmp_path / "2026春.csv"  # the class split in two: no 大班额 left
    second.write_text(HEADER + "".join(f"4521010001,小学,3,{n}班,{s}\n" for n, s in enumerate([40, 40, 40, 40, 18], 1)))
    page.click("text=导入本学期班级名单")
    page.fill("input[name=term]", "2026春")
    page.fill("input[name=date]", "2026-03-01")
    page.set_input_files("input[name=file]", str(second))
    page.click("form button[type=submit]:has-text('导入')")
    expect(page.locator(".messages")).to_contain_text("已导入 2026春 的 5 个班级")
    expect(page.locator("#share-large .share")).to_have_text("0.0%")
    expect(page.locator("#shares h2")).to_contain_text("2026春")

    page.click("text=填写起始年级招生计划")  # 91 pupils in 2 grade-1 classes: one class of 46
    page.select_option("select[name=school]", label="示范县实验小学")
    page.fill("input[name=year]", "2026")
    page.select_option("select[name=level]", "primary")
    page.fill("input[name=grade]", "1")
    page.fill("input[name=students]", "91")
    page.fill("input[name=classes]", "2")
    page.click("#intake-form button[type=submit]")
    expect(page.locator("#intakes tr.flagged td.guard")).to_contain_text("至少需要 3 个班")
