"""Every page and API route that takes a year answers a year out of bounds or not a number with the same
Chinese message (400 on pages, 422 in the API), never a 500: issue 10 §2, "unlogged 500s"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from junheng.web.api.tokens import issue_token
from junheng.web.collection.services import standard_for
from junheng.web.orgs.models import Role
from junheng.web.years import YEAR_MESSAGE
from tests.web.conftest import Tree

BAD_YEARS = ["99999999999999999999999999", "-5", "abc", "1989", "2101"]

# Pages that read `?year=`: (method, URL builder over the test tree).
QUERY_PAGES: dict[str, tuple[str, Callable[[Tree], str]]] = {
    "collection:school": ("get", lambda t: f"/collection/school/{t.school.pk}/"),
    "collection:county": ("get", lambda t: f"/collection/county/{t.county.pk}/"),
    "collection:export": ("get", lambda t: f"/collection/county/{t.county.pk}/export/"),
    "dashboards:county": ("get", lambda t: f"/dashboards/county/{t.county.pk}/"),
    "dashboards:indicator": (
        "get",
        lambda t: f"/dashboards/county/{t.county.pk}/indicator/primary/{standard_for(t.county).indicator_ids[0]}/",
    ),
    "dashboards:school": ("get", lambda t: f"/dashboards/school/{t.school.pk}/"),
    "dashboards:region": ("get", lambda t: f"/dashboards/region/{t.city.pk}/"),
    "places:county": ("get", lambda t: f"/places/county/{t.county.pk}/"),
    "places:map": ("get", lambda t: f"/places/county/{t.county.pk}/map/"),
    "places:map_json": ("get", lambda t: f"/places/county/{t.county.pk}/map.json"),
    "planning:county": ("get", lambda t: f"/planning/county/{t.county.pk}/"),
    "planning:county (post)": ("post", lambda t: f"/planning/county/{t.county.pk}/"),
    "planning:excel": ("get", lambda t: f"/planning/county/{t.county.pk}/excel/"),
    "planning:whatif": ("get", lambda t: f"/planning/county/{t.county.pk}/whatif/"),
    "planning:whatif-evaluate": ("post", lambda t: f"/planning/county/{t.county.pk}/whatif/{t.school.pk}/"),
    "assessment:county": ("get", lambda t: f"/assessment/county/{t.county.pk}/"),
    "groups:county": ("get", lambda t: f"/groups/county/{t.county.pk}/"),
    "groups:scorecard": ("get", lambda t: f"/groups/county/{t.county.pk}/scorecard/"),
}

# Pages with the year in the URL (all POST): (URL builder over the tree and the year).
PATH_PAGES: dict[str, Callable[[Tree, str], str]] = {
    "collection:validate": lambda t, y: f"/collection/school/{t.school.pk}/validate/{y}/",
    "assessment:figures": lambda t, y: f"/assessment/county/{t.county.pk}/{y}/figures/",
    "assessment:judgement": lambda t, y: f"/assessment/county/{t.county.pk}/{y}/judgement/B1/",
    "assessment:veto": lambda t, y: f"/assessment/county/{t.county.pk}/{y}/veto/fraud/",
    "assessment:report": lambda t, y: f"/assessment/county/{t.county.pk}/{y}/report/",
}

API_ROUTES: dict[str, tuple[str, Callable[[Tree], str]]] = {
    "county evaluation": ("get", lambda t: f"/api/counties/{t.county.pk}/evaluation?"),
    "county verdict": ("get", lambda t: f"/api/counties/{t.county.pk}/verdict?"),
    "schools": ("get", lambda t: f"/api/schools?county={t.county.pk}&"),
    "school": ("get", lambda t: f"/api/schools/{t.school.pk}?"),
    "change school": ("patch", lambda t: f"/api/schools/{t.school.pk}?"),
}


@pytest.fixture
def office(client: Client, tree: Tree) -> Client:
    """An administrator, who may see and do everything on these pages (the region's page among them)."""
    client.force_login(User.objects.create_superuser("admin", password="pw-admin"))
    return client


@pytest.mark.parametrize("year", BAD_YEARS)
@pytest.mark.parametrize("name", QUERY_PAGES)
def test_a_bad_year_on_a_page_is_a_400_saying_which_years_are_allowed(
    office: Client, tree: Tree, name: str, year: str
) -> None:
    method, url = QUERY_PAGES[name]
    response = getattr(office, method)(f"{url(tree)}?year={year}")
    assert response.status_code == 400
    assert YEAR_MESSAGE in response.content.decode()


@pytest.mark.parametrize("year", ["99999999999999999999999999", "1989", "2101", "0"])
@pytest.mark.parametrize("name", PATH_PAGES)
def test_a_bad_year_in_a_url_is_a_400_saying_which_years_are_allowed(
    office: Client, tree: Tree, name: str, year: str
) -> None:
    response = office.post(PATH_PAGES[name](tree, year))
    assert response.status_code == 400
    assert YEAR_MESSAGE in response.content.decode()


@pytest.mark.parametrize("year", ["-5", "abc"])
@pytest.mark.parametrize("name", PATH_PAGES)
def test_a_year_that_is_no_number_in_a_url_is_no_page(office: Client, tree: Tree, name: str, year: str) -> None:
    assert office.post(PATH_PAGES[name](tree, year)).status_code == 404


@pytest.mark.parametrize("year", BAD_YEARS)
@pytest.mark.parametrize("name", API_ROUTES)
def test_a_bad_year_in_the_api_is_a_422_saying_which_years_are_allowed(
    client: Client, tree: Tree, users: dict[str, User], name: str, year: str
) -> None:
    token = issue_token(username=users[Role.COUNTY_OFFICE].username)
    method, url = API_ROUTES[name]
    body = {"data": "{}", "content_type": "application/json"} if method == "patch" else {}
    response = getattr(client, method)(f"{url(tree)}year={year}", HTTP_AUTHORIZATION=f"Bearer {token}", **body)
    assert response.status_code == 422
    assert response.json() == {"detail": [{"field": "year", "message": YEAR_MESSAGE}]}


def test_the_export_without_a_year_says_which_years_are_allowed(office: Client, tree: Tree) -> None:
    response = office.get(f"/collection/county/{tree.county.pk}/export/")
    assert response.status_code == 400
    assert YEAR_MESSAGE in response.content.decode()
