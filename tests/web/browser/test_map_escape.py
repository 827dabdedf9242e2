"""Names a county uploads are shown, never run: the school-places map's and the dashboards' tooltips in a real
browser, and the Content-Security-Policy that refuses inline script even where a page let markup through."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from junheng.web.collection.models import RECORD_FIELDS, SchoolRecord
from junheng.web.orgs.models import Membership, Organisation, Role
from junheng.web.places.models import Catchment, SchoolCapacity
from tests.web.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-browser-test"
CATCHMENT = "<img src=x onerror=\"window.pwned='catchment'\">"
SCHOOL = "<b>实验</b>小学<img src=x onerror=\"window.pwned='school'\">"
OUTLINE = {
    "type": "Polygon",
    "coordinates": [[[108.0, 22.0], [108.1, 22.0], [108.1, 22.1], [108.0, 22.1], [108.0, 22.0]]],
}
# Every Content-Security-Policy violation the page reports, collected before any of its own scripts run.
RECORD_VIOLATIONS = """
window.violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.violations.push(e.effectiveDirective));
"""


def _supervisor_page(browser: Browser, base: str, city: Organisation) -> Page:
    supervisor = User.objects.create_user("supervisor", password=PASSWORD)
    Membership.objects.create(user=supervisor, organisation=city, role=Role.SUPERVISOR)
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, base, "supervisor", PASSWORD)
    return page


def test_a_catchment_and_a_school_named_with_markup_show_their_names_as_text_on_the_map(
    browser: Browser, live_server: Any
) -> None:
    city = Organisation.objects.create(kind="city", name="示范市", code="4521")
    county = Organisation.objects.create(kind="county", name="示范县", code="452101", parent=city)
    school = Organisation.objects.create(kind="school", name=SCHOOL, code="4521010001", parent=county)
    east = Catchment.objects.create(county=county, name=CATCHMENT, level="primary", geometry=json.dumps(OUTLINE))
    SchoolCapacity.objects.create(
        school=school, year=2025, catchment_primary=east, design_classes_primary=2, latitude=22.08, longitude=108.08
    )
    page = _supervisor_page(browser, live_server.url, city)
    page.goto(f"{live_server.url}/places/county/{county.pk}/map/?method=户籍&year=2025")

    page.locator("#places-map path.leaflet-interactive").first.hover(position={"x": 20, "y": 20})
    tooltips = page.locator(".leaflet-tooltip")
    expect(tooltips).to_have_text([f"{CATCHMENT}（小学）"])
    page.locator("#places-map path.leaflet-interactive").last.hover()
    expect(tooltips.filter(has_text="学校规则")).to_have_text(f"{SCHOOL}（学校规则：待判定）")
    assert page.locator(".leaflet-tooltip img, .leaflet-tooltip b").count() == 0
    assert page.evaluate("window.pwned") is None
    assert page.evaluate("window.violations") == []  # Leaflet draws the map under the policy


def test_the_policy_refuses_an_inline_handler_that_reaches_the_page(browser: Browser, live_server: Any) -> None:
    city = Organisation.objects.create(kind="city", name="示范市", code="4521")
    county = Organisation.objects.create(kind="county", name="示范县", code="452101", parent=city)
    Catchment.objects.create(county=county, name="城东学区", level="primary", geometry=json.dumps(OUTLINE))
    page = _supervisor_page(browser, live_server.url, city)
    page.goto(f"{live_server.url}/places/county/{county.pk}/map/")
    expect(page.locator("#places-map path.leaflet-interactive")).to_have_count(1)

    # What the unescaped tooltip did: markup with an inline handler put into the page as HTML.
    page.evaluate(f"document.body.insertAdjacentHTML('beforeend', {json.dumps(CATCHMENT)})")
    page.wait_for_function("window.violations.length > 0")
    assert page.evaluate("window.violations") == ["script-src-attr"]
    assert page.evaluate("window.pwned") is None


def _figures(students: int) -> dict[str, Any]:
    return {
        "school_type": "primary",
        "students_primary": students,
        "students_junior": 0,
        "students_senior": 0,
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


def test_a_school_named_with_markup_shows_as_text_in_the_dashboard_chart_tooltip(
    browser: Browser, live_server: Any
) -> None:
    city = Organisation.objects.create(kind="city", name="示范市", code="4521")
    county = Organisation.objects.create(kind="county", name="示范县", code="452101", parent=city)
    for code, name, students in (("4521010001", SCHOOL, 100), ("4521010002", "东村小学", 120)):
        school = Organisation.objects.create(kind="school", name=name, code=code, parent=county)
        record = SchoolRecord(school=school, year=2025, status=SchoolRecord.Status.APPROVED)
        for field in RECORD_FIELDS:
            setattr(record, field.key, _figures(students).get(field.key))
        record.save()
    page = _supervisor_page(browser, live_server.url, city)
    page.goto(f"{live_server.url}/dashboards/county/{county.pk}/?year=2025")
    page.locator("a[href*='/indicator/primary/']").first.click()  # one indicator, school by school

    charts = page.locator("[data-chart]")
    expect(charts.first.locator("canvas")).to_have_count(1)
    shown: list[str] = []
    for index in range(charts.count()):  # each point of each chart, through ECharts' own tooltip
        shown += page.evaluate(
            """(element) => {
                const chart = echarts.getInstanceByDom(element);
                return chart.getOption().series[0].data.map((_, dataIndex) => {
                    chart.dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: dataIndex});
                    const tip = element.querySelector("div:not(:first-child)");
                    return tip ? tip.textContent : "";
                });
            }""",
            charts.nth(index).element_handle(),
        )
    assert any(text.startswith(f"{SCHOOL}：") for text in shown), shown
    assert page.locator("[data-chart] img, [data-chart] b").count() == 0
    assert page.evaluate("window.pwned") is None
    assert page.evaluate("window.violations") == []  # ECharts draws and shows tooltips under the policy
