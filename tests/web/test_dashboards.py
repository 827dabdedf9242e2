"""The dashboards: what each page says, whose pages each role reaches, and how many queries a page costs."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from junheng.engine import Evaluation, evaluate
from junheng.standards import Standard
from junheng.web.collection import services
from junheng.web.collection.models import RECORD_FIELDS, SchoolRecord
from junheng.web.dashboards import region_kept
from junheng.web.orgs.models import Organisation, Role
from tests.builders import primary_school
from tests.web.conftest import Tree, make_user

FIGURE_KEYS = {f.key for f in RECORD_FIELDS}
Status = SchoolRecord.Status


def figures(students: int, **overrides: Any) -> dict[str, Any]:
    """A primary school's figures that meet every national-2017 threshold (tests/builders.py), varied."""
    return {k: v for k, v in primary_school("x", students, **overrides).items() if k in FIGURE_KEYS}


def store(school: Organisation, year: int, status: str = Status.APPROVED, **values: Any) -> SchoolRecord:
    return SchoolRecord.objects.create(school=school, year=year, status=status, **values)


def school(name: str, code: str, county: Organisation) -> Organisation:
    return Organisation.objects.create(kind="school", name=name, code=code, parent=county)


@dataclass
class World:
    tree: Tree
    far_city: Organisation
    far_county: Organisation
    far_school: Organisation
    teaching_point: Organisation
    unfilled: Organisation


@pytest.fixture
def world(tree: Tree) -> World:
    """示范县 in 2023–2025, its neighbour in 2025, and a county of another city.

    示范县 2025: 实验小学 (200 students, 5.0 teachers above the required degree per 100) approved;
    第二小学 (300 students, 9 such teachers: 3.0 per 100, below the floor 3.57) submitted; a teaching
    point of 30 students (left out); a school that has not filled its record. In 2024 every school meets
    every threshold; in 2023 no school has a backbone teacher, so that coefficient is undefined.
    """
    far_city = Organisation.objects.create(kind="city", name="远市", code="4522", parent=tree.province)
    far_county = Organisation.objects.create(kind="county", name="远县", code="452201", parent=far_city)
    far_school = school("远县小学", "4522010001", far_county)
    teaching_point = school("示范县山村教学点", "4521010003", tree.county)
    unfilled = school("示范县第三小学", "4521010004", tree.county)
    store(tree.school, 2025, Status.APPROVED, **figures(200))
    store(tree.other_school, 2025, Status.SUBMITTED, **figures(300, teachers_above_degree_primary=9))
    store(teaching_point, 2025, Status.DRAFT, **figures(30, school_type="teaching_point"))
    store(unfilled, 2025, Status.DRAFT)
    store(tree.school, 2024, **figures(200))
    store(tree.other_school, 2024, **figures(300))
    store(tree.school, 2023, **figures(200, backbone_teachers_primary=0))
    store(tree.other_school, 2023, **figures(300, backbone_teachers_primary=0))
    store(tree.foreign_school, 2025, **figures(150))
    store(far_school, 2025, **figures(150))
    return World(tree, far_city, far_county, far_school, teaching_point, unfilled)


def page(client: Client, user: User | None, url: str) -> Any:
    if user is not None:
        client.force_login(user)
    return client.get(url)


def text(response: Any) -> str:
    return str(response.content.decode())


def chart(response: Any, chart_id: str) -> dict[str, Any]:
    """The ECharts option a page embeds for one chart."""
    found = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', text(response), re.S)
    assert found is not None, f"no chart {chart_id}"
    option: dict[str, Any] = json.loads(found.group(1))
    return option


def county_url(county: Organisation, year: int | None = 2025) -> str:
    return reverse("dashboards:county", args=[county.pk]) + ("" if year is None else f"?year={year}")


def school_url(school: Organisation, year: int = 2025) -> str:
    return reverse("dashboards:school", args=[school.pk]) + f"?year={year}"


def indicator_url(county: Organisation, level: str = "primary", indicator: str = "L1", year: int = 2025) -> str:
    return reverse("dashboards:indicator", args=[county.pk, level, indicator]) + f"?year={year}"


def region_url(region: Organisation, year: int = 2025) -> str:
    return reverse("dashboards:region", args=[region.pk]) + f"?year={year}"


# --- scope: each page × role × own and foreign organisations ------------------------------------------

# Which organisations of the world each role reaches: the clerk their own school only, the county office
# its county and schools, the city's supervisor and observer the whole city, nobody the far city.
REACH: dict[str, set[str]] = {
    Role.CLERK: {"school"},
    Role.COUNTY_OFFICE: {"county", "school", "other_school"},
    Role.SUPERVISOR: {"city", "county", "other_county", "school", "other_school", "foreign_school"},
    Role.OBSERVER: {"city", "county", "other_county", "school", "other_school", "foreign_school"},
}
ROLES = list(REACH)


def _target(world: World, name: str) -> Organisation:
    found: Organisation = getattr(world.tree, name, None) or getattr(world, name)
    return found


PAGES: dict[str, tuple[list[str], Callable[[Organisation], str]]] = {
    "county": (["county", "other_county", "far_county"], county_url),
    "indicator": (["county", "other_county", "far_county"], indicator_url),
    "school": (["school", "other_school", "foreign_school", "far_school"], school_url),
    "region": (["city", "far_city", "province"], region_url),
}
CASES = [(p, role, target) for p, (targets, _) in PAGES.items() for role in ROLES for target in targets]


@pytest.mark.parametrize(("page_name", "role", "target"), CASES)
def test_each_page_answers_its_own_organisations_and_404_for_any_other(
    client: Client, world: World, users: dict[str, User], page_name: str, role: str, target: str
) -> None:
    _, url = PAGES[page_name]
    response = page(client, users[role], url(_target(world, target)))
    assert response.status_code == (200 if target in REACH[role] else 404)


def test_a_province_observer_sees_the_province_page_with_every_county(
    client: Client, world: World, users: dict[str, User]
) -> None:
    observer = make_user("province-observer", world.tree.province, Role.OBSERVER)
    response = page(client, observer, region_url(world.tree.province))
    assert response.status_code == 200
    assert [name in text(response) for name in ("示范县", "邻县", "远县")] == [True, True, True]


def test_a_page_of_the_wrong_kind_is_not_found(client: Client, world: World, users: dict[str, User]) -> None:
    supervisor = users[Role.SUPERVISOR]
    assert page(client, supervisor, county_url(world.tree.school)).status_code == 404
    assert page(client, supervisor, school_url(world.tree.county)).status_code == 404
    assert page(client, supervisor, region_url(world.tree.county)).status_code == 404


@pytest.mark.parametrize("url_of", [county_url, school_url, indicator_url])
def test_anonymous_visitors_are_sent_to_log_in(
    client: Client, world: World, url_of: Callable[[Organisation], str]
) -> None:
    target = world.tree.school if url_of is school_url else world.tree.county
    response = page(client, None, url_of(target))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- the county page ----------------------------------------------------------------------------------


def test_the_county_page_gives_the_verdict_with_its_reasons(
    client: Client, world: World, users: dict[str, User]
) -> None:
    response = page(client, users[Role.COUNTY_OFFICE], county_url(world.tree.county))
    body = text(response)
    assert "示范县 2025 年 资源配置：未通过" in body
    assert "未达标学校 1 所；差异系数超过限值的指标 0 项；不参与计算学校 1 所" in body
    assert "本年度 4 所学校中已提交 2 所（其中已审核 1 所）" in body


def test_the_county_page_shows_the_engines_coefficient_to_three_decimals(
    client: Client, world: World, users: dict[str, User]
) -> None:
    # X = 5.0 (200 students) and 3.0 (300): mean 3.8, S = sqrt((200·1.2² + 300·0.8²) / 500) = 0.9798
    _, evaluation = services.evaluate_county(user=users[Role.SUPERVISOR], county_id=world.tree.county.pk, year=2025)
    cv = evaluation.levels.filter(indicator="L1", level="primary")["cv"].item()
    assert cv == pytest.approx(0.9797959 / 3.8)
    response = page(client, users[Role.SUPERVISOR], county_url(world.tree.county))
    row = re.search(r"每百名学生拥有高于规定学历教师数</a></td>(.*?)</tr>", text(response), re.S)
    assert row is not None
    cells = re.findall(r'<td class="num">(?:<a [^>]*>)?([^<]*)', row.group(1))
    assert cells == ["3.800 人", f"{cv:.3f}", "0.50"] == ["3.800 人", "0.258", "0.50"]


def test_the_coefficient_chart_draws_the_engines_values_against_the_limit(
    client: Client, world: World, users: dict[str, User]
) -> None:
    option = chart(page(client, users[Role.SUPERVISOR], county_url(world.tree.county)), "cv-primary")
    series = option["series"][0]
    assert series["markLine"]["data"][0]["yAxis"] == 0.5
    assert [point["value"] for point in series["data"]] == [0.258, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert series["data"][0]["url"] == indicator_url(world.tree.county)
    assert series["data"][0]["tip"] == "小学 每百名学生拥有高于规定学历教师数 差异系数 0.258，未超过限值 0.50"


def test_an_undefined_coefficient_is_said_to_be_undefined_never_zero(
    client: Client, world: World, users: dict[str, User]
) -> None:
    body = text(page(client, users[Role.SUPERVISOR], county_url(world.tree.county, 2023)))
    row = re.search(r"每百名学生拥有县级以上骨干教师数</a></td>(.*?)</tr>", body, re.S)
    assert row is not None
    assert "无定义" in row.group(1)
    assert "均值为 0，差异系数无定义" in row.group(1)
    assert "小学 每百名学生拥有县级以上骨干教师数 均值为 0，差异系数无定义" in body  # among the reasons


def test_a_coefficient_within_the_margin_of_its_limit_is_flagged(
    client: Client, world: World, users: dict[str, User]
) -> None:
    # equal enrolments, 9.0 and 3.0016 ㎡ per student: CV = 5.9984 ÷ 12.0016 = 0.49980, 0.0002 under 0.50
    store(world.tree.foreign_school, 2022, **figures(100, teaching_aux_area_m2=900.0))
    store(
        school("邻县第二小学", "4521020002", world.tree.other_county), 2022, **figures(100, teaching_aux_area_m2=300.16)
    )
    response = page(client, users[Role.SUPERVISOR], county_url(world.tree.other_county, 2022))
    row = re.search(
        r'<tr class="(\w*)">\s*<td><a [^>]*>生均教学及辅助用房面积</a></td>(.*?)</tr>', text(response), re.S
    )
    assert row is not None
    assert row.group(1) == "warn"
    assert '<a href="' in row.group(2) and ">0.500</a>" in row.group(2)
    assert "<td>达标</td>" in row.group(2)
    assert "距限值不足 0.0005，请复核" in row.group(2)
    point = chart(response, "cv-primary")["series"][0]["data"][3]
    assert point["itemStyle"]["color"] == "#b26a00"
    assert point["tip"].endswith("未超过限值 0.50（距限值不足 0.0005，请复核）")


def test_the_county_page_lists_failing_schools_with_shortfalls_in_natural_units(
    client: Client, world: World, users: dict[str, User]
) -> None:
    body = text(page(client, users[Role.SUPERVISOR], county_url(world.tree.county)))
    failing = body[body.index('id="failing"') : body.index('id="excluded"')]
    assert f'href="{school_url(world.tree.other_school)}">示范县第二小学' in failing
    assert "实验小学" not in failing
    # 4.2 × 300 ÷ 100 = 12.6 teachers needed, 9 held: 4 more; the floor 3.57 needs 10.71: 2 more
    assert "还差 4 名高于规定学历教师；达到基本值还差 2 名高于规定学历教师" in failing


def test_the_county_page_lists_excluded_schools_with_the_reason(
    client: Client, world: World, users: dict[str, User]
) -> None:
    body = text(page(client, users[Role.SUPERVISOR], county_url(world.tree.county)))
    excluded = body[body.index('id="excluded"') : body.index('id="trend"')]
    assert "示范县山村教学点" in excluded
    assert "教学点在校生 30 人，少于 50 人，不参与计算" in excluded
    assert "示范县第三小学" not in body  # an unfilled record is not data


def test_the_county_page_has_the_verdict_of_every_year_and_the_trend(
    client: Client, world: World, users: dict[str, User]
) -> None:
    response = page(client, users[Role.SUPERVISOR], county_url(world.tree.county))
    trend = text(response)[text(response).index('id="trend"') :]
    verdicts = re.findall(r'<td class="(good|bad)">(通过|未通过)</td>', trend)
    assert verdicts == [("bad", "未通过"), ("good", "通过"), ("bad", "未通过")]  # 2023, 2024, 2025
    option = chart(response, "trend-primary")
    assert option["xAxis"]["data"] == ["2023", "2024", "2025"]
    backbone = option["series"][1]
    assert [p["value"] for p in backbone["data"]] == [None, 0.0, 0.0]
    assert [p["value"] for p in option["series"][0]["data"]] == [0.0, 0.0, 0.258]


def test_the_year_selector_offers_the_years_with_data_and_defaults_to_the_latest(
    client: Client, world: World, users: dict[str, User]
) -> None:
    body = text(page(client, users[Role.SUPERVISOR], county_url(world.tree.county, None)))
    assert re.findall(r'<option value="(\d+)"( selected)?>', body) == [
        ("2023", ""),
        ("2024", ""),
        ("2025", " selected"),
    ]
    assert "示范县 2025 年 资源配置：未通过" in body


def test_a_round_opened_empty_is_not_a_year_with_data_until_a_figure_is_entered(
    client: Client, world: World, users: dict[str, User]
) -> None:
    def offered(url: str) -> list[str]:
        return re.findall(r'<option value="(\d+)"', text(page(client, users[Role.SUPERVISOR], url)))

    empty = SchoolRecord.objects.create(school=world.tree.school, year=2026)  # a round opened: no figure yet
    assert offered(county_url(world.tree.county, None)) == ["2023", "2024", "2025"]
    assert offered(region_url(world.tree.city)) == ["2023", "2024", "2025"]
    SchoolRecord.objects.filter(pk=empty.pk).update(**figures(300))
    assert offered(county_url(world.tree.county, None)) == ["2023", "2024", "2025", "2026"]
    assert offered(region_url(world.tree.city)) == ["2023", "2024", "2025", "2026"]


def test_a_year_without_data_says_so_and_a_malformed_year_is_not_found(
    client: Client, world: World, users: dict[str, User]
) -> None:
    supervisor = users[Role.SUPERVISOR]
    body = text(page(client, supervisor, county_url(world.tree.county, 2030)))
    assert "2030 年尚无已填报的数据" in body
    assert "资源配置：" not in body
    assert (
        page(client, supervisor, reverse("dashboards:county", args=[world.tree.county.pk]) + "?year=x").status_code
        == 400
    )


def test_a_county_under_the_basic_2012_standard_is_judged_on_its_composites(
    client: Client, world: World, users: dict[str, User]
) -> None:
    county = world.tree.other_county
    county.standard = "basic-2012"
    county.save()
    basic = {"computers": 20, "books": 3000, "full_time_teachers_primary": 8, "mid_title_teachers_primary": 4}
    store(world.tree.foreign_school, 2022, **(figures(150) | basic))
    store(school("邻县第二小学", "4521020002", county), 2022, **(figures(100) | basic | {"books": 500}))
    supervisor = users[Role.SUPERVISOR]
    body = text(page(client, supervisor, county_url(county, 2022)))
    assert "邻县 2022 年 资源配置：" in body
    assert "小学 综合差异系数 " in body
    assert "综合差异系数超过限值的学段" in body
    assert "未达标学校" not in body  # basic-2012 has no school rule
    assert page(client, supervisor, school_url(world.tree.foreign_school, 2022)).status_code == 200
    assert page(client, supervisor, region_url(world.tree.city, 2022)).status_code == 200


# --- the drill-down behind a coefficient --------------------------------------------------------------


def test_the_drill_down_lists_the_schools_behind_a_coefficient_with_their_values(
    client: Client, world: World, users: dict[str, User]
) -> None:
    response = page(client, users[Role.COUNTY_OFFICE], indicator_url(world.tree.county))
    body = text(response)
    assert "小学 每百名学生拥有高于规定学历教师数 差异系数 0.258，未超过限值 0.50" in body
    rows = re.findall(r'<tr class="(bad)?">\s*<td data-value="([^"]+)"><a href="([^"]+)">.*?</tr>', body, re.S)
    # lowest value first; the teaching point is left out, as in the coefficient
    assert rows == [
        ("bad", "示范县第二小学", school_url(world.tree.other_school)),
        ("", "示范县实验小学", school_url(world.tree.school)),
    ]
    assert [cell for cell in re.findall(r'<td class="num" data-value="[^"]*">([^<]*)</td>', body)] == [
        *("300", "9", "3.000 人"),
        *("200", "10", "5.000 人"),
    ]
    assert chart(response, "indicator-schools")["series"][0]["markLine"]["data"][0]["yAxis"] == 4.2


def test_the_drill_down_writes_money_to_the_fen_and_values_to_three_decimals_in_every_row(
    client: Client, world: World, users: dict[str, User]
) -> None:
    """Issue 12 §6: one column, one number of decimals (600,000.00 元, never "600,000" beside "1,293,317.87")."""
    body = text(page(client, users[Role.COUNTY_OFFICE], indicator_url(world.tree.county, indicator="L6")))
    cells = re.findall(r'<td class="num" data-value="[^"]*">([^<]*)</td>', body)
    assert sorted(zip(cells[::3], cells[1::3], cells[2::3], strict=True)) == [
        ("200", "400,000.00", "2,000.000 元"),
        ("300", "600,000.00", "2,000.000 元"),
    ]


def test_the_drill_down_of_an_unknown_level_or_indicator_is_not_found(
    client: Client, world: World, users: dict[str, User]
) -> None:
    supervisor = users[Role.SUPERVISOR]
    assert page(client, supervisor, indicator_url(world.tree.county, indicator="L9")).status_code == 404
    assert page(client, supervisor, indicator_url(world.tree.county, level="senior")).status_code == 404


# --- the school page ----------------------------------------------------------------------------------


def test_the_school_page_shows_its_values_against_thresholds_and_floors(
    client: Client, world: World, users: dict[str, User]
) -> None:
    response = page(client, users[Role.COUNTY_OFFICE], school_url(world.tree.other_school))
    body = text(response)
    assert "未达标：1 项低于基本值（达标值的 85%）：每百名学生拥有高于规定学历教师数" in body
    row = re.search(r"<td>每百名学生拥有高于规定学历教师数</td>(.*?)</tr>", body, re.S)
    assert row is not None
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1)) == [
        "3.57",
        "4.2",
        "3.000 人",
        "未达标",
        "还差 4 名高于规定学历教师；达到基本值还差 2 名高于规定学历教师",
    ]
    assert "基本值（85%）" in body
    values = chart(response, "values-primary")["series"][0]
    assert values["data"][0]["value"] == round(3.0 / 4.2 * 100, 1)
    assert [line["yAxis"] for line in values["markLine"]["data"]] == [100.0, 85.0]


def test_the_school_page_shows_its_history_and_links_to_its_record(
    client: Client, world: World, users: dict[str, User]
) -> None:
    clerk = users[Role.CLERK]
    body = text(page(client, clerk, school_url(world.tree.school)))
    assert "示范县 2025 年" not in body
    history = body[body.index('id="history"') :]
    assert re.findall(r'<th class="num"><a href="\?year=(\d+)">', history) == ["2023", "2024", "2025"]
    assert f'href="{reverse("collection:school", args=[world.tree.school.pk])}?year=2025"' in body
    # the clerk does not reach the county, so its name is not a link
    assert f'href="{county_url(world.tree.county)}"' not in body


def test_the_school_page_of_an_excluded_school_gives_the_reason(
    client: Client, world: World, users: dict[str, User]
) -> None:
    body = text(page(client, users[Role.SUPERVISOR], school_url(world.teaching_point)))
    assert "2025 年不参与资源配置评估" in body
    assert "教学点在校生 30 人，少于 50 人，不参与计算" in body


# --- the city and province page -----------------------------------------------------------------------


def test_the_city_page_has_every_county_with_verdict_worst_coefficient_failures_and_progress(
    client: Client, world: World, users: dict[str, User]
) -> None:
    body = text(page(client, users[Role.OBSERVER], region_url(world.tree.city)))
    rows = re.findall(r"<tr>\s*(<td.*?)</tr>", body, re.S)
    cells = [re.findall(r"<td[^>]*>(?:<a [^>]*>)?([^<]*)", row) for row in rows]
    assert cells == [
        [
            "示范县",
            "未通过",
            "小学 每百名学生拥有高于规定学历教师数 差异系数 0.258，未超过限值 0.50",
            "2",
            "1",
            "2 / 4",
        ],
        ["邻县", "通过", "小学 每百名学生拥有高于规定学历教师数 差异系数 0.000，未超过限值 0.50", "1", "0", "1 / 1"],
    ]
    assert f'href="{county_url(world.tree.county)}"' in body
    assert "远县" not in body


def test_the_city_page_of_a_year_without_data_lists_the_counties_without_figures(
    client: Client, world: World, users: dict[str, User]
) -> None:
    body = text(page(client, users[Role.OBSERVER], region_url(world.tree.city, 2030)))
    rows = re.findall(r"<tr>\s*(<td.*?)</tr>", body, re.S)
    cells = [re.findall(r"<td[^>]*>(?:<a [^>]*>)?([^<]*)", row) for row in rows]
    assert cells == [["示范县", "—", "—", "0", "—", "未发布填报任务"], ["邻县", "—", "—", "0", "—", "未发布填报任务"]]
    assert "2030 年尚无已填报的数据" in body


def test_the_city_page_evaluates_all_its_counties_in_one_call(
    client: Client, world: World, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[set[str]] = []

    def counted(table: pl.DataFrame, standard: Standard) -> Evaluation:
        calls.append(set(table["county"].to_list()))
        return evaluate(table, standard)

    monkeypatch.setattr(region_kept, "evaluate", counted)
    assert page(client, users[Role.OBSERVER], region_url(world.tree.city)).status_code == 200
    assert calls == [{str(world.tree.county.pk), str(world.tree.other_county.pk)}]


def test_the_city_page_columns_sort_by_the_figures(client: Client, world: World, users: dict[str, User]) -> None:
    body = text(page(client, users[Role.OBSERVER], region_url(world.tree.city)))
    assert re.findall(r'<th data-sort="(\w+)"', body) == ["text", "text", "number", "number", "number", "number"]
    # the worst coefficient sorts by its margin over the limit, progress by the share handed in
    assert 'data-value="-0.242159"' in body  # 0.257841 − 0.50
    assert 'data-value="0.500000"' in body


# --- home ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "name", "target"),
    [
        (Role.CLERK, "dashboards:school", "school"),
        (Role.COUNTY_OFFICE, "dashboards:county", "county"),
        (Role.SUPERVISOR, "dashboards:region", "city"),
    ],
)
def test_home_links_to_the_dashboard_of_each_membership(
    client: Client, world: World, users: dict[str, User], role: str, name: str, target: str
) -> None:
    body = text(page(client, users[role], reverse("home")))
    assert f'href="{reverse(name, args=[_target(world, target).pk])}?year=2025"' in body


# --- queries ------------------------------------------------------------------------------------------


def _grow(world: World, schools: int, years: tuple[int, ...]) -> None:
    """Add `schools` filled schools to each county of the city, in each of `years`."""
    for county in (world.tree.county, world.tree.other_county):
        for i in range(schools):
            added = school(f"{county.name}新校{i}", f"{county.code}9{i:03d}", county)
            for year in years:
                store(added, year, **figures(100 + i, sports_area_m2=float(500 + 30 * i)))


@pytest.mark.parametrize(
    ("url_of", "target", "queries", "shows"),
    [
        # 6, the data versions, and the database cache (junheng.web.caches): 1 read, 5 to keep each of the
        # county's 3 years (each year's evaluation is kept apart, so a write makes its year alone again)
        (county_url, "county", 7 + 1 + 5 * 3, "小学：学校 152 所"),
        (indicator_url, "county", 7, "示范县新校149"),
        (school_url, "school", 7, "示范县实验小学"),
        # 8, the region's ancestors (breadcrumbs); its years kept (versions, read, 5 to keep; to find them,
        # each county's years: read, one query and 5 to keep for each of the 2, none once kept); its
        # counties' figures: the cache read, and 5 to keep each of its 2
        (region_url, "city", 9 + (1 + 1 + 5) + (1 + 2 + 5 * 2) + 5 * 2, '<td class="num">152</td>'),
    ],
)
def test_a_page_costs_the_same_few_queries_for_many_schools(
    client: Client,
    world: World,
    users: dict[str, User],
    django_assert_num_queries: DjangoAssertNumQueries,
    url_of: Callable[[Organisation], str],
    target: str,
    queries: int,
    shows: str,
) -> None:
    """Session, user, memberships, the organisation, its ancestors, then the years and the records.

    The school page asks once more whether the user reaches the county, to link to it.
    """
    _grow(world, 150, (2024, 2025))
    client.force_login(users[Role.SUPERVISOR])
    with django_assert_num_queries(queries):
        response = client.get(url_of(_target(world, target)))
    assert response.status_code == 200
    assert shows in text(response)


def test_the_figures_are_fresh_after_every_change(client: Client, world: World, users: dict[str, User]) -> None:
    supervisor = users[Role.SUPERVISOR]
    assert "示范县 2025 年 资源配置：未通过" in text(page(client, supervisor, county_url(world.tree.county)))
    record = SchoolRecord.objects.get(school=world.tree.other_school, year=2025)
    record.teachers_above_degree_primary = 15  # type: ignore[attr-defined]
    record.save()
    assert "示范县 2025 年 资源配置：通过" in text(page(client, supervisor, county_url(world.tree.county)))


def test_a_page_seen_again_reuses_its_evaluation(
    client: Client, world: World, users: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    supervisor = users[Role.SUPERVISOR]
    client.force_login(supervisor)
    first = text(client.get(county_url(world.tree.county)))
    # session, user, memberships, county, its ancestors, data version, the kept evaluation (database cache)
    with django_assert_max_num_queries(7):
        again = text(client.get(county_url(world.tree.county)))
    unmasked = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')  # masked anew for every response
    assert unmasked.sub("", again) == unmasked.sub("", first)
