"""The groups page in Excel (issue 12 §5): groups, pairings, the Theil split and the balance over the years
as the page shows them, figures as numbers; the file answered as the page is."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from junheng.web.groups.models import Group, GroupType, Pairing, ScorecardItem
from junheng.web.orgs.models import Role
from tests.web.conftest import Tree
from tests.web.test_groups import YEAR, _client, third, world
from tests.web.xlsx_pages import body, column, header, number_format, sheets

__all__ = ["third", "world"]  # the fixtures, shared with the page's tests


def test_the_groups_export_holds_the_groups_pairings_and_the_theil_split(
    world: Group, tree: Tree, users: dict[str, User]
) -> None:
    Pairing.objects.create(
        county=tree.county, helper=tree.school, helped=tree.other_school, start=datetime.date(2025, 2, 1), goals="-送教"
    )
    client = _client(users[Role.OBSERVER])
    page = client.get(reverse("groups:county", args=[tree.county.pk]), {"year": YEAR})
    url = reverse("groups:excel", args=[tree.county.pk]) + f"?year={YEAR}"
    assert url in page.content.decode()
    found = sheets(client.get(url), "示范县集团化办学与结对帮扶.xlsx")
    assert list(found)[:4] == ["教育集团", "结对帮扶", "2025年泰尔指数（集团内外）", "2025年泰尔指数（按集团）"]
    groups = found["教育集团"]
    assert body(groups)[0][:5] == ["城东教育集团", "紧密型", "1+N", None, 3]
    assert number_format(groups, "成员（含已退出）（所）") == "#,##0"
    [pairing] = body(found["结对帮扶"])
    assert pairing == ["示范县实验小学", "示范县第二小学", datetime.datetime(2025, 2, 1), "今", "-送教"]
    theil = found["2025年泰尔指数（集团内外）"]
    assert header(theil) == ["学段", "指标", "泰尔指数 T", "组间", "组内", "组间占比"]
    shown = page.context["grouped_vs_not"]
    assert column(theil, "指标") == [r["indicator_name"] for r in shown]
    assert column(theil, "组间") == [r["between"] for r in shown]
    # 体育运动场馆面积 is the one indicator that differs between the schools
    row = column(theil, "指标").index("体育运动场馆面积") + 2
    assert number_format(theil, "组间", row) == "#,##0.0000"
    assert number_format(theil, "组间占比", row) == "#,##0.0%"
    assert column(theil, "组间占比")[row - 2] == shown[row - 2]["between_share"]


def test_a_groups_export_holds_its_members_coefficients_and_activities(
    world: Group, tree: Tree, users: dict[str, User]
) -> None:
    client = _client(users[Role.SUPERVISOR])
    page = client.get(reverse("groups:group", args=[world.pk]), {"year": YEAR})
    url = reverse("groups:group_excel", args=[world.pk]) + f"?year={YEAR}"
    assert url in page.content.decode()
    found = sheets(client.get(url), "示范县2025年城东教育集团.xlsx")
    assert list(found) == [
        "成员",
        "成员与核心校对比",
        "教师共享与交流",
        "集团内差异系数",
        "核心校与成员校差距",
        "活动记录",
    ]
    assert body(found["成员"]) == [
        ["示范县实验小学", "核心校", datetime.datetime(2024, 9, 1), None],
        ["示范县第二小学", "薄弱校", datetime.datetime(2024, 9, 1), datetime.datetime(2025, 6, 30)],
        ["示范县第三小学", "乡村校区", datetime.datetime(2025, 3, 1), None],
    ]
    within = found["集团内差异系数"]
    shown = {r["indicator_name"]: r for r in page.context["within"]}
    row = column(within, "指标").index("体育运动场馆面积") + 2
    assert within.cell(row, 6).value == shown["体育运动场馆面积"]["cv"]
    assert column(within, "学生数（人）")[row - 2] == shown["体育运动场馆面积"]["students"] == 300
    assert number_format(within, "差异系数", row) == "#,##0.000"


@pytest.mark.parametrize("role", [Role.CLERK, Role.COUNTY_OFFICE, Role.SUPERVISOR, Role.OBSERVER])
def test_the_groups_export_answers_as_the_groups_page(tree: Tree, users: dict[str, User], role: str) -> None:
    client: Client = _client(users[role])
    for county in (tree.county, tree.other_county):
        page = client.get(reverse("groups:county", args=[county.pk])).status_code
        assert client.get(reverse("groups:excel", args=[county.pk])).status_code == page
    group = Group.objects.create(
        county=tree.other_county, name="邻县教育集团", type=GroupType.objects.get(name="紧密型")
    )
    page = client.get(reverse("groups:group", args=[group.pk])).status_code
    assert client.get(reverse("groups:group_excel", args=[group.pk])).status_code == page


def test_the_scorecard_exports_items_and_each_groups_scores(world: Group, tree: Tree, users: dict[str, User]) -> None:
    ScorecardItem.objects.create(
        county=tree.county, name="满意度", source="manual", weight=Decimal(4), rule="threshold", target=Decimal(1)
    )
    activities = ScorecardItem.objects.create(
        county=tree.county, name="活动", source="activities", weight=Decimal(1), rule="threshold", target=Decimal(1)
    )
    client = _client(users[Role.OBSERVER])
    page = client.get(reverse("groups:scorecard", args=[tree.county.pk]))
    url = reverse("groups:scorecard_excel", args=[tree.county.pk]) + f"?year={YEAR}"
    assert url in page.content.decode()
    found = sheets(client.get(url), "示范县2025年集团捆绑考核.xlsx")
    assert column(found["考核项目"], "权重") == [4, float(activities.weight)]
    scores = found["各集团得分"]
    assert header(scores) == [
        "教育集团",
        "总分",
        "已计权重",
        "全部权重",
        "满意度得分",
        "满意度数值",
        "活动得分",
        "活动数值",
    ]
    # the page: 未取得数据 for 满意度; 0 activities score 0; 1 / 5 of the weight scored
    assert body(scores) == [["城东教育集团", 0, 1, 5, "未取得数据", None, 0, 0]]
    assert number_format(scores, "总分") == "#,##0.0"
    client = _client(users[Role.COUNTY_OFFICE])
    assert client.get(reverse("groups:scorecard_excel", args=[tree.other_county.pk])).status_code == 404
    assert client.get(reverse("groups:scorecard", args=[tree.other_county.pk])).status_code == 404
