"""The collection's pages through the Django test client: every view × role × own or foreign organisation,
the review workflow, validation as the clerk types, the audit trail and the tracker's query count."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from junheng.web.collection import services
from junheng.web.collection.models import RECORD_FIELDS, Change, Round, SchoolRecord
from junheng.web.collection.progress import State
from junheng.web.errors import InvalidData
from junheng.web.orgs.models import Organisation, Role
from tests.web.conftest import Tree
from tests.web.test_services import FIGURES
from tests.web.tracker_rows import tracker_rows
from tests.web.xlsx_pages import body, column, header, number_format, sheets

YEAR = 2025
ROLES = (Role.CLERK, Role.COUNTY_OFFICE, Role.SUPERVISOR, Role.OBSERVER)
# A file must have every column the standard needs, even those a primary school leaves at 0.
FILE_ROW = FIGURES | {f"{stem}_junior": 0 for stem in ("teachers_above_degree", "backbone_teachers", "pe_art_teachers")}


@dataclass
class World:
    """The tree with a county beyond the city, and the 2025 round open everywhere."""

    tree: Tree
    users: dict[str, User]
    far_county: Organisation
    far_school: Organisation

    def record(self, school: Organisation) -> SchoolRecord:
        return SchoolRecord.objects.get(school=school, year=YEAR)

    def own(self, role: str) -> tuple[Organisation, Organisation]:
        """The school and county a user of `role` works in."""
        return self.tree.school, self.tree.county

    def foreign(self, role: str) -> tuple[Organisation, Organisation]:
        """A school and county outside the reach of a user of `role`."""
        if role in (Role.CLERK, Role.COUNTY_OFFICE):
            return self.tree.foreign_school, self.tree.other_county
        return self.far_school, self.far_county


@pytest.fixture
def world(tree: Tree, users: dict[str, User]) -> World:
    city = Organisation.objects.create(kind="city", name="远方市", code="4522", parent=tree.province)
    far_county = Organisation.objects.create(kind="county", name="远方县", code="452201", parent=city)
    far_school = Organisation.objects.create(kind="school", name="远方县中心小学", code="4522010001", parent=far_county)
    services.open_round(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk, year=YEAR)
    for county, school in ((tree.other_county, tree.foreign_school), (far_county, far_school)):
        Round.objects.create(county=county, year=YEAR)
        SchoolRecord.objects.create(school=school, year=YEAR)
    return World(tree, users, far_county, far_school)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(figures: dict[str, Any], **extra: str) -> dict[str, str]:
    return {key: str(value) for key, value in figures.items()} | extra


def submitted(world: World) -> SchoolRecord:
    """The school's record filled and submitted by its clerk."""
    clerk = world.users[Role.CLERK]
    record = services.update_record(user=clerk, record=world.record(world.tree.school), values=FIGURES)
    return services.submit(user=clerk, record=record)


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Every view × every role × own or foreign organisation.

OK, FORBIDDEN, NOT_FOUND, REDIRECT = 200, 403, 404, 302
# (own organisation, foreign organisation) per role: clerk, county office, supervisor, observer.
# A clerk reaches only their school, so even their own county answers 404.
MATRIX: dict[str, tuple[tuple[int, int], ...]] = {
    "school": ((OK, NOT_FOUND), (OK, NOT_FOUND), (OK, NOT_FOUND), (OK, NOT_FOUND)),
    "save": ((REDIRECT, NOT_FOUND), (REDIRECT, NOT_FOUND), (FORBIDDEN, NOT_FOUND), (FORBIDDEN, NOT_FOUND)),
    "validate": ((OK, NOT_FOUND), (OK, NOT_FOUND), (FORBIDDEN, NOT_FOUND), (FORBIDDEN, NOT_FOUND)),
    "history": ((OK, NOT_FOUND), (OK, NOT_FOUND), (OK, NOT_FOUND), (OK, NOT_FOUND)),
    "county": ((NOT_FOUND, NOT_FOUND), (OK, NOT_FOUND), (OK, NOT_FOUND), (OK, NOT_FOUND)),
    "open_round": ((NOT_FOUND, NOT_FOUND), (REDIRECT, NOT_FOUND), (FORBIDDEN, NOT_FOUND), (FORBIDDEN, NOT_FOUND)),
    "import": ((NOT_FOUND, NOT_FOUND), (REDIRECT, NOT_FOUND), (FORBIDDEN, NOT_FOUND), (FORBIDDEN, NOT_FOUND)),
    "review": ((NOT_FOUND, NOT_FOUND), (OK, NOT_FOUND), (OK, NOT_FOUND), (OK, NOT_FOUND)),
    "decide": ((NOT_FOUND, NOT_FOUND), (REDIRECT, NOT_FOUND), (REDIRECT, NOT_FOUND), (FORBIDDEN, NOT_FOUND)),
}


def request(client: Client, view: str, school: Organisation, county: Organisation) -> Any:
    """Ask `view` about `school` (of `county`) the way its page does."""
    record = SchoolRecord.objects.get(school=school, year=YEAR)
    match view:
        case "school":
            return client.get(reverse("collection:school", args=[school.pk]), {"year": YEAR})
        case "save":
            url = reverse("collection:school", args=[school.pk]) + f"?year={YEAR}"
            return client.post(url, form_data(FIGURES, action="save"))
        case "validate":
            return client.post(reverse("collection:validate", args=[school.pk, YEAR]), form_data(FIGURES))
        case "history":
            return client.get(reverse("collection:history", args=[school.pk]))
        case "county":
            return client.get(reverse("collection:county", args=[county.pk]), {"year": YEAR})
        case "open_round":
            return client.post(reverse("collection:open_round", args=[county.pk]), {"year": YEAR + 1})
        case "import":
            upload = csv_upload([{"school_id": school.code, "school_name": school.name} | FILE_ROW])
            return client.post(reverse("collection:import", args=[county.pk]), {"year": YEAR, "file": upload})
        case "review":
            return client.get(reverse("collection:review", args=[county.pk, record.pk]))
        case "decide":
            url = reverse("collection:review", args=[county.pk, record.pk])
            return client.post(url, {"decision": "return", "comment": "请核对在校生数"})
    raise AssertionError(view)


def csv_upload(rows: list[dict[str, Any]], name: str = "全县数据.csv") -> SimpleUploadedFile:
    """A CSV data file (contracts.md §1) of `rows`, for the county 示范县 and YEAR unless a row says otherwise."""
    rows = [{"year": YEAR, "county": "示范县"} | row for row in rows]
    keys = list(dict.fromkeys(key for row in rows for key in row))
    lines = [",".join(keys), *(",".join(str(row.get(key, "")) for key in keys) for row in rows)]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


@pytest.mark.parametrize("view", list(MATRIX))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=[str(r) for r in ROLES])
def test_every_view_answers_every_role_within_its_scope(world: World, view: str, role_index: int) -> None:
    role = ROLES[role_index]
    client = client_for(world.users[role])
    own_code, foreign_code = MATRIX[view][role_index]
    assert request(client, view, *world.own(role)).status_code == own_code
    foreign_school, foreign_county = world.foreign(role)
    foreign = request(client, view, foreign_school, foreign_county)
    assert foreign.status_code == foreign_code
    assert foreign_school.name not in foreign.content.decode()


@pytest.mark.parametrize("view", list(MATRIX))
def test_a_stranger_is_sent_to_log_in(world: World, view: str) -> None:
    response = request(Client(), view, *world.own(Role.CLERK))
    assert response.status_code == REDIRECT
    assert response["Location"].startswith(reverse("login"))


def test_a_clerk_cannot_open_a_neighbouring_school_of_the_same_county(world: World) -> None:
    client = client_for(world.users[Role.CLERK])
    other = world.tree.other_school
    response = client.get(reverse("collection:school", args=[other.pk]), {"year": YEAR})
    assert response.status_code == NOT_FOUND
    assert client.get(reverse("collection:history", args=[other.pk])).status_code == NOT_FOUND


def test_a_record_of_another_county_is_not_found_under_ones_own_county(world: World) -> None:
    client = client_for(world.users[Role.COUNTY_OFFICE])
    foreign = world.record(world.tree.foreign_school)
    url = reverse("collection:review", args=[world.tree.county.pk, foreign.pk])
    assert client.get(url).status_code == NOT_FOUND
    assert client.post(url, {"decision": "approve"}).status_code == NOT_FOUND
    assert world.record(world.tree.foreign_school).status == SchoolRecord.Status.DRAFT


# The school's form.


def school_url(world: World) -> str:
    return reverse("collection:school", args=[world.tree.school.pk]) + f"?year={YEAR}"


def test_the_form_has_every_field_but_identity_in_its_groups_with_labels_and_units(world: World) -> None:
    response = client_for(world.users[Role.CLERK]).get(school_url(world))
    page = response.content.decode()
    for title in ("基本信息", "在校生与班级", "教师", "校舍与设备", "专用教室与班额", "基本均衡补充指标"):
        assert f"<legend>{title}</legend>" in page
    assert "教学及辅助用房面积（㎡）" in page
    assert "教学仪器设备值（元）" in page
    assert "小学在校生数（人）" in page
    form = page.split('<form method="post" novalidate', 1)[1]
    assert 'name="school_name"' not in form
    assert 'name="year"' not in form
    assert page.count('class="required"') >= 10
    assert "collection.js" in page


def test_the_year_defaults_to_the_latest_open_round(world: World) -> None:
    Round.objects.create(county=world.tree.county, year=YEAR + 1)
    response = client_for(world.users[Role.CLERK]).get(reverse("collection:school", args=[world.tree.school.pk]))
    assert response.context["record"].year == YEAR + 1


def test_a_year_without_a_round_says_so_and_makes_no_record(world: World) -> None:
    response = client_for(world.users[Role.CLERK]).get(school_url(world).replace(str(YEAR), "2019"))
    assert response.status_code == OK
    assert "2019 年度的填报任务尚未发布" in response.content.decode()
    assert not SchoolRecord.objects.filter(year=2019).exists()


def test_saving_stores_the_figures_with_the_reason_and_redirects(world: World) -> None:
    clerk = world.users[Role.CLERK]
    response = client_for(clerk).post(school_url(world), form_data(FIGURES, reason="首次填报"), follow=True)
    assert response.redirect_chain == [(school_url(world), REDIRECT)]
    assert messages_of(response) == ["已保存"]
    record = world.record(world.tree.school)
    assert record.values()["students_primary"] == 500
    assert record.values()["teaching_aux_area_m2"] == 2400.5
    change = Change.objects.get(record=record, field="students_primary")
    assert (change.old, change.new, change.reason, change.user) == ("", "500", "首次填报", clerk)


def test_invalid_figures_show_the_importers_messages_next_to_the_fields_and_store_nothing(world: World) -> None:
    data = form_data(FIGURES, multimedia_rooms="-3", students_primary="五百")
    response = client_for(world.users[Role.CLERK]).post(school_url(world), data)
    assert response.status_code == OK
    form = response.context["form"]
    assert form.errors["multimedia_rooms"] == ["“-3”是负数；网络多媒体教室数不能小于 0"]
    assert form.errors["students_primary"] == ["“五百”不是数字；小学在校生数应填数值，例如 12"]
    assert 'id="errors-multimedia_rooms" data-errors-for="multimedia_rooms">“-3”是负数' in response.content.decode()
    assert world.record(world.tree.school).values()["students_primary"] is None
    assert not Change.objects.exists()


def test_a_number_is_read_as_the_importer_reads_it(world: World) -> None:
    data = form_data(FIGURES, equipment_value_yuan="1,200,000", boarding="是", ownership="public")
    client_for(world.users[Role.CLERK]).post(school_url(world), data)
    figures = world.record(world.tree.school).values()
    assert (figures["equipment_value_yuan"], figures["boarding"], figures["ownership"]) == (1_200_000, True, "public")


def test_the_stored_figures_are_shown_as_typed(world: World) -> None:
    client = client_for(world.users[Role.CLERK])
    client.post(school_url(world), form_data(FIGURES, boarding="否"))
    form = client.get(school_url(world)).context["form"]
    assert form["teaching_aux_area_m2"].value() == "2400.5"
    assert form["sports_area_m2"].value() == "4000"
    assert form["boarding"].value() == "否"
    assert form["school_type"].value() == "primary"


# The workflow through the views.


def test_save_and_submit_then_the_clerk_can_no_longer_edit(world: World) -> None:
    client = client_for(world.users[Role.CLERK])
    response = client.post(school_url(world), form_data(FIGURES, action="submit"), follow=True)
    assert "已提交，等待县级督导室审核" in messages_of(response)[0]
    assert world.record(world.tree.school).status == SchoolRecord.Status.SUBMITTED
    page = client.get(school_url(world))
    assert page.context["editable"] is False
    assert 'name="action"' not in page.content.decode()
    response = client.post(school_url(world), form_data(FIGURES, students_primary="999"), follow=True)
    assert messages_of(response) == ["该记录已提交待审核；如需修改，请联系县级督导室退回"]
    assert world.record(world.tree.school).values()["students_primary"] == 500


def test_returning_needs_a_comment(world: World) -> None:
    record = submitted(world)
    url = reverse("collection:review", args=[world.tree.county.pk, record.pk])
    response = client_for(world.users[Role.COUNTY_OFFICE]).post(
        url, {"decision": "return", "comment": " "}, follow=True
    )
    assert response.redirect_chain == [(url, REDIRECT)]
    assert messages_of(response) == ["退回时请填写退回意见，说明需要修改什么"]
    assert world.record(world.tree.school).status == SchoolRecord.Status.SUBMITTED


def test_a_returned_record_shows_the_comment_and_can_be_corrected_and_resubmitted(world: World) -> None:
    record = submitted(world)
    county_client = client_for(world.users[Role.COUNTY_OFFICE])
    url = reverse("collection:review", args=[world.tree.county.pk, record.pk])
    response = county_client.post(url, {"decision": "return", "comment": "体育场馆面积偏大，请核对"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("collection:county", args=[world.tree.county.pk]) + f"?year={YEAR}"
    clerk = client_for(world.users[Role.CLERK])
    page = clerk.get(school_url(world))
    assert "审核意见：体育场馆面积偏大，请核对" in page.content.decode()
    assert page.context["editable"] is True
    clerk.post(school_url(world), form_data(FIGURES, sports_area_m2="3000", reason="按审核意见更正", action="submit"))
    record = world.record(world.tree.school)
    assert (record.status, record.values()["sports_area_m2"]) == (SchoolRecord.Status.SUBMITTED, 3000)


def test_an_approved_record_is_locked_for_everyone_and_rendered_read_only(world: World) -> None:
    record = submitted(world)
    url = reverse("collection:review", args=[world.tree.county.pk, record.pk])
    response = client_for(world.users[Role.SUPERVISOR]).post(url, {"decision": "approve"}, follow=True)
    assert messages_of(response) == [
        f"已审核通过示范县实验小学 {YEAR} 年度数据，记录已锁定",
        f"{YEAR} 年度已没有待审核的学校",
    ]
    for role in (Role.CLERK, Role.COUNTY_OFFICE):
        client = client_for(world.users[role])
        page = client.get(school_url(world))
        assert page.context["form"]["students_primary"].field.disabled
        assert "该记录已审核锁定" in page.content.decode()
        response = client.post(school_url(world), form_data(FIGURES, students_primary="1"), follow=True)
        assert messages_of(response) == ["该记录已审核锁定，不能修改"]
    assert world.record(world.tree.school).values()["students_primary"] == 500
    response = client_for(world.users[Role.COUNTY_OFFICE]).post(url, {"decision": "approve"}, follow=True)
    assert messages_of(response) == ["当前状态为“已审核锁定”，不能审核通过"]


def test_a_draft_cannot_be_approved(world: World) -> None:
    record = world.record(world.tree.school)
    url = reverse("collection:review", args=[world.tree.county.pk, record.pk])
    client_for(world.users[Role.COUNTY_OFFICE]).post(url, {"decision": "approve"})
    assert world.record(world.tree.school).status == SchoolRecord.Status.DRAFT


def test_an_incomplete_record_cannot_be_submitted(world: World) -> None:
    client = client_for(world.users[Role.CLERK])
    response = client.post(school_url(world), form_data({"school_type": "primary"}, action="submit"))
    assert response.status_code == OK
    assert response.context["form"].errors["students_primary"] == ["小学在校生数不能为空；没有的请填 0"]
    assert world.record(world.tree.school).status == SchoolRecord.Status.DRAFT


# Validation as the clerk types.


def validate(client: Client, world: World, data: dict[str, str]) -> dict[str, Any]:
    response = client.post(reverse("collection:validate", args=[world.tree.school.pk, YEAR]), data)
    assert response.status_code == OK
    answer: dict[str, Any] = json.loads(response.content)
    return answer


def test_the_validate_endpoint_returns_the_importers_exact_messages_per_field(world: World) -> None:
    client = client_for(world.users[Role.CLERK])
    answer = validate(client, world, form_data(FIGURES, multimedia_rooms="-3", classes_junior="2"))
    assert answer == {
        "valid": False,
        "errors": {
            "classes_junior": [
                "初中在校生数为 0，初中班级数却为 2：该学段有班级但没有学生；请核对初中在校生数，或把初中班级数改为 0"
            ],
            "multimedia_rooms": ["“-3”是负数；网络多媒体教室数不能小于 0"],
        },
        "general": [],
        "warnings": {},
    }
    every_field: dict[str, object] = {field.key: None for field in RECORD_FIELDS}
    with pytest.raises(InvalidData) as invalid:
        services.validate_values(
            every_field | FIGURES | {"multimedia_rooms": "-3", "classes_junior": "2"},
            county=world.tree.county,
            school=world.tree.school,
            year=YEAR,
        )
    assert sorted(m for messages in answer["errors"].values() for m in messages) == sorted(
        i.message for i in invalid.value.issues
    )


def test_the_validate_endpoint_accepts_valid_figures_and_stores_nothing(world: World) -> None:
    answer = validate(client_for(world.users[Role.CLERK]), world, form_data(FIGURES))
    assert answer == {"valid": True, "errors": {}, "general": [], "warnings": {}}
    assert world.record(world.tree.school).values()["students_primary"] is None


def test_the_validate_endpoint_names_every_missing_required_figure(world: World) -> None:
    answer = validate(client_for(world.users[Role.CLERK]), world, {"school_type": "primary", "students_junior": "0"})
    assert answer["errors"]["students_primary"] == ["小学在校生数不能为空；没有的请填 0"]
    assert answer["errors"]["equipment_value_yuan"] == ["教学仪器设备值不能为空；没有的请填 0"]
    assert "teachers_above_degree_junior" not in answer["errors"]


def test_the_validate_endpoint_takes_only_posts_with_the_csrf_token(world: World) -> None:
    url = reverse("collection:validate", args=[world.tree.school.pk, YEAR])
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[Role.CLERK])
    assert client.get(url).status_code == 405
    assert client.post(url, form_data(FIGURES)).status_code == FORBIDDEN
    page = client.get(school_url(world))
    token = page.context["csrf_token"]
    assert client.post(url, form_data(FIGURES), HTTP_X_CSRFTOKEN=str(token)).status_code == OK


# The audit trail.


def test_the_history_lists_who_changed_what_when_and_why_filterable_by_field(world: World) -> None:
    clerk = world.users[Role.CLERK]
    client = client_for(clerk)
    client.post(school_url(world), form_data(FIGURES))
    client.post(school_url(world), form_data(FIGURES, students_primary="520", reason="转入 20 人", action="submit"))
    url = reverse("collection:history", args=[world.tree.school.pk])
    page = client_for(world.users[Role.OBSERVER]).get(url, {"field": "students_primary"})
    rows = page.context["rows"]
    assert [(r.label, r.old, r.new, r.change.reason, r.change.user) for r in rows] == [
        ("小学在校生数", "500", "520", "转入 20 人", clerk),
        ("小学在校生数", "", "500", "", clerk),
    ]
    assert "→ 520" in page.content.decode()
    statuses = client.get(url, {"field": "status"}).context["rows"]
    assert [(r.label, r.old, r.new, r.change.get_action_display()) for r in statuses] == [
        ("审核状态", "填报中", "已提交待审核", "提交")
    ]
    everything = client.get(url).context["rows"]
    assert len(everything) == Change.objects.filter(record__school=world.tree.school).count() > len(rows)


def test_the_history_shows_choices_by_their_chinese_names(world: World) -> None:
    client = client_for(world.users[Role.CLERK])
    client.post(school_url(world), form_data(FIGURES, boarding="是"))
    rows = client.get(reverse("collection:history", args=[world.tree.school.pk])).context["rows"]
    shown = {r.change.field: r.new for r in rows}
    assert (shown["school_type"], shown["boarding"]) == ("小学", "是")


def test_school_and_review_pages_link_to_the_history(world: World) -> None:
    record = submitted(world)
    history = reverse("collection:history", args=[world.tree.school.pk])
    client = client_for(world.users[Role.COUNTY_OFFICE])
    assert history in client.get(school_url(world)).content.decode()
    review = client.get(reverse("collection:review", args=[world.tree.county.pk, record.pk]))
    assert history in review.content.decode()


# The county page: round, tracker, review.


def county_url(world: World) -> str:
    return reverse("collection:county", args=[world.tree.county.pk])


def test_the_county_office_opens_a_round_and_every_school_gets_a_record(world: World) -> None:
    client = client_for(world.users[Role.COUNTY_OFFICE])
    response = client.post(reverse("collection:open_round", args=[world.tree.county.pk]), {"year": 2026}, follow=True)
    assert response.redirect_chain == [(county_url(world) + "?year=2026", REDIRECT)]
    assert messages_of(response) == ["已发布 2026 年度填报任务，全县学校可以开始填报"]
    assert set(SchoolRecord.objects.filter(year=2026).values_list("school__name", flat=True)) == {
        "示范县实验小学",
        "示范县第二小学",
    }


def test_a_round_needs_a_sensible_year(world: World) -> None:
    client = client_for(world.users[Role.COUNTY_OFFICE])
    response = client.post(reverse("collection:open_round", args=[world.tree.county.pk]), {"year": "20x6"}, follow=True)
    assert "年度应为 1990 至 2100 之间的整数" in messages_of(response)[0]
    assert Round.objects.filter(county=world.tree.county).count() == 1


def test_the_tracker_shows_every_school_and_where_it_stands(world: World) -> None:
    submitted(world)
    response = client_for(world.users[Role.SUPERVISOR]).get(county_url(world), {"year": YEAR})
    tracker = response.context["tracker"]
    assert [(row.school, row.state) for row in tracker_rows(response.content.decode())] == [
        ("示范县实验小学", "待审核"),
        ("示范县第二小学", "未开始"),
    ]
    assert [(state.label, count) for state, count in tracker.counts] == [
        ("未开始", 1),
        ("填报中", 0),
        ("待审核", 1),
        ("已退回", 0),
        ("已通过", 0),
    ]
    page = response.content.decode()
    assert f"?year={YEAR}&amp;state=submitted&amp;sort=code#tracker" in page
    assert page.count('class="state-row-not_started"') == 1


def test_a_school_added_after_the_round_opened_shows_as_not_started(world: World) -> None:
    Organisation.objects.create(kind="school", name="示范县新建小学", code="4521010003", parent=world.tree.county)
    page = client_for(world.users[Role.COUNTY_OFFICE]).get(county_url(world))
    assert [(row.school, row.state) for row in tracker_rows(page.content.decode())] == [
        ("示范县实验小学", "未开始"),
        ("示范县第二小学", "未开始"),
        ("示范县新建小学", "未开始"),
    ]
    assert (State.NOT_STARTED, 3) in page.context["tracker"].counts


def test_only_the_county_office_sees_the_round_and_import_forms(world: World) -> None:
    office = client_for(world.users[Role.COUNTY_OFFICE]).get(county_url(world)).content.decode()
    supervisor = client_for(world.users[Role.SUPERVISOR]).get(county_url(world)).content.decode()
    for action in ("collection:open_round", "collection:import"):
        url = reverse(action, args=[world.tree.county.pk])
        assert url in office
        assert url not in supervisor


def last_years_record(world: World, **figures: Any) -> None:
    Round.objects.create(county=world.tree.county, year=YEAR - 1)
    SchoolRecord.objects.create(school=world.tree.school, year=YEAR - 1, **(FIGURES | figures))


def test_flags_appear_on_the_review_page_and_in_the_tracker(world: World) -> None:
    last_years_record(world, students_primary=250)
    record = submitted(world)
    review = client_for(world.users[Role.SUPERVISOR]).get(
        reverse("collection:review", args=[world.tree.county.pk, record.pk])
    )
    [flag] = review.context["flags"]
    assert (flag.field, flag.kind) == ("students_primary", "change")
    message = "小学在校生数由 250 变为 500，比上年增加 100%，超过 ±50%；请核对是否填错，或在修改原因中说明"
    assert flag.message == message
    page = review.content.decode()
    assert message in page
    assert '<td class="num">250</td>' in page
    tracker = client_for(world.users[Role.SUPERVISOR]).get(county_url(world)).content.decode()
    assert "1 处</summary>" in tracker
    assert message in tracker


def test_the_change_ratio_is_a_setting(world: World, settings: Any) -> None:
    last_years_record(world, students_primary=400)
    record = submitted(world)
    url = reverse("collection:review", args=[world.tree.county.pk, record.pk])
    client = client_for(world.users[Role.COUNTY_OFFICE])
    assert client.get(url).context["flags"] == []
    settings.JUNHENG_CHANGE_RATIO = 0.2
    assert [f.field for f in client.get(url).context["flags"]] == ["students_primary"]


def test_reviewers_see_the_decision_form_only_for_a_submitted_record(world: World) -> None:
    record = world.record(world.tree.school)
    url = reverse("collection:review", args=[world.tree.county.pk, record.pk])
    assert client_for(world.users[Role.COUNTY_OFFICE]).get(url).context["can_decide"] is False
    submitted(world)
    assert client_for(world.users[Role.COUNTY_OFFICE]).get(url).context["can_decide"] is True
    assert client_for(world.users[Role.SUPERVISOR]).get(url).context["can_decide"] is True
    observer = client_for(world.users[Role.OBSERVER]).get(url)
    assert observer.context["can_decide"] is False
    assert 'name="decision"' not in observer.content.decode()


def test_the_county_page_takes_a_fixed_number_of_queries_for_thirty_schools(
    world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    county = world.tree.county
    schools = [
        Organisation.objects.create(kind="school", name=f"示范县第{n}小学", code=f"45210101{n:02d}", parent=county)
        for n in range(28)
    ]
    Round.objects.create(county=county, year=YEAR - 1)
    for school in schools:
        SchoolRecord.objects.create(school=school, year=YEAR, **FIGURES)
        SchoolRecord.objects.create(school=school, year=YEAR - 1, **(FIGURES | {"students_primary": 200}))
    client = client_for(world.users[Role.COUNTY_OFFICE])
    # 7, the navigation's ancestors and years, the statistics import, the data versions and the cache (the
    # database's here: a read, a count and a write for the table and again for the flags it keeps apart)
    with django_assert_max_num_queries(25):
        response = client.get(county_url(world), {"year": YEAR})
    shown = tracker_rows(response.content.decode())
    assert len(shown) == 30
    assert sum(row.flags for row in shown) == 28
    with django_assert_max_num_queries(12):  # the second time, the table as it was kept
        again = client.get(county_url(world), {"year": YEAR})
    assert tracker_rows(again.content.decode()) == shown


# The tracker and the audit trail in Excel (issue 12 §5).


def test_the_tracker_exports_to_excel_as_the_page_shows_it(world: World) -> None:
    last_years_record(world, students_primary=250)
    submitted(world)
    client = client_for(world.users[Role.SUPERVISOR])
    page = client.get(county_url(world), {"year": YEAR})
    url = reverse("collection:tracker_excel", args=[world.tree.county.pk]) + f"?year={YEAR}"
    assert url in page.content.decode()
    [sheet] = sheets(client.get(url), "示范县2025年各校填报情况.xlsx").values()
    assert header(sheet) == ["学校", "学校标识码", "状态", "最后更新", "数据疑点（处）", "疑点说明"]
    shown = [(r.school, r.code, r.state, r.flags) for r in tracker_rows(page.content.decode())]
    assert [(row[0], row[1], row[2], row[4]) for row in body(sheet)] == shown
    assert number_format(sheet, "数据疑点（处）") == "#,##0"
    assert column(sheet, "疑点说明")[0].startswith("小学在校生数由 250 变为 500")
    assert sheet["D2"].number_format == "yyyy-mm-dd hh:mm:ss"
    # filtered as the page is: only the schools waiting for review
    waiting = client.get(url + "&state=submitted")
    [sheet] = sheets(waiting, "示范县2025年各校填报情况.xlsx").values()
    assert {row[2] for row in body(sheet)} == {"待审核"}


def test_the_audit_trail_exports_every_change_with_the_pages_filter(world: World) -> None:
    clerk = world.users[Role.CLERK]
    client = client_for(clerk)
    client.post(school_url(world), form_data(FIGURES))
    client.post(school_url(world), form_data(FIGURES, students_primary="520", reason="转入 20 人"))
    url = reverse("collection:history_excel", args=[world.tree.school.pk])
    page = client.get(reverse("collection:history", args=[world.tree.school.pk]), {"field": "students_primary"})
    assert url + "?field=students_primary" in page.content.decode()
    [sheet] = sheets(client.get(url, {"field": "students_primary"}), "示范县实验小学修改记录.xlsx").values()
    assert header(sheet) == ["时间", "年度", "操作人", "操作", "字段", "原值", "新值", "原因"]
    assert [row[1:] for row in body(sheet)] == [
        [YEAR, "clerk", "修改", "小学在校生数", "500", "520", "转入 20 人"],
        [YEAR, "clerk", "修改", "小学在校生数", None, "500", None],
    ]
    assert number_format(sheet, "年度") == "0"


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=[str(r) for r in ROLES])
def test_the_excel_exports_answer_as_their_pages_do(world: World, role_index: int) -> None:
    role = ROLES[role_index]
    client = client_for(world.users[role])
    for where in (world.own(role), world.foreign(role)):
        school, county = where
        for page, export, target in (
            ("collection:county", "collection:tracker_excel", county),
            ("collection:history", "collection:history_excel", school),
        ):
            expected = client.get(reverse(page, args=[target.pk]), {"year": YEAR}).status_code
            assert client.get(reverse(export, args=[target.pk]), {"year": YEAR}).status_code == expected, (page, where)
