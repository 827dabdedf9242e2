"""A year's collection in a real browser: the county opens a round pre-filled from last year, a clerk confirms
with one figure corrected, the reviewer sees it highlighted; the county approves a filtered selection at once;
a clerk sees a plausibility warning as she types; a saved form with errors puts the cursor on the first."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from junheng.web.collection.models import Round, SchoolRecord
from junheng.web.orgs.models import Membership, Organisation, Role
from tests.web.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2025
PASSWORD = "pw-browser-test"
# A 小学 of 100 students as last year approved it (the importer's own shape: 初中 teacher counts 0).
FIGURES: dict[str, Any] = {
    "school_type": "primary",
    "ownership": "public",
    "area_type": "rural",
    "students_primary": 100,
    "students_junior": 0,
    "students_senior": 0,
    "classes_primary": 6,
    "teachers_above_degree_primary": 5,
    "teachers_above_degree_junior": 0,
    "backbone_teachers_primary": 1,
    "backbone_teachers_junior": 0,
    "pe_art_teachers_primary": 1,
    "pe_art_teachers_junior": 0,
    "teaching_aux_area_m2": 450.0,
    "sports_area_m2": 760.0,
    "equipment_value_yuan": 200000.0,
    "multimedia_rooms": 3,
}
SCHOOLS = ("河口镇东村小学", "河口镇西村小学", "示范县实验小学", "城南小学")


def _user(username: str, organisation: Organisation, role: str) -> None:
    user = User.objects.create_user(username, password=PASSWORD)
    Membership.objects.create(user=user, organisation=organisation, role=role)


@pytest.fixture
def county() -> Organisation:
    """示范县: four 小学 each with an approved 2024 record; the clerk works at 河口镇东村小学."""
    city = Organisation.objects.create(kind="city", name="示范市", code="4521")
    county = Organisation.objects.create(kind="county", name="示范县", code="452101", parent=city)
    for n, name in enumerate(SCHOOLS, start=1):
        school = Organisation.objects.create(kind="school", name=name, code=f"452101000{n}", parent=county)
        SchoolRecord.objects.create(school=school, year=YEAR - 1, status=SchoolRecord.Status.APPROVED, **FIGURES)
    _user("clerk", Organisation.objects.get(name=SCHOOLS[0]), Role.CLERK)
    _user("office", county, Role.COUNTY_OFFICE)
    return county


def _page(browser: Browser, base: str, username: str, width: int = 1366, height: int = 900) -> Page:
    page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, username, PASSWORD)
    return page


def test_a_prefilled_round_confirmed_with_one_figure_changed_is_highlighted_for_the_reviewer(
    browser: Browser, live_server: Any, county: Organisation
) -> None:
    base = live_server.url
    office = _page(browser, base, "office")
    office.goto(f"{base}/collection/county/{county.pk}/")
    office.fill("input[name=year]", str(YEAR))
    office.get_by_role("button", name="发布").click()
    expect(office.locator(".state-filter")).to_contain_text("未开始 4")
    expect(office.locator("table.tracker .carried")).to_have_count(4)

    clerk = _page(browser, base, "clerk")
    school = Organisation.objects.get(name=SCHOOLS[0])
    clerk.goto(f"{base}/collection/school/{school.pk}/?year={YEAR}")
    expect(clerk.locator(".carried-note")).to_contain_text("本表已沿用 2024 年度审核通过的数据")
    expect(clerk.locator('[data-carried-for="students_primary"]')).to_have_text("沿用上年")
    expect(clerk.locator("#id_students_primary")).to_have_value("100")
    clerk.fill("#id_students_primary", "112")
    expect(clerk.locator('[data-carried-for="students_primary"]')).to_have_count(0)  # changed: no longer carried
    expect(clerk.locator('[data-carried-for="sports_area_m2"]')).to_have_count(1)
    clerk.get_by_role("button", name="保存并提交审核").click()
    expect(clerk.locator(".status")).to_have_text("待审核")

    office.goto(f"{base}/collection/county/{county.pk}/?year={YEAR}")
    office.locator(".state-filter").get_by_role("link", name="待审核 1").click()
    expect(office.locator("table.tracker tbody tr")).to_have_count(1)
    office.get_by_role("link", name="审核", exact=True).click()
    expect(office.locator(".carried-note")).to_contain_text("学校修改了 1 项")
    changed = office.locator("table.figures tr.changed")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("小学在校生数已修改")
    expect(changed.locator("td.num")).to_have_text(["112", "100"])


def test_the_county_approves_a_filtered_selection_in_one_action(
    browser: Browser, live_server: Any, county: Organisation
) -> None:
    for name in SCHOOLS[:3]:
        SchoolRecord.objects.create(
            school=Organisation.objects.get(name=name), year=YEAR, status=SchoolRecord.Status.SUBMITTED, **FIGURES
        )
    SchoolRecord.objects.create(school=Organisation.objects.get(name=SCHOOLS[3]), year=YEAR, **FIGURES)
    base = live_server.url
    office = _page(browser, base, "office")
    office.goto(f"{base}/collection/county/{county.pk}/?year={YEAR}&state=submitted")
    expect(office.locator("table.tracker tbody tr")).to_have_count(3)
    office.get_by_label("全选待审核的学校").check()
    office.get_by_role("button", name="审核通过所选学校").click()
    expect(office.locator(".messages")).to_contain_text("已审核通过 3 所学校的数据")
    assert office.url.endswith(f"?year={YEAR}&state=submitted&sort=code")
    expect(office.locator("table.tracker tbody")).to_contain_text("没有处于“待审核”状态的学校")
    statuses = dict(SchoolRecord.objects.filter(year=YEAR).values_list("school__name", "status"))
    assert statuses == {**dict.fromkeys(SCHOOLS[:3], "approved"), SCHOOLS[3]: "draft"}


def test_a_saved_form_with_errors_says_so_at_the_top_and_focuses_the_first_error(
    browser: Browser, live_server: Any, county: Organisation
) -> None:
    school = Organisation.objects.get(name=SCHOOLS[0])
    SchoolRecord.objects.create(school=school, year=YEAR, **FIGURES)
    Round.objects.create(county=county, year=YEAR)
    base = live_server.url
    clerk = _page(browser, base, "clerk", 390, 844)
    clerk.goto(f"{base}/collection/school/{school.pk}/?year={YEAR}")
    clerk.fill("#id_max_class_size_primary", "85")
    warning = clerk.locator('[data-warnings-for="max_class_size_primary"]')
    expect(warning).to_have_text("小学最大班额为 85，超过 80：一个班超过 80 人极为少见，多为录入错误")  # as typed
    clerk.fill("#id_multimedia_rooms", "-3")  # later in the form, typed first
    clerk.fill("#id_students_primary", "一百")
    clerk.get_by_role("button", name="保存", exact=True).click()
    expect(clerk.locator("[data-error-summary]")).to_contain_text("表中有 2 处需要修改")
    focused = clerk.locator("#id_students_primary")
    expect(focused).to_be_focused()
    expect(focused).to_be_in_viewport()
    expect(warning).to_contain_text("一个班超过 80 人极为少见")  # a warning, not one of the 2 errors
    assert SchoolRecord.objects.get(school=school, year=YEAR).values()["students_primary"] == 100
