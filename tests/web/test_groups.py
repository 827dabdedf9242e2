"""Education groups and pairings on the platform: membership dates, the figures, scope × role (issue 6 §1)."""

from __future__ import annotations

import datetime
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from junheng.engine import evaluate
from junheng.web.collection.models import RECORD_FIELDS, SchoolRecord
from junheng.web.collection.services import standard_for
from junheng.web.collection.tables import county_table
from junheng.web.groups import services
from junheng.web.groups.inputs import GroupDetails, MembershipDetails
from junheng.web.groups.models import Activity, ActivityKind, Group, GroupType, Membership, Pairing
from junheng.web.orgs.models import Organisation, Role
from tests.builders import primary_school
from tests.web.conftest import Tree

YEAR = 2025
FIGURE_KEYS = {f.key for f in RECORD_FIELDS}
Day = datetime.date


def figures(students: int, **overrides: Any) -> dict[str, Any]:
    return {k: v for k, v in primary_school("x", students, **overrides).items() if k in FIGURE_KEYS}


@pytest.fixture
def third(tree: Tree) -> Organisation:
    return Organisation.objects.create(kind="school", name="示范县第三小学", code="4521010003", parent=tree.county)


@pytest.fixture
def world(tree: Tree, third: Organisation) -> Group:
    """示范县 2025: 实验小学 200 students at 12 ㎡ sports ground each, 第二小学 300 at 7.5, 第三小学 100 at 4.

    Group 城东教育集团: 实验小学 core since 2024-09; 第二小学 a member from 2024-09 until 2025-06-30;
    第三小学 a member since 2025-03. On 31 December 2025 the group holds 实验小学 and 第三小学.
    """
    SchoolRecord.objects.create(school=tree.school, year=YEAR, **figures(200, sports_area_m2=200 * 12.0))
    SchoolRecord.objects.create(school=tree.other_school, year=YEAR, **figures(300))
    SchoolRecord.objects.create(school=third, year=YEAR, **figures(100, sports_area_m2=100 * 4.0))
    SchoolRecord.objects.create(school=tree.foreign_school, year=YEAR, **figures(150))
    group = Group.objects.create(
        county=tree.county, name="城东教育集团", type=GroupType.objects.get(county=None, name="紧密型"), form="1+N"
    )
    Membership.objects.create(group=group, school=tree.school, role="core", joined=Day(2024, 9, 1))
    Membership.objects.create(
        group=group, school=tree.other_school, role="weak", joined=Day(2024, 9, 1), left=Day(2025, 6, 30)
    )
    Membership.objects.create(group=group, school=third, role="rural", joined=Day(2025, 3, 1))
    return group


def test_the_issue_examples_are_seeded_as_shared_lists(db: None) -> None:
    assert GroupType.objects.filter(county=None).count() == 10
    assert set(ActivityKind.objects.filter(county=None).values_list("name", flat=True)) >= {"联合教研", "送教"}


def test_membership_dates_decide_who_counts_on_a_day(world: Group) -> None:
    memberships = list(Membership.objects.filter(group=world).select_related("group", "school"))
    codes = {
        day: set(services.memberships_on(memberships, day)["school_id"].to_list())
        for day in (Day(2024, 8, 31), Day(2025, 1, 1), Day(2025, 6, 30), Day(2025, 7, 1))
    }
    assert codes == {
        Day(2024, 8, 31): set(),
        Day(2025, 1, 1): {"4521010001", "4521010002"},
        Day(2025, 6, 30): {"4521010001", "4521010002", "4521010003"},  # the day it leaves still counts
        Day(2025, 7, 1): {"4521010001", "4521010003"},
    }


def test_a_school_in_two_groups_counts_in_the_one_it_joined_first(world: Group, tree: Tree) -> None:
    other = Group.objects.create(
        county=tree.county, name="学区一", type=GroupType.objects.get(county=None, name="学区")
    )
    Membership.objects.create(group=other, school=tree.school, role="member", joined=Day(2025, 1, 1))
    table = services.memberships_on(list(Membership.objects.select_related("group", "school")), Day(2025, 12, 31))
    assert table.filter(pl.col("school_id") == tree.school.code)["group"].to_list() == ["城东教育集团"]


def test_coverage_by_hand_uses_the_members_of_31_december(world: Group, tree: Tree) -> None:
    found = services.analysis(tree.county, YEAR).coverage
    # 实验小学 and 第三小学 of three schools; 200 + 100 of 600 students (the neighbour county not counted)
    assert (found.schools_in_groups, found.schools, found.students_in_groups, found.students) == (2, 3, 300, 600)


def test_within_group_cv_equals_the_engines_cv_on_the_same_schools(world: Group, tree: Tree) -> None:
    within = services.analysis(tree.county, YEAR).within
    members = county_table(tree.county, YEAR).filter(pl.col("school_id").is_in(["4521010001", "4521010003"]))
    alone = evaluate(members, standard_for(tree.county)).levels
    joined = within.join(alone, on=["level", "indicator"])
    assert joined.height == 7
    assert joined["cv"].to_list() == joined["cv_right"].to_list()
    l5 = joined.filter(pl.col("indicator") == "L5").row(0, named=True)
    # 200 at 12 and 100 at 4: mean 28/3, S = sqrt((200·(8/3)² + 100·(16/3)²)/300) = 3.771236…
    assert l5["cv"] == pytest.approx(3.7712361663282534 / (28 / 3))


def test_gaps_and_the_theil_split_add_up(world: Group, tree: Tree) -> None:
    analysis = services.analysis(tree.county, YEAR)
    l5 = analysis.gaps.filter(pl.col("indicator") == "L5").row(0, named=True)
    assert (l5["core"], l5["members"], l5["gap"]) == (pytest.approx(12.0), pytest.approx(4.0), pytest.approx(8.0))
    for table in (analysis.grouped_vs_not, analysis.by_group):
        defined = table.filter(pl.col("total").is_not_null())
        assert defined.height == 7
        for row in defined.iter_rows(named=True):
            assert row["total"] == pytest.approx(row["between"] + row["within"], abs=1e-12)


# Pages and scope ---------------------------------------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_county_office_and_readers_above_see_the_pages(world: Group, tree: Tree, users: dict[str, User]) -> None:
    for role in (Role.COUNTY_OFFICE, Role.SUPERVISOR, Role.OBSERVER):
        client = _client(users[role])
        page = client.get(reverse("groups:county", args=[tree.county.pk]))
        assert page.status_code == 200
        assert "城东教育集团" in page.content.decode()
        assert "集团内学校 <strong>2</strong> / 3 所" in page.content.decode()
        group_page = client.get(reverse("groups:group", args=[world.pk]))
        assert group_page.status_code == 200
        assert ("新建教育集团" in page.content.decode()) is (role == Role.COUNTY_OFFICE)


def test_the_group_page_shows_the_within_group_cv(world: Group, users: dict[str, User]) -> None:
    html = _client(users[Role.OBSERVER]).get(reverse("groups:group", args=[world.pk])).content.decode()
    assert f'<td class="num cv">{3.7712361663282534 / (28 / 3):.3f}</td>' in html
    assert "示范县第二小学" in html and "2025-06-30" in html


def test_foreign_or_unreachable_groups_are_404(world: Group, tree: Tree, users: dict[str, User]) -> None:
    foreign = Group.objects.create(county=tree.other_county, name="邻县集团", type=world.type)
    office = _client(users[Role.COUNTY_OFFICE])
    assert office.get(reverse("groups:group", args=[foreign.pk])).status_code == 404
    assert office.get(reverse("groups:county", args=[tree.other_county.pk])).status_code == 404
    assert office.post(reverse("groups:new", args=[tree.other_county.pk]), {}).status_code == 404
    clerk = _client(users[Role.CLERK])  # a school's clerk does not reach the county
    assert clerk.get(reverse("groups:county", args=[tree.county.pk])).status_code == 404
    assert clerk.get(reverse("groups:group", args=[world.pk])).status_code == 404


def _group_post(tree: Tree, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "type": GroupType.objects.get(county=None, name="联盟").pk,
        "form": "1+N+X",
        "lead_school": tree.school.pk,
        "recognition": "city",
        "recognition_year": "2024",
    }


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.OBSERVER])
def test_readers_cannot_write(role: Role, world: Group, tree: Tree, users: dict[str, User]) -> None:
    client = _client(users[role])
    kind = ActivityKind.objects.get(county=None, name="送教").pk
    posts = [
        (reverse("groups:new", args=[tree.county.pk]), _group_post(tree, "新集团")),
        (reverse("groups:edit", args=[world.pk]), _group_post(tree, "改名")),
        (
            reverse("groups:new_member", args=[world.pk]),
            {"school": tree.other_school.pk, "role": "member", "joined": "2026-01-01"},
        ),
        (reverse("groups:group_activity", args=[world.pk]), {"date": "2025-10-10", "kind": kind}),
        (
            reverse("groups:new_pairing", args=[tree.county.pk]),
            {"helper": tree.school.pk, "helped": tree.other_school.pk, "start": "2025-09-01"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Group.objects.count() == 1 and Group.objects.get().name == "城东教育集团"
    assert (Membership.objects.count(), Activity.objects.count(), Pairing.objects.count()) == (3, 0, 0)
    with pytest.raises(PermissionDenied):
        services.save_group(user=users[role], county_id=tree.county.pk, details=GroupDetails(name="x", type=world.type))


def test_the_county_office_creates_and_edits(world: Group, tree: Tree, users: dict[str, User]) -> None:
    client = _client(users[Role.COUNTY_OFFICE])
    response = client.post(reverse("groups:new", args=[tree.county.pk]), _group_post(tree, "城西教育联盟"))
    created = Group.objects.get(name="城西教育联盟")
    assert response.status_code == 302
    assert (created.county, created.form, created.lead_school, created.recognition_year) == (
        tree.county,
        "1+N+X",
        tree.school,
        2024,
    )
    client.post(
        reverse("groups:new_member", args=[created.pk]),
        {"school": tree.other_school.pk, "role": "weak", "joined": "2025-09-01"},
    )
    member = Membership.objects.get(group=created)
    client.post(
        reverse("groups:member", args=[created.pk, member.pk]),
        {"school": tree.other_school.pk, "role": "weak", "joined": "2025-09-01", "left": "2026-01-31"},
    )
    assert Membership.objects.get(pk=member.pk).left == Day(2026, 1, 31)
    kind = ActivityKind.objects.get(county=None, name="同课异构").pk
    client.post(
        reverse("groups:group_activity", args=[created.pk]), {"date": "2025-10-10", "kind": kind, "note": "语文"}
    )
    client.post(
        reverse("groups:new_pairing", args=[tree.county.pk]),
        {"helper": tree.school.pk, "helped": tree.other_school.pk, "start": "2025-09-01", "goals": "2025：共建教研组"},
    )
    pairing = Pairing.objects.get()
    client.post(reverse("groups:pairing_activity", args=[pairing.pk]), {"date": "2025-11-01", "kind": kind})
    assert [(a.group_id, a.pairing_id) for a in Activity.objects.order_by("date")] == [
        (created.pk, None),
        (None, pairing.pk),
    ]


def test_forms_refuse_schools_of_another_county_and_bad_dates(world: Group, tree: Tree, users: dict[str, User]) -> None:
    client = _client(users[Role.COUNTY_OFFICE])
    url = reverse("groups:new_member", args=[world.pk])
    foreign = client.post(url, {"school": tree.foreign_school.pk, "role": "member", "joined": "2025-09-01"})
    backwards = client.post(
        url, {"school": tree.other_school.pk, "role": "member", "joined": "2025-09-01", "left": "2025-08-01"}
    )
    same = client.post(
        reverse("groups:new_pairing", args=[tree.county.pk]),
        {"helper": tree.school.pk, "helped": tree.school.pk, "start": "2025-09-01"},
    )
    assert [r.status_code for r in (foreign, backwards, same)] == [200, 200, 200]
    assert "退出日期不能早于加入日期" in backwards.content.decode()
    assert Membership.objects.count() == 3 and Pairing.objects.count() == 0
    with pytest.raises(PermissionDenied):
        services.save_membership(
            user=users[Role.COUNTY_OFFICE],
            group_id=world.pk,
            details=MembershipDetails(school=tree.foreign_school, role="member", joined=Day(2025, 9, 1)),
        )


def test_the_county_page_issues_the_same_queries_for_one_group_or_many(
    world: Group, tree: Tree, users: dict[str, User]
) -> None:
    client = _client(users[Role.OBSERVER])
    url = reverse("groups:county", args=[tree.county.pk])
    cache.clear()  # each request evaluates the county's records, as after a change to them
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):
        extra = Group.objects.create(county=tree.county, name=f"集团{n}", type=world.type)
        Membership.objects.create(group=extra, school=tree.other_school, role="member", joined=Day(2020, 1, 1))
        Pairing.objects.create(
            county=tree.county, helper=tree.school, helped=tree.other_school, start=Day(2025, 1, n + 1)
        )
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


def test_the_county_page_opens_with_the_groups_and_pairings_and_the_theil_tables_below(
    world: Group, tree: Tree, users: dict[str, User]
) -> None:
    Pairing.objects.create(
        county=tree.county,
        helper=tree.school,
        helped=tree.other_school,
        start=Day(2025, 2, 1),
        goals="每月一次联合教研",
    )
    html = _client(users[Role.COUNTY_OFFICE]).get(reverse("groups:county", args=[tree.county.pk])).content.decode()
    order = [html.index(f'id="{section}"') for section in ("groups", "pairings", "coverage", "decomposition")]
    assert order == sorted(order)
    assert "每月一次联合教研" in html
    assert "<script>" not in html  # the content security policy allows no inline script
