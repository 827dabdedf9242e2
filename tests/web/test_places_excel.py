"""The places page in Excel (issue 12 §5): places, demand, gap and warning per catchment and year under the
page's demand method, and places per 1,000 residents; the file answered as the page is."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from junheng.web.orgs.models import Role
from tests.web.conftest import Tree
from tests.web.test_places import CAPACITIES, _client, _post, office
from tests.web.xlsx_pages import body, header, number_format, sheets

__all__ = ["office"]  # the fixture, shared with the page's tests


def test_the_places_export_holds_the_pages_figures_under_its_method(tree: Tree, office: Client) -> None:
    county = tree.county.pk
    _post(office, reverse("places:upload", args=[county, "capacities"]), "cap.csv", CAPACITIES)
    births = "学区,出生年度,口径,出生人口\n" + "".join(f"城东学区,{y},户籍,110\n" for y in range(2014, 2020))
    _post(office, reverse("places:upload", args=[county, "births"]), "b.csv", births)
    _post(
        office,
        reverse("places:upload", args=[county, "housing"]),
        "h.csv",
        "学区,交付年度,交付户数\n城东学区,2025,1000\n",
    )
    _post(office, reverse("places:upload", args=[county, "residents"]), "r.csv", "年度,常住人口\n2025,10000\n")
    page = office.get(reverse("places:county", args=[county]), {"method": "户籍"}).content.decode()
    url = reverse("places:excel", args=[county]) + "?method=%E6%88%B7%E7%B1%8D"
    assert url in page
    found = sheets(office.get(url), "示范县学位供需（户籍出生人口）.xlsx")
    gaps = found["学位与需求（户籍出生人口）"]
    assert header(gaps) == [
        "学区",
        "学段",
        "年度",
        "学位（个）",
        "基础需求（人）",
        "住宅交付（人）",
        "需求合计（人）",
        "余缺（个）",
        "预警",
    ]
    # the page: 1080, 660, 330, 990, 90, 黄色 (test_the_county_page_shows_places_demand_gap_and_warning)
    row = next(r for r in body(gaps) if r[0] == "城东学区" and r[2] == 2025)
    assert [row[1], *(round(v) for v in row[3:8]), row[8]] == ["小学", 1080, 660, 330, 990, 90, "黄色"]
    assert number_format(gaps, "需求合计（人）") == "#,##0"
    per_1000 = found["每千人学位"]
    primary = next(r for r in body(per_1000) if r[1] == "小学")
    assert primary[:5] == [2025, "小学", 1080, 10000, 108.0]  # the page: 108.0
    assert number_format(per_1000, "每千人学位（个）") == "#,##0.0"


@pytest.mark.parametrize("role", [Role.CLERK, Role.COUNTY_OFFICE, Role.SUPERVISOR, Role.OBSERVER])
def test_the_places_export_answers_as_the_places_page(tree: Tree, users: dict[str, User], role: str) -> None:
    client = _client(users[role])
    for county in (tree.county, tree.other_county):
        page = client.get(reverse("places:county", args=[county.pk])).status_code
        assert client.get(reverse("places:excel", args=[county.pk])).status_code == page
