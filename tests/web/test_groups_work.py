"""Groups' scorecard, members' progress, teacher exchanges, activity evidence, pairing reviews and the county's
lists (issue 6 §1): every path, with refusals, foreign objects and invalid input."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from junheng.web.collection.models import SchoolRecord
from junheng.web.groups import scorecards, services
from junheng.web.groups.inputs import EntryDetails, ExchangeDetails
from junheng.web.groups.models import (
    Activity,
    ActivityEvidence,
    ActivityKind,
    Group,
    GroupType,
    Membership,
    Pairing,
    PairingReview,
    ScorecardEntry,
    ScorecardItem,
    TeacherExchange,
)
from junheng.web.orgs.models import Organisation, Role
from tests.web.conftest import Tree, make_user
from tests.web.test_groups import YEAR, figures, third, world

__all__ = ["third", "world"]  # fixtures shared with the groups' first tests

Day = datetime.date


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return str(response.content.decode())


# The scorecard (捆绑考核) ------------------------------------------------------------------------------


def _item(county: Organisation, name: str, **values: Any) -> ScorecardItem:
    defaults: dict[str, Any] = {"source": "manual", "weight": Decimal(1), "rule": "threshold", "target": Decimal(1)}
    return ScorecardItem.objects.create(county=county, name=name, **(defaults | values))


def test_the_scorecard_scores_every_group_by_hand(world: Group, tree: Tree, users: dict[str, User]) -> None:
    # sports ground of 实验小学 (core, 12 ㎡) and 第三小学 (member, 4 ㎡): gap 8; weighted mean 28/3
    _item(
        tree.county,
        "差距",
        source="gap",
        indicator="L5",
        level="primary",
        weight=Decimal(3),
        rule="linear",
        higher_is_better=False,
        target=Decimal(0),
        floor=Decimal(16),
    )
    _item(tree.county, "活动", source="activities", weight=Decimal(1), target=Decimal(2))
    manual = _item(tree.county, "满意度", weight=Decimal(1), rule="linear", target=Decimal(100), floor=Decimal(50))
    kind = ActivityKind.objects.get(county=None, name="送教")
    Activity.objects.create(group=world, date=Day(YEAR, 3, 1), kind=kind)
    Activity.objects.create(group=world, date=Day(YEAR, 4, 1), kind=kind)
    Activity.objects.create(group=world, date=Day(YEAR - 1, 4, 1), kind=kind)  # another year
    ScorecardEntry.objects.create(item=manual, group=world, year=YEAR, value=Decimal(80))
    page = scorecards.scorecard(user=users[Role.OBSERVER], county_id=tree.county.pk, year=YEAR)
    (line,) = page.groups
    # gap 8 is half way from 16 to 0 → 50; 2 activities reach 2 → 100; 80 is 60 % of 50→100 → 60
    assert [score for _, score in line.items] == [pytest.approx(50.0), 100.0, pytest.approx(60.0)]
    assert line.score == pytest.approx((3 * 50 + 100 + 60) / 5)
    assert (line.weight_scored, line.weight_total) == (5.0, 5.0)


def test_an_item_without_data_shows_and_is_left_out(world: Group, tree: Tree, users: dict[str, User]) -> None:
    _item(tree.county, "满意度", weight=Decimal(4))
    _item(tree.county, "活动", source="activities", weight=Decimal(1), target=Decimal(1))
    empty = Group.objects.create(county=tree.county, name="空集团", type=world.type)
    page = scorecards.scorecard(user=users[Role.OBSERVER], county_id=tree.county.pk, year=YEAR)
    by_name = {line.group.name: line for line in page.groups}
    assert by_name["城东教育集团"].items == [(None, None), (0.0, 0.0)]
    assert (by_name["城东教育集团"].score, by_name["城东教育集团"].weight_scored) == (0.0, 1.0)
    assert by_name[empty.name].weight_total == 5.0
    html = _text(_client(users[Role.OBSERVER]).get(reverse("groups:scorecard", args=[tree.county.pk])))
    assert "未取得数据" in html and "1.0 / 5.0" in html


def test_a_year_with_entered_values_but_no_school_data_scores_the_entries_only(
    world: Group, tree: Tree, users: dict[str, User]
) -> None:
    manual = _item(tree.county, "满意度", weight=Decimal(2))
    _item(tree.county, "均值", source="mean", indicator="L5", level="primary")
    ScorecardEntry.objects.create(item=manual, group=world, year=2030, value=Decimal(1))
    client = _client(users[Role.OBSERVER])
    html = _text(client.get(reverse("groups:scorecard", args=[tree.county.pk]) + "?year=2030"))
    assert "2030" in html and "100.0 分" in html and "未取得数据" in html and "2.0 / 3.0" in html
    assert client.get(reverse("groups:scorecard", args=[tree.county.pk]) + "?year=x").status_code == 400


def test_the_scorecard_page_costs_the_same_queries_for_many_groups(
    world: Group, tree: Tree, users: dict[str, User], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    """Session, user, memberships, county; items, groups, entry years, data years, records, memberships,
    activity counts, entered values."""
    item = _item(tree.county, "满意度")
    client = _client(users[Role.OBSERVER])
    url = reverse("groups:scorecard", args=[tree.county.pk]) + f"?year={YEAR}"
    for n in range(6):
        extra = Group.objects.create(county=tree.county, name=f"集团{n}", type=world.type)
        Membership.objects.create(group=extra, school=tree.other_school, joined=Day(2020, 1, 1))
        ScorecardEntry.objects.create(item=item, group=extra, year=YEAR, value=Decimal(1))
    client.get(url)
    with django_assert_num_queries(14 + 1):  # and the kept evaluation's read (the database cache)
        response = client.get(url)
    assert response.status_code == 200 and "集团5" in _text(response)


def _item_post(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "差异系数",
        "source": "cv",
        "indicator": "L5",
        "level": "primary",
        "weight": "2",
        "rule": "linear",
        "target": "0.3",
        "floor": "0.6",
    } | overrides


def test_the_county_office_adds_edits_and_deletes_items(world: Group, tree: Tree, users: dict[str, User]) -> None:
    client = _client(users[Role.COUNTY_OFFICE])
    assert client.post(reverse("groups:new_item", args=[tree.county.pk]), _item_post()).status_code == 302
    item = ScorecardItem.objects.get()
    assert (item.higher_is_better, item.floor, item.indicator) == (False, Decimal("0.6"), "L5")
    client.post(reverse("groups:item", args=[item.pk]), _item_post(weight="5"))
    assert ScorecardItem.objects.get().weight == Decimal(5)
    assert client.post(reverse("groups:delete_item", args=[item.pk])).status_code == 302
    assert not ScorecardItem.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"weight": "0"}, "权重应大于 0"),
        ({"floor": "0.3"}, "最低值不能等于目标值"),
        ({"floor": ""}, "线性赋分须填写最低值"),
        ({"floor": "0.1"}, "越低越好时，最低值应大于目标值"),
        ({"higher_is_better": "on"}, "越高越好时，最低值应小于目标值"),
        ({"indicator": ""}, "该数据来源须选择指标"),
        ({"level": ""}, "该数据来源须选择学段"),
    ],
)
def test_invalid_items_are_refused_with_a_reason(
    overrides: dict[str, str], message: str, tree: Tree, users: dict[str, User]
) -> None:
    response = _client(users[Role.COUNTY_OFFICE]).post(
        reverse("groups:new_item", args=[tree.county.pk]), _item_post(**overrides)
    )
    assert response.status_code == 200 and message in _text(response)
    assert not ScorecardItem.objects.exists()


def test_a_duplicate_item_name_is_refused(tree: Tree, users: dict[str, User]) -> None:
    _item(tree.county, "差异系数")
    response = _client(users[Role.COUNTY_OFFICE]).post(reverse("groups:new_item", args=[tree.county.pk]), _item_post())
    assert "已有名为“差异系数”的考核项目" in _text(response)


def test_manual_values_are_entered_and_replaced(world: Group, tree: Tree, users: dict[str, User]) -> None:
    item = _item(tree.county, "满意度")
    client = _client(users[Role.COUNTY_OFFICE])
    url = reverse("groups:enter_value", args=[tree.county.pk])
    for value in ("0.8", "0.9"):
        response = client.post(url, {"item": item.pk, "group": world.pk, "year": YEAR, "value": value})
        assert response.status_code == 302, response.context["form"].errors
    assert list(ScorecardEntry.objects.values_list("value", flat=True)) == [Decimal("0.9")]
    computed = _item(tree.county, "活动", source="activities")
    refused = client.post(url, {"item": computed.pk, "group": world.pk, "year": YEAR, "value": "1"})
    assert refused.status_code == 200 and ScorecardEntry.objects.count() == 1


def test_scorecard_writes_are_the_county_offices_and_foreign_items_404(
    world: Group, tree: Tree, users: dict[str, User]
) -> None:
    item = _item(tree.county, "满意度")
    foreign = _item(tree.other_county, "邻县项目")
    observer = _client(users[Role.OBSERVER])
    assert observer.post(reverse("groups:new_item", args=[tree.county.pk]), _item_post()).status_code == 403
    assert observer.post(reverse("groups:delete_item", args=[item.pk])).status_code == 403
    assert observer.post(reverse("groups:enter_value", args=[tree.county.pk]), {}).status_code == 403
    office = _client(users[Role.COUNTY_OFFICE])
    assert office.post(reverse("groups:delete_item", args=[foreign.pk])).status_code == 404
    assert office.get(reverse("groups:scorecard", args=[tree.other_county.pk])).status_code == 404
    assert _client(users[Role.CLERK]).get(reverse("groups:scorecard", args=[tree.county.pk])).status_code == 404
    assert ScorecardItem.objects.count() == 2
    with pytest.raises(Http404):
        scorecards.save_entry(
            user=users[Role.COUNTY_OFFICE],
            county_id=tree.county.pk,
            entry=EntryDetails(item=foreign, group=world, year=YEAR, value=Decimal(1)),
        )


# Members' progress against the core ---------------------------------------------------------------------


def test_the_group_page_shows_a_members_gap_closing(
    world: Group, tree: Tree, third: Organisation, users: dict[str, User]
) -> None:
    # 31 December 2024: 第二小学 (6 ㎡ against the core's 12) is a member, 第三小学 (joined 2025-03) not yet;
    # 31 December 2025: 第二小学 has left, 第三小学 (4 ㎡) is in
    SchoolRecord.objects.create(school=tree.school, year=YEAR - 1, **figures(200, sports_area_m2=200 * 12.0))
    SchoolRecord.objects.create(school=tree.other_school, year=YEAR - 1, **figures(300, sports_area_m2=300 * 6.0))
    table = services.progress(tree.county, world)
    assert table is not None
    l5 = {(r["year"], r["school_name"]): r for r in table.filter(table["indicator"] == "L5").iter_rows(named=True)}
    assert set(l5) == {(YEAR - 1, "示范县第二小学"), (YEAR, "示范县第三小学")}
    assert (l5[(YEAR - 1, "示范县第二小学")]["ratio"], l5[(YEAR, "示范县第三小学")]["ratio"]) == (0.5, 4 / 12)
    html = _text(_client(users[Role.OBSERVER]).get(reverse("groups:group", args=[world.pk])))
    assert "50.0%（差 -6.000）" in html and "33.3%（差 -8.000）" in html


def test_the_group_page_costs_the_same_queries_for_many_members(
    world: Group, tree: Tree, users: dict[str, User], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = _client(users[Role.OBSERVER])
    url = reverse("groups:group", args=[world.pk])
    kind = ActivityKind.objects.get(county=None, name="送教")

    def grow(n: int) -> None:
        school = Organisation.objects.create(
            kind="school", name=f"新校{n}", code=f"45210199{n:02d}", parent=tree.county
        )
        SchoolRecord.objects.create(school=school, year=YEAR, **figures(50))
        Membership.objects.create(group=world, school=school, joined=Day(2020, 1, 1))
        Activity.objects.create(group=world, date=Day(YEAR, 1, n + 1), kind=kind)
        TeacherExchange.objects.create(
            group=world, teacher=f"教师{n}", from_school=tree.school, to_school=school, start=Day(YEAR, 1, 1)
        )

    grow(0)
    client.get(url)
    cache.clear()  # the evaluation kept by the first request is made again, as after a change to the records
    with django_assert_num_queries(17 + 7) as one:  # and the database cache: 1 read, the version, 5 to keep
        client.get(url)
    for n in range(1, 6):
        grow(n)
    cache.clear()
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    assert "新校5" in _text(response)


# Teacher exchanges --------------------------------------------------------------------------------------


def _exchange_post(tree: Tree, third: Organisation, **overrides: Any) -> dict[str, Any]:
    return {
        "teacher": "李老师",
        "from_school": tree.school.pk,
        "to_school": third.pk,
        "kind": "rotation",
        "backbone": "on",
        "start": "2025-09-01",
    } | overrides


def test_the_county_office_records_exchanges_counted_per_year(
    world: Group, tree: Tree, third: Organisation, users: dict[str, User]
) -> None:
    client = _client(users[Role.COUNTY_OFFICE])
    url = reverse("groups:new_exchange", args=[world.pk])
    assert client.post(url, _exchange_post(tree, third, end="2026-07-31")).status_code == 302
    assert (
        client.post(url, _exchange_post(tree, third, teacher="王老师", backbone="", kind="shared")).status_code == 302
    )
    exchanges = list(TeacherExchange.objects.all())
    counts = services.exchange_years(exchanges, Day(2026, 5, 1))
    assert [(y.year, y.teachers, y.backbone) for y in counts] == [(2025, 2, 1), (2026, 2, 1)]
    assert [(y.year, y.teachers) for y in services.exchange_years(exchanges, Day(2027, 5, 1))][-1] == (2027, 1)
    html = _text(client.get(reverse("groups:group", args=[world.pk])))
    assert "2025 年：2 人（骨干教师 1 人）" in html and "交流轮岗" in html


def test_an_exchange_between_non_members_is_refused(
    world: Group, tree: Tree, third: Organisation, users: dict[str, User]
) -> None:
    client = _client(users[Role.COUNTY_OFFICE])
    url = reverse("groups:new_exchange", args=[world.pk])
    # 第三小学 joined on 2025-03-01; 第二小学 left on 2025-06-30
    early = client.post(url, _exchange_post(tree, third, start="2025-01-15"))
    gone = client.post(url, _exchange_post(tree, third, to_school=tree.other_school.pk))
    same = client.post(url, _exchange_post(tree, third, to_school=tree.school.pk))
    backwards = client.post(url, _exchange_post(tree, third, end="2025-08-01"))
    assert "示范县第三小学在2025-01-15不是本集团的成员学校" in _text(early)
    assert "示范县第二小学在2025-09-01不是本集团的成员学校" in _text(gone)
    assert "派出学校和接收学校不能是同一所学校" in _text(same)
    assert "结束日期不能早于开始日期" in _text(backwards)
    assert not TeacherExchange.objects.exists()
    with pytest.raises(ValidationError):
        services.save_exchange(
            user=users[Role.COUNTY_OFFICE],
            group_id=world.pk,
            details=ExchangeDetails(
                teacher="x", from_school=tree.school, to_school=tree.foreign_school, start=Day(2025, 9, 1)
            ),
        )
    assert _client(users[Role.OBSERVER]).post(url, _exchange_post(tree, third)).status_code == 403


# Activity evidence --------------------------------------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_evidence_is_uploaded_listed_and_downloaded_within_scope(
    world: Group, tree: Tree, users: dict[str, User], media: Any
) -> None:
    kind = ActivityKind.objects.get(county=None, name="送教")
    activity = Activity.objects.create(group=world, date=Day(YEAR, 3, 1), kind=kind)
    office = _client(users[Role.COUNTY_OFFICE])
    url = reverse("groups:add_evidence", args=[activity.pk])
    upload = SimpleUploadedFile("送教签到表.pdf", b"%PDF evidence")
    assert office.post(url, {"file": upload}).status_code == 302
    stored = ActivityEvidence.objects.get()
    assert (stored.name, stored.uploaded_by, str(media) in stored.file.path) == (
        "送教签到表.pdf",
        users[Role.COUNTY_OFFICE],
        True,
    )
    html = _text(_client(users[Role.OBSERVER]).get(reverse("groups:group", args=[world.pk])))
    assert f'href="/groups/evidence/{stored.pk}/">送教签到表.pdf</a>' in html
    download = _client(users[Role.OBSERVER]).get(reverse("groups:evidence", args=[stored.pk]))
    assert b"".join(download.streaming_content) == b"%PDF evidence"  # type: ignore[attr-defined]
    outsider = User.objects.create_user("outsider")
    make_user("neighbour", tree.other_county, Role.COUNTY_OFFICE)
    for user in (users[Role.CLERK], User.objects.get(username="neighbour"), outsider):
        assert _client(user).get(reverse("groups:evidence", args=[stored.pk])).status_code == 404
    assert office.get(reverse("groups:evidence", args=[999999])).status_code == 404
    assert _client(users[Role.OBSERVER]).post(url, {"file": SimpleUploadedFile("a.pdf", b"x")}).status_code == 403


def test_evidence_on_a_pairing_activity_shows_on_the_pairing_page(
    tree: Tree, users: dict[str, User], media: Any
) -> None:
    pairing = Pairing.objects.create(
        county=tree.county, helper=tree.school, helped=tree.other_school, start=Day(2025, 1, 1)
    )
    activity = Activity.objects.create(
        pairing=pairing, date=Day(YEAR, 3, 1), kind=ActivityKind.objects.get(county=None, name="送教")
    )
    office = _client(users[Role.COUNTY_OFFICE])
    response = office.post(
        reverse("groups:add_evidence", args=[activity.pk]), {"file": SimpleUploadedFile("照片.jpg", b"jpg")}
    )
    assert response["Location"] == reverse("groups:pairing", args=[pairing.pk])
    assert "照片.jpg</a>" in _text(office.get(reverse("groups:pairing", args=[pairing.pk])))


def test_evidence_of_the_wrong_type_or_too_large_is_refused(
    world: Group, users: dict[str, User], media: Any, settings: Any
) -> None:
    activity = Activity.objects.create(
        group=world, date=Day(YEAR, 3, 1), kind=ActivityKind.objects.get(county=None, name="送教")
    )
    office = _client(users[Role.COUNTY_OFFICE])
    url = reverse("groups:add_evidence", args=[activity.pk])
    script = office.post(url, {"file": SimpleUploadedFile("run.exe", b"MZ")})
    assert "不支持“.exe”类型的文件" in _text(script)
    big = SimpleUploadedFile("big.pdf", b"0" * (20 * 1024 * 1024 + 1))
    assert "超过 20 MB 的上限" in _text(office.post(url, {"file": big}))
    assert not ActivityEvidence.objects.exists()


# Pairing reviews ----------------------------------------------------------------------------------------


def test_a_pairing_has_one_review_a_year(tree: Tree, users: dict[str, User]) -> None:
    pairing = Pairing.objects.create(
        county=tree.county, helper=tree.school, helped=tree.other_school, start=Day(2024, 9, 1), goals="共建教研组"
    )
    office = _client(users[Role.COUNTY_OFFICE])
    url = reverse("groups:new_review", args=[pairing.pk])
    assert "共建教研组" in _text(office.get(url))  # the pairing's goals are offered
    post = {"year": "2025", "goals": "共建教研组", "outcome": "完成", "rating": "good"}
    assert office.post(url, post).status_code == 302
    duplicate = office.post(url, post | {"rating": "excellent"})
    assert "该结对 2025 年度的评价已经登记" in _text(duplicate)
    review = PairingReview.objects.get()
    assert (review.rating, review.reviewed_by) == ("good", users[Role.COUNTY_OFFICE])
    office.post(reverse("groups:review", args=[pairing.pk, review.pk]), post | {"rating": "excellent"})
    assert PairingReview.objects.get().rating == "excellent"
    assert "优秀" in _text(_client(users[Role.OBSERVER]).get(reverse("groups:pairing", args=[pairing.pk])))
    assert "评价等次" in _text(office.post(url, post | {"year": "2026", "rating": "perfect"}))
    assert _client(users[Role.OBSERVER]).post(url, post | {"year": "2026"}).status_code == 403
    foreign = Pairing.objects.create(
        county=tree.other_county, helper=tree.foreign_school, helped=tree.other_school, start=Day(2024, 9, 1)
    )
    assert office.post(reverse("groups:new_review", args=[foreign.pk]), post).status_code == 404
    assert office.get(reverse("groups:review", args=[pairing.pk, 999999])).status_code == 404
    assert PairingReview.objects.count() == 1


# The county's lists -------------------------------------------------------------------------------------


def test_the_county_adds_and_deletes_its_own_list_entries(world: Group, tree: Tree, users: dict[str, User]) -> None:
    office = _client(users[Role.COUNTY_OFFICE])
    url = reverse("groups:lists", args=[tree.county.pk])
    assert office.post(url, {"list": "type", "name": "县域共同体"}).status_code == 302
    assert office.post(url, {"list": "kind", "name": "跟岗学习"}).status_code == 302
    duplicate = office.post(url, {"list": "kind", "name": "送教"})
    assert duplicate.status_code == 422 and "已有名为“送教”的条目" in _text(duplicate)
    html = _text(office.get(url))
    assert "县域共同体" in html and "跟岗学习" in html and "示例" in html
    own = GroupType.objects.get(county=tree.county)
    in_use = ActivityKind.objects.get(county=tree.county)
    Activity.objects.create(group=world, date=Day(YEAR, 1, 1), kind=in_use)
    refused = office.post(reverse("groups:delete_entry", args=[tree.county.pk, "kind", in_use.pk]), follow=True)
    assert "“跟岗学习”仍被 1 个活动记录使用，不能删除" in _text(refused)
    example = GroupType.objects.get(county=None, name="学区")
    assert office.post(reverse("groups:delete_entry", args=[tree.county.pk, "type", example.pk])).status_code == 404
    assert office.post(reverse("groups:delete_entry", args=[tree.county.pk, "type", own.pk])).status_code == 302
    assert not GroupType.objects.filter(county=tree.county).exists()
    assert ActivityKind.objects.filter(county=tree.county).exists()
    assert office.post(reverse("groups:delete_entry", args=[tree.county.pk, "other", 1])).status_code == 404


def test_a_group_type_in_use_is_not_deleted(world: Group, tree: Tree, users: dict[str, User]) -> None:
    own = GroupType.objects.create(county=tree.county, name="县域共同体")
    Group.objects.create(county=tree.county, name="乙集团", type=own)
    response = _client(users[Role.COUNTY_OFFICE]).post(
        reverse("groups:delete_entry", args=[tree.county.pk, "type", own.pk]), follow=True
    )
    assert "仍被 1 个教育集团使用" in _text(response)
    assert GroupType.objects.filter(pk=own.pk).exists()


def test_lists_are_the_county_offices(tree: Tree, users: dict[str, User]) -> None:
    url = reverse("groups:lists", args=[tree.county.pk])
    assert _client(users[Role.OBSERVER]).post(url, {"list": "type", "name": "x"}).status_code == 403
    assert _client(users[Role.OBSERVER]).get(url).status_code == 403
    assert (
        _client(users[Role.COUNTY_OFFICE]).get(reverse("groups:lists", args=[tree.other_county.pk])).status_code == 404
    )
    neighbour_kind = ActivityKind.objects.create(county=tree.other_county, name="邻县活动")
    office = _client(users[Role.COUNTY_OFFICE])
    assert (
        office.post(reverse("groups:delete_entry", args=[tree.county.pk, "kind", neighbour_kind.pk])).status_code == 404
    )
    assert "邻县活动" not in _text(office.get(url))


def test_the_lists_page_costs_the_same_queries_for_long_lists(
    tree: Tree, users: dict[str, User], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    office = _client(users[Role.COUNTY_OFFICE])
    url = reverse("groups:lists", args=[tree.county.pk])
    office.get(url)
    with django_assert_num_queries(8):  # 6, and the navigation's ancestors and years
        office.get(url)
    for n in range(10):
        GroupType.objects.create(county=tree.county, name=f"类型{n}")
    with django_assert_num_queries(8):
        assert "类型9" in _text(office.get(url))


# Whether grouping narrows gaps, year by year ---------------------------------------------------------------


def test_the_county_page_shows_each_groups_mean_within_cv_beside_the_county(
    world: Group, tree: Tree, users: dict[str, User]
) -> None:
    # On 31 December 2025 the group holds 实验小学 (200 at 12 ㎡) and 第三小学 (100 at 4 ㎡): the sports-ground
    # mean is 2,800 ÷ 300 = 9.333 ㎡ and its CV sqrt((200 × 2.667² + 100 × 5.333²) ÷ 300) ÷ 9.333 = 0.404.
    table = services.balance(tree.county)
    assert table is not None
    within = services.analysis(tree.county, YEAR).within
    assert within.filter(within["indicator"] == "L5")["cv"][0] == pytest.approx(0.40406, abs=1e-5)
    group = table.filter(table["group"] == "城东教育集团").row(0, named=True)
    assert (group["year"], group["level"], group["schools"]) == (YEAR, "primary", 2)
    assert group["mean_cv"] == pytest.approx(within["cv"].mean())  # the engine's CVs on the same schools
    assert table["group"][0] == "全县"
    html = _text(_client(users[Role.OBSERVER]).get(reverse("groups:county", args=[tree.county.pk])))
    section = html.split('id="balance"')[1].split("</section>")[0]
    assert 'data-group="全县"' in section and 'data-group="城东教育集团"' in section
    assert f"{group['mean_cv']:.3f}" in section


def test_the_county_page_costs_the_same_queries_for_many_groups(
    world: Group,
    tree: Tree,
    third: Organisation,
    users: dict[str, User],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = _client(users[Role.OBSERVER])
    url = reverse("groups:county", args=[tree.county.pk])
    client.get(url)
    cache.clear()  # the evaluation kept by the first request is made again, as after a change to the records
    with django_assert_num_queries(17 + 7) as one:  # and the database cache: 1 read, the version, 5 to keep
        client.get(url)
    for n in range(6):
        extra = Group.objects.create(county=tree.county, name=f"集团{n}", type=world.type)
        Membership.objects.create(group=extra, school=tree.other_school, joined=Day(2020, 1, 1))
        Membership.objects.create(group=extra, school=third, role="core", joined=Day(2021, 1, 1))
    cache.clear()
    with django_assert_num_queries(len(one)):
        client.get(url)


def test_a_pairing_review_names_its_reviewer_by_full_name(tree: Tree, users: dict[str, User]) -> None:
    office = users[Role.COUNTY_OFFICE]
    office.first_name = "李明"
    office.save()
    pairing = Pairing.objects.create(
        county=tree.county, helper=tree.school, helped=tree.other_school, start=Day(2024, 9, 1)
    )
    PairingReview.objects.create(pairing=pairing, year=2025, rating="good", reviewed_by=office)
    html = _text(_client(users[Role.OBSERVER]).get(reverse("groups:pairing", args=[pairing.pk])))
    assert "<td>李明 2" in html and f"<td>{office.username} " not in html
