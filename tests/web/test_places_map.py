"""School places with a county's real data: the map's schools and catchments, the pinned query counts of
the places page and the map data, and what a county without some of its figures sees."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from junheng.web.collection.models import RECORD_FIELDS, SchoolRecord
from junheng.web.orgs.models import Organisation, Role
from junheng.web.places import services
from junheng.web.places.models import Births, Catchment, HousingDelivery, Residents, SchoolCapacity
from tests.builders import primary_school
from tests.web.conftest import Tree

SQUARE = '{"type": "Polygon", "coordinates": [[[108.0, 22.0], [108.1, 22.0], [108.1, 22.1], [108.0, 22.0]]]}'


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _record(school: Organisation, **overrides: Any) -> None:
    figures = primary_school(school.code, students=500, **overrides)
    record = SchoolRecord(school=school, year=2025)
    for field in RECORD_FIELDS:
        setattr(record, field.key, figures.get(field.key))
    record.save()


def _capacity(school: Organisation, catchment: Catchment | None, classes: int, **where: float) -> None:
    SchoolCapacity.objects.create(
        school=school, year=2025, catchment_primary=catchment, design_classes_primary=classes, **where
    )


def _births(county: Organisation, catchment: Catchment | None, per_year: int) -> None:
    for year in range(2014, 2020):
        Births.objects.create(county=county, catchment=catchment, year=year, series="户籍", births=per_year)


@pytest.fixture
def mapped(tree: Tree) -> dict[str, Catchment]:
    """城东 (outline; 实验小学 24 classes at 22.05, 108.05, passing the school rule; births 200 a year → 1,200
    pupils ≥ 1,080 places: red) and 城西 (no outline; 第二小学 30 classes, no coordinates, failing the rule;
    births 200 a year → 1,200 of 1,350 places, 88.9 %: green)."""
    east = Catchment.objects.create(county=tree.county, name="城东学区", level="primary", geometry=SQUARE)
    west = Catchment.objects.create(county=tree.county, name="城西学区", level="primary")
    _capacity(tree.school, east, 24, latitude=22.05, longitude=108.05)
    _capacity(tree.other_school, west, 30)
    _record(tree.school)
    _record(tree.other_school, sports_area_m2=1.0)
    _births(tree.county, east, 200)
    _births(tree.county, west, 200)
    return {"east": east, "west": west}


def test_the_map_data_gives_each_school_its_place_warning_and_rule(
    tree: Tree, users: dict[str, User], mapped: dict[str, Catchment]
) -> None:
    third = Organisation.objects.create(kind="school", name="示范县第三小学", code="4521010003", parent=tree.county)
    client = _client(users[Role.SUPERVISOR])
    data = client.get(reverse("places:map_json", args=[tree.county.pk]), {"method": "户籍"}).json()
    assert data["year"] == 2025
    assert {f["properties"]["name"]: f["properties"]["warning"] for f in data["catchments"]["features"]} == {
        "城东学区": "red",
        "城西学区": "green",
    }
    west = next(f for f in data["catchments"]["features"] if f["properties"]["name"] == "城西学区")
    assert west["geometry"] is None
    schools = {s["code"]: (s["lat"], s["lon"], s["catchment"], s["warning"], s["rule"]) for s in data["schools"]}
    assert schools == {
        tree.school.code: (22.05, 108.05, "城东学区", "red", "达标"),
        tree.other_school.code: (None, None, "城西学区", "green", "未达标"),
        third.code: (None, None, None, None, "待判定"),  # no capacity row and no record
    }


def test_the_map_page_lists_what_it_cannot_draw_and_loads_nothing_remote(
    tree: Tree, users: dict[str, User], mapped: dict[str, Catchment]
) -> None:
    page = _client(users[Role.SUPERVISOR]).get(reverse("places:map", args=[tree.county.pk])).content.decode()
    unmapped = page[page.index('id="unmapped"') :]
    assert '<tr data-catchment="城西学区">' in unmapped
    assert f'<tr data-school="{tree.other_school.code}"><td>示范县第二小学</td>' in unmapped
    assert f'data-school="{tree.school.code}"' not in unmapped  # it has coordinates: drawn on the map
    sources = re.findall(r'<(?:script|link|img)[^>]*(?:src|href)="([^"]*)"', page)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    assert not re.search(r"https?://|tile|\{z\}", page, re.I)


def test_the_map_of_a_county_without_capacities_lists_its_schools(tree: Tree, users: dict[str, User]) -> None:
    client = _client(users[Role.COUNTY_OFFICE])
    data = services.map_data(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk)
    assert data.year is None and data.catchments == []
    assert {(s.code, s.lat, s.rule) for s in data.schools} == {
        (tree.school.code, None, "待判定"),
        (tree.other_school.code, None, "待判定"),
    }
    page = client.get(reverse("places:map", args=[tree.county.pk])).content.decode()
    assert "尚无学位数据" in page and "以下学校没有坐标" in page
    assert client.get(reverse("places:map_json", args=[tree.county.pk]), {"year": "二〇二五"}).status_code == 400


def _grow(tree: Tree, n: int) -> None:
    """`n` catchments, each with a school that has coordinates, a record, births and housing; the county's
    own births and residents."""
    for i in range(n):
        catchment = Catchment.objects.create(county=tree.county, name=f"第{i}学区", level="primary", geometry=SQUARE)
        school = Organisation.objects.create(
            kind="school", name=f"新校{i}", code=f"45210190{i:02d}", parent=tree.county
        )
        _capacity(school, catchment, 12, latitude=22.0 + i / 100, longitude=108.0)
        _record(school)
        _births(tree.county, catchment, 50)
        HousingDelivery.objects.create(catchment=catchment, year=2025, households=100)
    _births(tree.county, None, 50 * n)
    Residents.objects.create(county=tree.county, year=2025, residents=10000)


TABLES = 11  # session, user, memberships; the county; the standard (the city, the province);
# capacities, catchments, births, housing, residents
PROJECTED = 2  # with the projection method: the latest record's year, then that year's records
SCHOOLS = 2  # the map: that year's records for the school rule, the county's schools
COUNTY_PAGE = TABLES + SCHOOLS  # the places page: the map above the tables
NAVIGATION = 1  # a page's year selector: the years with records (the ancestors are known from the standard's walk)


@pytest.mark.parametrize("n", [2, 20])
@pytest.mark.parametrize("method", ["户籍", "projection"])
def test_the_places_page_costs_the_same_queries_for_2_and_20_catchments(
    tree: Tree, users: dict[str, User], django_assert_num_queries: DjangoAssertNumQueries, n: int, method: str
) -> None:
    _grow(tree, n)
    client = _client(users[Role.COUNTY_OFFICE])
    queries = COUNTY_PAGE + NAVIGATION + (PROJECTED if method == "projection" else 0)
    with django_assert_num_queries(queries):
        page = client.get(reverse("places:county", args=[tree.county.pk]), {"method": method}).content.decode()
    assert len(re.findall(r'data-scope="catchment" data-catchment="[^"]+" data-year="2025"', page)) == n
    assert ('data-scope="county"' in page) is (method == "户籍")


@pytest.mark.parametrize("n", [2, 20])
def test_the_map_data_costs_the_same_queries_for_2_and_20_schools(
    tree: Tree, users: dict[str, User], django_assert_num_queries: DjangoAssertNumQueries, n: int
) -> None:
    _grow(tree, n)
    client = _client(users[Role.COUNTY_OFFICE])
    with django_assert_num_queries(TABLES + PROJECTED + SCHOOLS):  # the projection is the default method
        data = client.get(reverse("places:map_json", args=[tree.county.pk])).json()
    assert len(data["catchments"]["features"]) == n
    assert sum(s["lat"] is not None for s in data["schools"]) == n


def test_the_map_names_each_catchment_once_and_gives_the_popup_its_figures_and_links(
    tree: Tree, users: dict[str, User], mapped: dict[str, Catchment]
) -> None:
    Catchment.objects.create(county=tree.county, name="城关学区（小学）", level="primary", geometry=SQUARE)
    data = services.map_data(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk, method="户籍").as_json()
    labels = {f["properties"]["name"]: f["properties"]["label"] for f in data["catchments"]["features"]}
    assert labels == {
        "城东学区": "城东学区（小学）",
        "城西学区": "城西学区（小学）",
        "城关学区（小学）": "城关学区（小学）",
    }
    east = next(f["properties"] for f in data["catchments"]["features"] if f["properties"]["name"] == "城东学区")
    # 24 classes × 45 = 1,080 places against 6 cohorts of 200 births: 1,200 pupils, 120 short
    assert (east["places"], east["demand"], east["gap"]) == (1080, 1200, -120)
    school = next(s for s in data["schools"] if s["code"] == tree.school.code)
    assert (school["students"], school["places"]) == (500, 1080)
    assert school["links"] == {
        "学校看板": reverse("dashboards:school", args=[tree.school.pk]),
        "填报数据": reverse("collection:school", args=[tree.school.pk]),
    }


def test_the_map_page_has_a_legend_of_both_colourings(
    tree: Tree, users: dict[str, User], mapped: dict[str, Catchment]
) -> None:
    page = _client(users[Role.OBSERVER]).get(reverse("places:map", args=[tree.county.pk])).content.decode()
    legend = page[page.index('id="map-legend"') :]
    for entry in (
        "学位紧缺（红色预警）",
        "学位偏紧（黄色预警）",
        "学位充足",
        "无学位数据",
        "学校达标",
        "学校未达标",
        "待判定",
    ):
        assert entry in legend


def test_the_places_page_opens_with_the_map_and_shows_equal_years_once_with_units(
    tree: Tree, users: dict[str, User], mapped: dict[str, Catchment]
) -> None:
    # 2020's births give 城东 a second year (2026) with the same 1,200 pupils against the same 1,080 places
    Births.objects.create(county=tree.county, catchment=mapped["east"], year=2020, series="户籍", births=200)
    page = _client(users[Role.OBSERVER]).get(reverse("places:county", args=[tree.county.pk]), {"method": "户籍"})
    html = page.content.decode()
    assert html.index('id="places-map"') < html.index('id="gaps"')
    table = html[html.index('id="gaps"') : html.index('id="per-1000"')]
    east = '<tr data-scope="catchment" data-catchment="城东学区" data-year="2025">'
    assert '<td data-sort="2025">2025–2026</td>' in table[table.index(east) :]
    assert 'data-catchment="城东学区" data-year="2026"' not in table
    assert '<table class="sortable">' in table
    for header in ("学位（个）", "基础需求（人）", "住宅交付（人）", "需求合计（人）", "余缺（个）"):
        assert f'<th class="num">{header}</th>' in table
