"""The school-places map in a real browser: catchments coloured by warning, schools drawn where they have
coordinates and listed where not, and nothing fetched from anywhere but the platform itself."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Locator, Page, expect

from junheng.web.orgs.models import Membership, Organisation, Role
from junheng.web.places.models import Births, Catchment, SchoolCapacity
from tests.web.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-browser-test"
RED = "#c62828"
OUTLINE = {
    "type": "Polygon",
    "coordinates": [[[108.0, 22.0], [108.1, 22.0], [108.1, 22.1], [108.0, 22.1], [108.0, 22.0]]],
}


def test_the_map_draws_a_red_catchment_and_its_school_from_local_files_only(browser: Browser, live_server: Any) -> None:
    county = Organisation.objects.create(kind="county", name="示范县", code="452101")
    drawn = Organisation.objects.create(kind="school", name="示范县实验小学", code="4521010001", parent=county)
    unplaced = Organisation.objects.create(kind="school", name="示范县第二小学", code="4521010002", parent=county)
    office = User.objects.create_user("office", password=PASSWORD)
    Membership.objects.create(user=office, organisation=county, role=Role.COUNTY_OFFICE)
    east = Catchment.objects.create(county=county, name="城东学区", level="primary", geometry=json.dumps(OUTLINE))
    # 2 design classes × 45 = 90 places against 6 cohorts of 100 births (2014–2019): 600 pupils in 2025, red
    SchoolCapacity.objects.create(
        school=drawn, year=2025, catchment_primary=east, design_classes_primary=2, latitude=22.05, longitude=108.05
    )
    SchoolCapacity.objects.create(school=unplaced, year=2025, catchment_primary=east, design_classes_primary=2)
    for year in range(2014, 2020):
        Births.objects.create(county=county, catchment=east, year=year, series="户籍", births=100)

    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(page, live_server.url, "office", PASSWORD)
    page.goto(f"{live_server.url}/places/county/{county.pk}/map/?method=户籍&year=2025")

    catchment = page.locator(f"#places-map path.leaflet-interactive[fill='{RED}']")
    expect(catchment).to_have_count(1)  # the red 城东学区
    school = page.locator(f"#places-map path.leaflet-interactive[stroke='{RED}'][fill='#616161']")
    expect(school).to_have_count(1)  # the school, ringed in its catchment's red, grey: no records to judge it
    expect(page.locator("tr[data-school='4521010002']")).to_contain_text("城东学区")  # no coordinates: listed
    box = catchment.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100  # fitted to the county, not a dot
    outside = [url for url in requested if not url.startswith(live_server.url)]
    assert outside == []


def test_clicking_a_school_or_a_catchment_opens_its_figures_and_links(page: Page, live_server: Any) -> None:
    county = Organisation.objects.create(kind="county", name="示范县", code="452101")
    school = Organisation.objects.create(kind="school", name="示范县实验小学", code="4521010001", parent=county)
    office = User.objects.create_user("office", password=PASSWORD)
    Membership.objects.create(user=office, organisation=county, role=Role.COUNTY_OFFICE)
    east = Catchment.objects.create(county=county, name="城东学区", level="primary", geometry=json.dumps(OUTLINE))
    SchoolCapacity.objects.create(
        school=school, year=2025, catchment_primary=east, design_classes_primary=2, latitude=22.05, longitude=108.05
    )
    for year in range(2014, 2020):
        Births.objects.create(county=county, catchment=east, year=year, series="户籍", births=100)
    log_in(page, live_server.url, "office", PASSWORD)
    page.goto(f"{live_server.url}/places/county/{county.pk}/map/?method=户籍&year=2025")

    page.locator("#places-map path.leaflet-interactive[fill='#616161']").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("示范县实验小学")
    expect(popup).to_contain_text("学位90 个")  # 2 design classes × 45
    expect(popup).to_contain_text("学区预警红色预警")
    expect(popup.get_by_role("link", name="学校看板")).to_have_attribute("href", f"/dashboards/school/{school.pk}/")

    page.mouse.click(*_corner_of(page.locator(f"#places-map path.leaflet-interactive[fill='{RED}']")))
    catchment = page.locator(".leaflet-popup-content", has_text="城东学区（小学）")  # its 学段 once
    expect(catchment).to_contain_text("需求600 人")  # 6 cohorts of 100 births
    expect(catchment).to_contain_text("余缺-510 个")


def _corner_of(shape: Locator) -> tuple[float, float]:
    """A point inside the catchment away from its school in the middle."""
    box = shape.bounding_box()
    assert box is not None
    return box["x"] + 10, box["y"] + 10


def test_the_places_table_sorts_by_a_clicked_column(page: Page, live_server: Any) -> None:
    county = Organisation.objects.create(kind="county", name="示范县", code="452101")
    office = User.objects.create_user("office", password=PASSWORD)
    Membership.objects.create(user=office, organisation=county, role=Role.COUNTY_OFFICE)
    for name, classes, code in (
        ("城东学区", 2, "4521010001"),
        ("城西学区", 20, "4521010002"),
        ("城北学区", 9, "4521010003"),
    ):
        school = Organisation.objects.create(kind="school", name=f"{name}小学", code=code, parent=county)
        catchment = Catchment.objects.create(county=county, name=name, level="primary")
        SchoolCapacity.objects.create(
            school=school, year=2025, catchment_primary=catchment, design_classes_primary=classes
        )
    log_in(page, live_server.url, "office", PASSWORD)
    page.goto(f"{live_server.url}/places/county/{county.pk}/?method=户籍")
    rows = page.locator("#gaps tbody tr")
    page.get_by_role("button", name="学位（个）").click()  # 90, 405, 900 places
    expect(rows.locator("td:first-child")).to_have_text(["城东学区", "城北学区", "城西学区"])
    page.get_by_role("button", name="学位（个）").click()
    expect(rows.locator("td:first-child")).to_have_text(["城西学区", "城北学区", "城东学区"])
    expect(page.locator("#gaps th[aria-sort=descending]")).to_have_text("学位（个）")
