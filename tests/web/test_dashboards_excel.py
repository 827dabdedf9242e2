"""The dashboards' "导出 Excel" (issue 12 §5): each file holds the numbers its page prints, as numbers with
units and formats, and answers every role exactly as its page does."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from junheng.web.orgs.models import Role
from tests.web.test_dashboards import (
    CASES,
    PAGES,
    World,
    _target,
    county_url,
    figures,
    indicator_url,
    page,
    region_url,
    school,
    school_url,
    store,
    text,
    world,
)
from tests.web.xlsx_pages import body, column, header, number_format, sheets

__all__ = ["world"]  # the fixture, shared with the pages' tests


def excel_url(page_url: str) -> str:
    """The export of a page: the page's URL with excel/ before its query."""
    path, _, query = page_url.partition("?")
    return f"{path}excel/?{query}"


@pytest.mark.parametrize(("page_name", "role", "target"), CASES)
def test_each_export_answers_as_its_page_does(
    client: Client, world: World, users: dict[str, User], page_name: str, role: str, target: str
) -> None:
    _, url = PAGES[page_name]
    page_url = url(_target(world, target))
    expected = page(client, users[role], page_url).status_code
    assert client.get(excel_url(page_url)).status_code == expected


def test_every_dashboard_links_to_its_export(client: Client, world: World, users: dict[str, User]) -> None:
    supervisor = users[Role.SUPERVISOR]
    for targets, url in PAGES.values():
        page_url = url(_target(world, targets[0]))
        assert excel_url(page_url).replace("&", "&amp;") in text(page(client, supervisor, page_url))


def test_the_county_export_holds_the_coefficients_as_the_page_prints_them(
    client: Client, world: World, users: dict[str, User]
) -> None:
    client.force_login(users[Role.SUPERVISOR])
    response = client.get(excel_url(county_url(world.tree.county)))
    found = sheets(response, "示范县2025年资源配置看板.xlsx")
    assert list(found) == ["差异系数", "未达标学校", "不参与计算的学校", "历年变化"]
    cvs = found["差异系数"]
    assert header(cvs) == ["学段", "指标", "均值", "均值单位", "差异系数", "限值", "是否达标", "提示"]
    # the page: 3.8 人, 0.258, 0.50 (test_the_county_page_shows_the_engines_coefficient_to_three_decimals)
    assert body(cvs)[0][:7] == ["小学", "每百名学生拥有高于规定学历教师数", 3.8, "人", 0.258, 0.5, "达标"]
    assert number_format(cvs, "差异系数") == "#,##0.000"
    assert number_format(cvs, "限值") == "#,##0.00"
    assert number_format(cvs, "均值") == "#,##0.000"
    failing = found["未达标学校"]
    assert header(failing) == ["学校", "学校标识码", "学段", "在校生数（人）", "原因", "差额"]
    assert body(failing)[0][:4] == ["示范县第二小学", "4521010002", "小学", 300]
    assert "还差 4 名高于规定学历教师；达到基本值还差 2 名高于规定学历教师" in body(failing)[0][5]
    assert column(found["不参与计算的学校"], "学校") == ["示范县山村教学点"]
    assert body(found["历年变化"]) == [[2023, "未通过"], [2024, "通过"], [2025, "未通过"]]


def test_an_undefined_coefficient_is_exported_as_the_words_the_page_shows(
    client: Client, world: World, users: dict[str, User]
) -> None:
    client.force_login(users[Role.SUPERVISOR])
    cvs = sheets(client.get(excel_url(county_url(world.tree.county, 2023))), "示范县2023年资源配置看板.xlsx")
    row = next(r for r in body(cvs["差异系数"]) if r[1] == "每百名学生拥有县级以上骨干教师数")
    assert (row[4], row[7]) == ("无定义", "均值为 0，差异系数无定义")


def test_the_drill_down_export_lists_each_schools_resource_and_value(
    client: Client, world: World, users: dict[str, User]
) -> None:
    client.force_login(users[Role.COUNTY_OFFICE])
    response = client.get(excel_url(indicator_url(world.tree.county)))
    [sheet] = sheets(response, "示范县2025年小学每百名学生拥有高于规定学历教师数各校数据.xlsx").values()
    assert header(sheet) == [
        "学校",
        "学校标识码",
        "在校生数（人）",
        "高于规定学历教师（名）",
        "实际值（人）",
        "是否达标",
    ]
    # the page: 300, 9, 3 人 未达标; 200, 10, 5 人 达标 (lowest value first)
    assert body(sheet) == [
        ["示范县第二小学", "4521010002", 300, 9, 3, "未达标"],
        ["示范县实验小学", "4521010001", 200, 10, 5, "达标"],
    ]
    assert number_format(sheet, "在校生数（人）") == "#,##0"
    assert number_format(sheet, "高于规定学历教师（名）") == "#,##0.00"
    assert number_format(sheet, "实际值（人）") == "#,##0.000"


def test_the_region_export_compares_the_counties_as_the_page_does(
    client: Client, world: World, users: dict[str, User]
) -> None:
    client.force_login(users[Role.OBSERVER])
    page_rows = page(client, None, region_url(world.tree.city)).context["rows"]
    [sheet] = sheets(client.get(excel_url(region_url(world.tree.city))), "示范市2025年各县区资源配置.xlsx").values()
    assert header(sheet) == [
        "县区",
        "资源配置",
        "差异系数最接近或超过限值的指标",
        "参评学校（所）",
        "未达标学校（所）",
        "已提交记录（份）",
        "全部记录（份）",
        "填报进度",
    ]
    assert [r[:5] for r in body(sheet)] == [
        [r.name, r.verdict, r.worst, r.schools, r.failing_schools] for r in page_rows
    ]
    demo = body(sheet)[0]
    assert demo[0] == "示范县"
    assert demo[5:] == [2, 4, 0.5]  # the page: 2 / 4
    assert number_format(sheet, "填报进度") == "#,##0.0%"


def test_the_school_export_holds_its_values_against_thresholds_and_floors(
    client: Client, world: World, users: dict[str, User]
) -> None:
    client.force_login(users[Role.COUNTY_OFFICE])
    found = sheets(client.get(excel_url(school_url(world.tree.other_school))), "示范县第二小学2025年学校看板.xlsx")
    values = found["2025年各项指标"]
    assert header(values) == ["学段", "指标", "单位", "基本值（85%）", "达标值", "实际值", "是否达标", "差额"]
    # the page: 3.57, 4.2, 3 人, 未达标, 还差 4 名…
    assert body(values)[0] == [
        "小学",
        "每百名学生拥有高于规定学历教师数",
        "人",
        3.57,
        4.2,
        3,
        "未达标",
        "还差 4 名高于规定学历教师；达到基本值还差 2 名高于规定学历教师",
    ]
    assert number_format(values, "实际值") == "#,##0.000"
    assert (number_format(values, "基本值（85%）"), number_format(values, "达标值")) == ("#,##0.00", "#,##0.0")
    history = found["历年数据"]
    assert header(history)[3:] == ["2023年", "2024年", "2025年"]


def test_an_export_of_a_year_without_figures_is_not_found(client: Client, world: World, users: dict[str, User]) -> None:
    client.force_login(users[Role.SUPERVISOR])
    assert client.get(excel_url(county_url(world.tree.county, 2030))).status_code == 404
    assert client.get(reverse("dashboards:county_excel", args=[world.tree.county.pk]) + "?year=x").status_code == 400


def test_a_basic_2012_county_exports_its_composites(client: Client, world: World, users: dict[str, User]) -> None:
    county = world.tree.other_county
    county.standard = "basic-2012"
    county.save()
    basic = {"computers": 20, "books": 3000, "full_time_teachers_primary": 8, "mid_title_teachers_primary": 4}
    store(world.tree.foreign_school, 2022, **(figures(150) | basic))
    store(school("邻县第二小学", "4521020002", county), 2022, **(figures(100) | basic | {"books": 500}))
    client.force_login(users[Role.SUPERVISOR])
    shown = text(page(client, None, county_url(county, 2022)))
    found = sheets(client.get(excel_url(county_url(county, 2022))), "邻县2022年资源配置看板.xlsx")
    [[level, composite, limit, met]] = body(found["综合差异系数"])
    assert f"小学 综合差异系数 {composite:.3f}，" in shown
    assert (level, limit, met) == ("小学", 0.65, "达标" if "未超过限值 0.65" in shown else "未达标")
    assert number_format(found["综合差异系数"], "综合差异系数") == "#,##0.000"
