"""A clerk and a county office in a real browser: enter, get corrected, submit, approve, see the verdict move."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from junheng.web.collection.models import RECORD_FIELDS, Round, SchoolRecord
from junheng.web.orgs.models import Membership, Organisation, Role
from tests.web.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2025
PASSWORD = "pw-browser-test"


def _figures(sports_area: float) -> dict[str, Any]:
    """A 小学 of 100 students meeting every threshold but, possibly, the sports area (7.5 ㎡ per student)."""
    return {
        "school_type": "primary",
        "students_primary": 100,
        "students_junior": 0,
        "students_senior": 0,
        "teachers_above_degree_primary": 5,
        "teachers_above_degree_junior": 0,
        "backbone_teachers_primary": 1,
        "backbone_teachers_junior": 0,
        "pe_art_teachers_primary": 1,
        "pe_art_teachers_junior": 0,
        "teaching_aux_area_m2": 450.0,
        "sports_area_m2": sports_area,
        "equipment_value_yuan": 200000.0,
        "multimedia_rooms": 3,
    }


def _record(school: Organisation, status: str, figures: dict[str, Any]) -> SchoolRecord:
    record = SchoolRecord(school=school, year=YEAR, status=status)
    for field in RECORD_FIELDS:
        setattr(record, field.key, figures.get(field.key))
    record.save()
    return record


def _user(username: str, organisation: Organisation, role: str) -> None:
    user = User.objects.create_user(username, password=PASSWORD)
    Membership.objects.create(user=user, organisation=organisation, role=role)


@pytest.fixture
def county() -> Organisation:
    """示范县: 实验小学 approved and meeting every threshold; 东村小学 in draft with far too little sports area."""
    city = Organisation.objects.create(kind="city", name="示范市", code="4521")
    county = Organisation.objects.create(kind="county", name="示范县", code="452101", parent=city)
    first = Organisation.objects.create(kind="school", name="示范县实验小学", code="4521010001", parent=county)
    second = Organisation.objects.create(kind="school", name="河口镇东村小学", code="4521010002", parent=county)
    Round.objects.create(county=county, year=YEAR)
    _record(first, SchoolRecord.Status.APPROVED, _figures(760.0))
    _record(second, SchoolRecord.Status.DRAFT, _figures(300.0))  # 3.0 ㎡ per student: below the floor 6.375
    _user("clerk", second, Role.CLERK)
    _user("office", county, Role.COUNTY_OFFICE)
    return county


def _verdict(page: Page, base: str, county: Organisation) -> str:
    page.goto(f"{base}/dashboards/county/{county.pk}/?year={YEAR}")
    return page.locator("#verdict h2").inner_text()


def test_clerk_corrects_and_submits_the_county_approves_and_the_verdict_changes(
    browser: Browser, live_server: Any, county: Organisation
) -> None:
    base = live_server.url
    office = browser.new_context(locale="zh-CN").new_page()
    log_in(office, base, "office", PASSWORD)
    assert _verdict(office, base, county) == f"示范县 {YEAR} 年 资源配置：未通过"

    clerk = browser.new_context(locale="zh-CN").new_page()
    log_in(clerk, base, "clerk", PASSWORD)
    school = Organisation.objects.get(code="4521010002")
    clerk.goto(f"{base}/collection/school/{school.pk}/?year={YEAR}")
    sports = clerk.locator("#id_sports_area_m2")
    sports.fill("-760")
    error = clerk.locator('[data-errors-for="sports_area_m2"]')
    expect(error).to_contain_text("“-760”是负数；体育运动场馆面积不能小于 0")  # as the clerk types
    sports.fill("760")
    expect(error).to_have_text("")
    clerk.get_by_role("button", name="保存并提交审核").click()
    expect(clerk.locator(".status")).to_have_text("待审核")

    office.goto(f"{base}/collection/county/{county.pk}/?year={YEAR}")
    office.get_by_role("link", name="审核", exact=True).first.click()  # not the navigation's 填报与审核
    office.get_by_role("button", name="审核通过并锁定").click()
    assert SchoolRecord.objects.get(school=school, year=YEAR).status == SchoolRecord.Status.APPROVED
    assert _verdict(office, base, county) == f"示范县 {YEAR} 年 资源配置：通过"
