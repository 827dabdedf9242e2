"""The plan page and the what-if view: who reaches them, what a plan shows, and that what-if stores nothing."""

from __future__ import annotations

import io
import math
from typing import Any

import openpyxl
import polars as pl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from junheng.engine import evaluate
from junheng.web.collection import services
from junheng.web.collection.models import RECORD_FIELDS, SchoolRecord
from junheng.web.collection.tables import county_table
from junheng.web.errors import InvalidData
from junheng.web.orgs.models import Organisation, Role
from tests.builders import primary_school
from tests.web.conftest import Tree

FIGURE_KEYS = {f.key for f in RECORD_FIELDS}
YEAR = 2025
# 第二小学: 300 students and 1,800 ㎡ of sports area, 6.0 ㎡ per student: below the threshold 7.5 and
# below its floor 6.375 (85 %), so it fails the school rule on that one indicator.
SHORT_SPORTS_AREA = 1800.0


def figures(students: int, **overrides: Any) -> dict[str, Any]:
    """A primary school's figures that meet every national-2017 threshold (tests/builders.py), varied."""
    return {k: v for k, v in primary_school("x", students, **overrides).items() if k in FIGURE_KEYS}


@pytest.fixture
def county(tree: Tree) -> Tree:
    """示范县 2025: 实验小学 (200 students) meets everything; 第二小学 (300) is short of sports area."""
    SchoolRecord.objects.create(school=tree.school, year=YEAR, **figures(200))
    SchoolRecord.objects.create(school=tree.other_school, year=YEAR, **figures(300, sports_area_m2=SHORT_SPORTS_AREA))
    SchoolRecord.objects.create(school=tree.foreign_school, year=YEAR, **figures(150))
    return tree


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def plan_url(county: Organisation) -> str:
    return reverse("planning:county", args=[county.pk]) + f"?year={YEAR}"


def whatif_url(county: Organisation, school: Organisation) -> str:
    return reverse("planning:whatif-evaluate", args=[county.pk, school.pk]) + f"?year={YEAR}"


def sports_indicator(county: Organisation) -> str:
    standard = services.standard_for(county)
    return next(ind.id for ind in standard.indicators if ind.resource == "sports_area_m2")


# --- scope -------------------------------------------------------------------------------------------

READERS = [Role.SUPERVISOR, Role.OBSERVER]


@pytest.mark.parametrize("role", [Role.COUNTY_OFFICE, Role.SUPERVISOR, Role.OBSERVER])
def test_plan_page_is_seen_by_the_county_office_and_the_citys_readers(
    client: Client, county: Tree, users: dict[str, User], role: str
) -> None:
    response = login(client, users[role]).get(plan_url(county.county))
    assert response.status_code == 200
    assert ("制定规划" in response.content.decode()) is (role == Role.COUNTY_OFFICE)


def test_plan_page_of_a_county_out_of_reach_is_not_found(client: Client, county: Tree, users: dict[str, User]) -> None:
    assert login(client, users[Role.COUNTY_OFFICE]).get(plan_url(county.other_county)).status_code == 404
    assert login(client, users[Role.CLERK]).get(plan_url(county.county)).status_code == 404


@pytest.mark.parametrize("role", READERS)
def test_readers_may_not_plan(client: Client, county: Tree, users: dict[str, User], role: str) -> None:
    assert login(client, users[role]).post(plan_url(county.county), {"budget": ""}).status_code == 403
    excel = reverse("planning:excel", args=[county.county.pk]) + f"?year={YEAR}"
    assert client.get(excel).status_code == 403


def test_county_office_may_not_plan_a_foreign_county(client: Client, county: Tree, users: dict[str, User]) -> None:
    response = login(client, users[Role.COUNTY_OFFICE]).post(plan_url(county.other_county), {"budget": ""})
    assert response.status_code == 404


# --- the plan ----------------------------------------------------------------------------------------


def test_plan_builds_the_missing_sports_area_and_brings_the_coefficient_down(
    client: Client, county: Tree, users: dict[str, User]
) -> None:
    response = login(client, users[Role.COUNTY_OFFICE]).post(plan_url(county.county), {"budget": ""}, follow=True)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.status == "optimal"
    (action,) = plan.actions
    assert action.kind == "build_sports_area"
    assert action.changes[0].school_id == county.other_school.code
    # at least up to the floor 6.375 ㎡ per student: 1,912.5 ㎡, 112.5 more
    assert action.quantity >= 112.5 - 1e-6
    assert action.cost > 0
    assert plan.total_cost == pytest.approx(action.cost)
    (school,) = response.context["by_school"]
    assert school.name == "示范县第二小学"
    assert school.rows[0].action == "新建体育运动场馆"
    assert school.rows[0].unit == "㎡"
    html = response.content.decode()
    assert "新建体育运动场馆" in html and "下载 Excel" in html
    assert response.context["passing"] == {"before": 1, "after": 2, "schools": 2}
    sports = next(r for r in response.context["cvs"] if r.indicator == "生均体育运动场馆面积")
    assert sports.before == "0.111"  # hand-worked in test_what_if_raising_the_area_passes_the_school
    assert float(sports.after) < float(sports.before)


def test_excel_download_is_the_same_plan(client: Client, county: Tree, users: dict[str, User]) -> None:
    login(client, users[Role.COUNTY_OFFICE])
    page = client.post(plan_url(county.county), {"budget": ""}, follow=True)
    job = page.context["job"]
    assert f'href="/jobs/{job.pk}/download/">下载 Excel' in page.content.decode()
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["措施"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[5]) for r in rows] == [("新建体育运动场馆（㎡）", county.other_school.code)]
    assert rows[0][4] == pytest.approx(page.context["total_cost"])


def test_a_budget_of_nothing_buys_nothing(client: Client, county: Tree, users: dict[str, User]) -> None:
    response = login(client, users[Role.COUNTY_OFFICE]).post(plan_url(county.county), {"budget": "0"}, follow=True)
    assert response.context["plan"].actions == ()
    assert response.context["passing"]["after"] == 1
    assert response.context["job"].params["budget"] == 0
    assert response.context["form"].initial["budget"] == 0  # the page shows the budget the plan was made with


# --- what-if -----------------------------------------------------------------------------------------


def weighted_cv(values_and_students: list[tuple[float, int]]) -> float:
    """The enrolment-weighted coefficient of variation, standard.md §3, by hand."""
    total = sum(n for _, n in values_and_students)
    mean = sum(v * n for v, n in values_and_students) / total
    variance = sum(n * (v - mean) ** 2 for v, n in values_and_students) / total
    return math.sqrt(variance) / mean


def sports_cv(answer: dict[str, Any]) -> float:
    row = next(c for c in answer["county"]["coefficients"] if c["indicator"] == "生均体育运动场馆面积")
    value: float = row["cv"]
    return value


@pytest.mark.parametrize("role", [Role.COUNTY_OFFICE, Role.SUPERVISOR])
def test_what_if_raising_the_area_passes_the_school(
    client: Client, county: Tree, users: dict[str, User], role: str
) -> None:
    login(client, users[role])
    before = client.post(whatif_url(county.county, county.other_school), {}).json()
    assert before["school"]["parts"][0]["passed"] is False
    assert before["county"]["passed"] is False
    # 7.5 ㎡ × 200 and 6.0 ㎡ × 300: mean 6.6, variance 0.54, CV 0.7348 / 6.6 = 0.11134
    assert sports_cv(before) == pytest.approx(weighted_cv([(7.5, 200), (6.0, 300)]))
    assert sports_cv(before) == pytest.approx(0.111340, abs=1e-6)

    after = client.post(whatif_url(county.county, county.other_school), {"sports_area_m2": "2400"}).json()
    # 8.0 ㎡ per student at 第二小学: mean 7.8, variance 0.06, CV 0.24495 / 7.8 = 0.031404
    assert after["school"]["parts"][0]["passed"] is True
    assert after["school"]["parts"][0]["rule"].startswith("达标")
    assert sports_cv(after) == pytest.approx(0.031404, abs=1e-6)
    assert after["county"]["passed"] is True
    table = county_table(county.county, YEAR).with_columns(
        pl.when(pl.col("school_id") == county.other_school.code)
        .then(2400.0)
        .otherwise(pl.col("sports_area_m2"))
        .alias("sports_area_m2")
    )
    levels = evaluate(table, services.standard_for(county.county)).levels
    engine_cv = levels.filter(pl.col("indicator") == sports_indicator(county.county))["cv"].item()
    assert sports_cv(after) == pytest.approx(engine_cv)

    stored = SchoolRecord.objects.get(school=county.other_school, year=YEAR)
    assert stored.values()["sports_area_m2"] == SHORT_SPORTS_AREA


def test_what_if_refuses_figures_the_importer_refuses(client: Client, county: Tree, users: dict[str, User]) -> None:
    response = login(client, users[Role.COUNTY_OFFICE]).post(
        whatif_url(county.county, county.other_school), {"sports_area_m2": "很多"}
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "sports_area_m2"
    with pytest.raises(InvalidData) as expected:
        services.validate_values(
            SchoolRecord.objects.get(school=county.other_school).values() | {"sports_area_m2": "很多"},
            county=county.county,
            school=county.other_school,
            year=YEAR,
        )
    assert error["message"] == expected.value.issues[0].message


def test_what_if_of_a_foreign_county_or_school_is_not_found(
    client: Client, county: Tree, users: dict[str, User]
) -> None:
    login(client, users[Role.COUNTY_OFFICE])
    assert client.post(whatif_url(county.other_county, county.foreign_school), {}).status_code == 404
    assert client.post(whatif_url(county.county, county.foreign_school), {}).status_code == 404
    page = reverse("planning:whatif", args=[county.other_county.pk]) + f"?year={YEAR}"
    assert client.get(page).status_code == 404


def test_what_if_page_shows_the_chosen_schools_figures(client: Client, county: Tree, users: dict[str, User]) -> None:
    page = reverse("planning:whatif", args=[county.county.pk]) + f"?year={YEAR}&school={county.other_school.pk}"
    response = login(client, users[Role.SUPERVISOR]).get(page)
    assert response.status_code == 200
    fields = {f["key"]: f["value"] for f in response.context["fields"]}
    assert fields["sports_area_m2"] == SHORT_SPORTS_AREA
    assert fields["students_primary"] == 300
    assert len(fields) == 8  # students and the seven indicators' resources of 小学
    assert "junheng/planning.js" in response.content.decode()


def test_the_observer_reads_but_cannot_try_a_what_if(client: Client, county: Tree, users: dict[str, User]) -> None:
    login(client, users[Role.OBSERVER])
    page = reverse("planning:whatif", args=[county.county.pk]) + f"?year={YEAR}&school={county.other_school.pk}"
    assert "只有县级督导室和督学可以试算" in client.get(page).content.decode()
    assert client.post(whatif_url(county.county, county.other_school), {}).status_code == 403


# --- years ahead -------------------------------------------------------------------------------------


def test_a_target_year_plan_is_phased_by_year_within_the_yearly_budget(
    client: Client, county: Tree, users: dict[str, User]
) -> None:
    office = login(client, users[Role.COUNTY_OFFICE])
    response = office.post(
        plan_url(county.county), {"budget": "", "target_year": "2027", "yearly_budget": "200000"}, follow=True
    )
    assert response.status_code == 200
    assert response.context["target_year"] == 2027
    phases = response.context["phases"]
    assert [p.year for p in phases] == [2026, 2027]
    costs = [float(p.cost.replace(",", "")) for p in phases]
    assert all(cost <= 200_000 + 1e-6 for cost in costs)
    assert sum(costs) > 0
    # 112.5 ㎡ of sports ground at 491 元 fits the first year's budget; the county passes from then on
    assert costs == [pytest.approx(112.5 * 491), 0]
    assert [p.passes for p in phases] == [True, True]
    assert response.context["unscheduled"] == []
    assert "分年度实施安排" in response.content.decode()
    assert "下载 Excel" not in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"target_year": "2025"}, "target_year", "目标年度应晚于 2025 年"),
        ({"yearly_budget": "100"}, "yearly_budget", "每年预算需与目标年度一起填写"),
    ],
)
def test_a_target_year_must_lie_ahead_and_a_yearly_budget_needs_one(
    client: Client, county: Tree, users: dict[str, User], data: dict[str, str], field: str, message: str
) -> None:
    response = login(client, users[Role.COUNTY_OFFICE]).post(plan_url(county.county), {"budget": ""} | data)
    assert response.context["form"].errors[field] == [message]
    assert "plan" not in response.context


def test_the_plan_says_it_covers_resources_only_and_what_else_would_still_fail(
    client: Client, county: Tree, users: dict[str, User]
) -> None:
    SchoolRecord.objects.filter(school=county.other_school, year=YEAR).update(max_class_size_primary=60)  # G5 > 45
    response = login(client, users[Role.COUNTY_OFFICE]).post(plan_url(county.county), {"budget": ""}, follow=True)
    html = response.content.decode()
    card = html[html.index('id="plan-summary"') : html.index('id="solver-details"')]
    assert "规划后资源配置（七项指标与差异系数）" in card and "达标" in card
    assert "本规划只覆盖资源配置" in card and '政府保障程度 <span class="bad">未达标</span>' in card
    assert "政府保障程度：G5 未达标——1 所学校未达标" in card
    assert "项待判定（县级数据、认定或调查）" in card
    assert "求解" not in card and "间隙" not in card  # the solver's words are in the details fold
    details = html[html.index('id="solver-details"') :]
    assert "求解状态：" in details[:400]
