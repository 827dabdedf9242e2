"""The API of contracts.md §4: every endpoint × every role × own and foreign organisations, and the writes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from junheng.schema import FIELDS
from junheng.web.api.tokens import issue_token
from junheng.web.collection import services
from junheng.web.collection.models import Change, Round, SchoolRecord
from junheng.web.orgs.models import Organisation, Role
from tests.web.conftest import Tree
from tests.web.test_services import FIGURES

YEAR = 2025
RECORD_KEYS = ["id", *(f.key for f in FIELDS), "status"]
COUNTY_OBJECT_KEYS = ["county", "year", "pass", "levels", "schools", "excluded"]
NOT_FOUND = "没有找到该组织，或您无权查看"
IDENTITY_MESSAGE = "“school_id”（学校标识码）由系统中的组织机构决定，不能通过接口修改；如需更正，请联系管理员"

# What each role reaches, by the names of Places below: the clerk their school, the county office its
# county, the city's supervisor and observer the whole city. The far city lies outside everyone's reach.
REACH: dict[str, set[str]] = {
    Role.CLERK: {"school"},
    Role.COUNTY_OFFICE: {"county", "school", "other_school"},
    Role.SUPERVISOR: {"county", "other_county", "school", "other_school", "foreign_school"},
    Role.OBSERVER: {"county", "other_county", "school", "other_school", "foreign_school"},
}
COUNTIES = ["county", "other_county", "far_county"]
SCHOOLS = ["school", "other_school", "foreign_school", "far_school"]
ROLES = [Role.CLERK, Role.COUNTY_OFFICE, Role.SUPERVISOR, Role.OBSERVER]


@dataclass
class Places:
    """The tree of conftest, and a second city of the province with a county and a school."""

    county: Organisation
    other_county: Organisation
    far_county: Organisation
    school: Organisation
    other_school: Organisation
    foreign_school: Organisation
    far_school: Organisation

    def __getitem__(self, name: str) -> Organisation:
        place: Organisation = getattr(self, name)
        return place


@pytest.fixture
def places(tree: Tree, users: dict[str, User]) -> Places:
    """Every school with 2025 figures, so that a 404 can only come from the scope, never from no data."""
    far_city = Organisation.objects.create(kind="city", name="远方市", code="4522", parent=tree.province)
    far_county = Organisation.objects.create(kind="county", name="远方县", code="452201", parent=far_city)
    far_school = Organisation.objects.create(kind="school", name="远方县第一小学", code="4522010001", parent=far_county)
    admin = User.objects.create_superuser("admin")
    for county in (tree.county, tree.other_county, far_county):
        services.open_round(user=admin, county_id=county.pk, year=YEAR)
    for record in SchoolRecord.objects.all():
        services.update_record(user=admin, record=record, values=FIGURES)
    return Places(
        tree.county, tree.other_county, far_county, tree.school, tree.other_school, tree.foreign_school, far_school
    )


@pytest.fixture
def clients(users: dict[str, User]) -> dict[str, Client]:
    """Per role, a client that sends that user's token, as a program would (CSRF checks on, no session)."""
    return {
        role: Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {issue_token(username=u.username)}"})
        for role, u in users.items()
    }


def patch(client: Client, path: str, body: object) -> Any:
    return client.patch(path, json.dumps(body), content_type="application/json")


# GET /api/counties


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.CLERK, []),
        (Role.COUNTY_OFFICE, [("示范县", "452101", "示范市")]),
        (Role.SUPERVISOR, [("示范县", "452101", "示范市"), ("邻县", "452102", "示范市")]),
        (Role.OBSERVER, [("示范县", "452101", "示范市"), ("邻县", "452102", "示范市")]),
    ],
)
def test_counties_are_those_the_role_reaches(
    places: Places, clients: dict[str, Client], role: str, expected: list[tuple[str, str, str]]
) -> None:
    response = clients[role].get("/api/counties")
    assert response.status_code == 200
    counties = response.json()
    assert all(list(c) == ["id", "name", "code", "city"] for c in counties)
    assert sorted((c["name"], c["code"], c["city"]) for c in counties) == expected
    assert {c["id"] for c in counties} == {Organisation.objects.get(code=code).pk for _, code, _ in expected}


# GET /api/counties/{id}/evaluation


@pytest.mark.parametrize("target", COUNTIES)
@pytest.mark.parametrize("role", ROLES)
def test_a_county_evaluation_is_served_only_within_reach(
    places: Places, clients: dict[str, Client], role: str, target: str
) -> None:
    county = places[target]
    response = clients[role].get(f"/api/counties/{county.pk}/evaluation?year={YEAR}")
    if target not in REACH[role]:
        assert (response.status_code, response.json()) == (404, {"detail": NOT_FOUND})
        return
    assert response.status_code == 200
    body = response.json()
    assert list(body) == COUNTY_OBJECT_KEYS
    assert (body["county"], body["year"]) == (county.name, YEAR)
    expected_ids = sorted(s.code for s in county.subtree().filter(kind="school"))
    assert sorted(s["school_id"] for s in body["schools"]) == expected_ids


def test_the_evaluation_is_the_county_object_of_evaluate_json(places: Places, clients: dict[str, Client]) -> None:
    body = clients[Role.SUPERVISOR].get(f"/api/counties/{places.county.pk}/evaluation?year={YEAR}").json()
    primary = body["levels"]["primary"]
    assert (primary["schools"], primary["students"]) == (2, 1000)
    # FIGURES: 25 teachers above the required degree per 500 students is 5.0 per hundred, at both schools.
    assert primary["indicators"]["L1"] == {"mean": 5.0, "cv": 0.0, "limit": 0.5, "pass": True}
    assert body["schools"][0]["values"]["L1"] == 5.0
    assert body["pass"] is True
    assert body["excluded"] == []


def test_a_county_without_data_that_year_is_404_saying_so(places: Places, clients: dict[str, Client]) -> None:
    response = clients[Role.COUNTY_OFFICE].get(f"/api/counties/{places.county.pk}/evaluation?year=2024")
    assert response.status_code == 404
    assert response.json() == {"detail": "该县区没有 2024 年度的学校数据；请先发布填报任务或导入数据"}


def test_the_evaluation_needs_a_year(places: Places, clients: dict[str, Client]) -> None:
    response = clients[Role.COUNTY_OFFICE].get(f"/api/counties/{places.county.pk}/evaluation")
    assert response.status_code == 422
    assert response.json() == {"detail": [{"field": "year", "message": "缺少参数“year”"}]}


# GET /api/schools?county=&year=


@pytest.mark.parametrize("target", COUNTIES)
@pytest.mark.parametrize("role", ROLES)
def test_a_countys_school_records_are_served_only_within_reach(
    places: Places, clients: dict[str, Client], role: str, target: str
) -> None:
    county = places[target]
    response = clients[role].get(f"/api/schools?county={county.pk}&year={YEAR}")
    if target not in REACH[role]:
        assert (response.status_code, response.json()) == (404, {"detail": NOT_FOUND})
        return
    assert response.status_code == 200
    records = response.json()
    schools = county.subtree().filter(kind="school")
    assert sorted(r["id"] for r in records) == sorted(s.pk for s in schools)
    assert all(list(r) == RECORD_KEYS for r in records)


def test_a_record_has_every_field_of_the_data_file_with_identity_from_the_tree(
    places: Places, clients: dict[str, Client]
) -> None:
    records = clients[Role.COUNTY_OFFICE].get(f"/api/schools?county={places.county.pk}&year={YEAR}").json()
    record = next(r for r in records if r["id"] == places.school.pk)
    assert {k: record[k] for k in ("year", "county", "county_code", "school_id", "school_name")} == {
        "year": 2025,
        "county": "示范县",
        "county_code": "452101",
        "school_id": "4521010001",
        "school_name": "示范县实验小学",
    }
    assert {k: record[k] for k in FIGURES} == FIGURES
    assert (record["ownership"], record["classes_primary"], record["status"]) == (None, None, "draft")


def test_a_year_without_records_lists_none(places: Places, clients: dict[str, Client]) -> None:
    response = clients[Role.COUNTY_OFFICE].get(f"/api/schools?county={places.county.pk}&year=2024")
    assert (response.status_code, response.json()) == (200, [])


def test_thirty_schools_are_listed_in_a_fixed_number_of_queries(
    places: Places, clients: dict[str, Client], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    county = Organisation.objects.create(kind="county", name="大县", code="452199", parent=places.county.parent)
    for number in range(30):
        Organisation.objects.create(
            kind="school", name=f"大县第{number}小学", code=f"45219900{number:02}", parent=county
        )
    User.objects.get(username="county").memberships.create(organisation=county, role=Role.COUNTY_OFFICE)
    services.open_round(user=User.objects.get(username="admin"), county_id=county.pk, year=YEAR)
    SchoolRecord.objects.filter(school__parent=county).update(**FIGURES)
    # The token and the time it was used, the user's memberships, the county, the records with their schools.
    with django_assert_max_num_queries(5):
        response = clients[Role.COUNTY_OFFICE].get(f"/api/schools?county={county.pk}&year={YEAR}")
    assert response.status_code == 200
    assert len(response.json()) == 30


# GET /api/schools/{id}?year=


@pytest.mark.parametrize("target", SCHOOLS)
@pytest.mark.parametrize("role", ROLES)
def test_a_school_record_is_served_only_within_reach(
    places: Places, clients: dict[str, Client], role: str, target: str
) -> None:
    school = places[target]
    response = clients[role].get(f"/api/schools/{school.pk}?year={YEAR}")
    if target not in REACH[role]:
        assert (response.status_code, response.json()) == (404, {"detail": NOT_FOUND})
        return
    assert response.status_code == 200
    record = response.json()
    assert list(record) == RECORD_KEYS
    assert (record["id"], record["school_id"], record["students_primary"]) == (school.pk, school.code, 500)


def test_an_unknown_id_is_the_same_404_as_a_foreign_one(places: Places, clients: dict[str, Client]) -> None:
    unknown = Organisation.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    clerk = clients[Role.CLERK]
    for path in (f"/api/schools/{unknown}?year={YEAR}", f"/api/schools/{places.other_school.pk}?year={YEAR}"):
        assert (clerk.get(path).status_code, clerk.get(path).json()) == (404, {"detail": NOT_FOUND})
    county = clients[Role.COUNTY_OFFICE]
    for path in (f"/api/counties/{unknown}/evaluation?year={YEAR}", f"/api/schools?county={unknown}&year={YEAR}"):
        assert (county.get(path).status_code, county.get(path).json()) == (404, {"detail": NOT_FOUND})


def test_a_school_is_not_a_county_nor_a_county_a_school(places: Places, clients: dict[str, Client]) -> None:
    county = clients[Role.COUNTY_OFFICE]
    assert county.get(f"/api/schools/{places.county.pk}?year={YEAR}").status_code == 404
    assert county.get(f"/api/schools?county={places.school.pk}&year={YEAR}").status_code == 404


def test_a_school_without_a_record_that_year_is_404_saying_so(places: Places, clients: dict[str, Client]) -> None:
    response = clients[Role.CLERK].get(f"/api/schools/{places.school.pk}?year=2024")
    assert (response.status_code, response.json()) == (404, {"detail": "示范县实验小学没有 2024 年度的数据"})


# PATCH /api/schools/{id}?year=


@pytest.mark.parametrize("target", SCHOOLS)
@pytest.mark.parametrize("role", ROLES)
def test_only_clerks_and_county_offices_change_records_within_reach(
    places: Places, clients: dict[str, Client], role: str, target: str
) -> None:
    school = places[target]
    response = patch(clients[role], f"/api/schools/{school.pk}?year={YEAR}", {"students_primary": 510})
    stored = SchoolRecord.objects.get(school=school, year=YEAR)
    if target not in REACH[role]:
        assert (response.status_code, response.json()) == (404, {"detail": NOT_FOUND})
    elif role in (Role.SUPERVISOR, Role.OBSERVER):
        assert (response.status_code, response.json()) == (403, {"detail": "您无权修改该学校的数据"})
    else:
        assert response.status_code == 200
        assert response.json()["students_primary"] == 510
        assert stored.values()["students_primary"] == 510
        return
    assert stored.values()["students_primary"] == 500
    assert not Change.objects.filter(action=Change.Action.API).exists()


def test_a_change_is_audited_as_an_api_change_with_its_reason(
    places: Places, users: dict[str, User], clients: dict[str, Client]
) -> None:
    path = f"/api/schools/{places.school.pk}?year={YEAR}&reason=更正学生数"
    response = patch(clients[Role.CLERK], path, {"students_primary": 520, "ownership": "公办"})
    assert response.status_code == 200
    assert response.json()["ownership"] == "public"
    changes = Change.objects.filter(action=Change.Action.API).order_by("field")
    assert [(c.field, c.old, c.new, c.reason, c.user) for c in changes] == [
        ("ownership", "", "public", "更正学生数", users[Role.CLERK]),
        ("students_primary", "500", "520", "更正学生数", users[Role.CLERK]),
    ]


def test_invalid_values_are_422_with_the_importers_messages(places: Places, clients: dict[str, Client]) -> None:
    body = {"multimedia_rooms": "-3", "ownership": "国有"}
    response = patch(clients[Role.CLERK], f"/api/schools/{places.school.pk}?year={YEAR}", body)
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"field": "ownership", "message": "办学性质“国有”无法识别；应为“公办”或“民办”"},
            {"field": "multimedia_rooms", "message": "“-3”是负数；网络多媒体教室数不能小于 0"},
        ]
    }
    stored = SchoolRecord.objects.get(school=places.school, year=YEAR).values()
    assert (stored["multimedia_rooms"], stored["ownership"]) == (14, None)
    assert not Change.objects.filter(action=Change.Action.API).exists()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"school_id": "4521010009", "students_primary": 1},
            [{"field": "school_id", "message": IDENTITY_MESSAGE}],
        ),
        ({"pupils": 3}, [{"field": "pupils", "message": "未知字段“pupils”"}]),
        (
            {"books": [1, 2]},
            [
                {
                    "field": "books",
                    "message": "“books”的值应为数字、文字或布尔值（选填项可为 null，表示未填报），不能是列表或对象",
                }
            ],
        ),
        ([1, 2], [{"field": None, "message": '请求体应为一个 JSON 对象，如 {"students_primary": 500}'}]),
    ],
)
def test_a_body_that_is_not_some_fields_of_the_data_file_is_422(
    places: Places, clients: dict[str, Client], body: object, expected: list[dict[str, str | None]]
) -> None:
    response = patch(clients[Role.COUNTY_OFFICE], f"/api/schools/{places.school.pk}?year={YEAR}", body)
    assert (response.status_code, response.json()) == (422, {"detail": expected})
    assert SchoolRecord.objects.get(school=places.school, year=YEAR).values()["students_primary"] == 500


def test_a_body_that_is_not_json_is_400(places: Places, clients: dict[str, Client]) -> None:
    path = f"/api/schools/{places.school.pk}?year={YEAR}"
    response = clients[Role.CLERK].patch(path, "students_primary=3", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": '请求体不是有效的 JSON；应为一个对象，如 {"students_primary": 500}'}


def test_a_locked_record_is_409(places: Places, users: dict[str, User], clients: dict[str, Client]) -> None:
    record = SchoolRecord.objects.get(school=places.school, year=YEAR)
    services.approve(user=users[Role.COUNTY_OFFICE], record=services.submit(user=users[Role.CLERK], record=record))
    response = patch(clients[Role.COUNTY_OFFICE], f"/api/schools/{places.school.pk}?year={YEAR}", {"books": 1})
    assert (response.status_code, response.json()) == (409, {"detail": "该记录已审核锁定，不能修改"})
    assert clients[Role.CLERK].get(f"/api/schools/{places.school.pk}?year={YEAR}").json()["status"] == "approved"


def test_a_submitted_record_is_409_for_the_clerk_and_open_to_the_county(
    places: Places, users: dict[str, User], clients: dict[str, Client]
) -> None:
    services.submit(user=users[Role.CLERK], record=SchoolRecord.objects.get(school=places.school, year=YEAR))
    path = f"/api/schools/{places.school.pk}?year={YEAR}"
    response = patch(clients[Role.CLERK], path, {"books": 1})
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "该记录已提交待审核；如需修改，请联系县级督导室退回"},
    )
    assert patch(clients[Role.COUNTY_OFFICE], path, {"books": 1}).status_code == 200


def test_a_year_without_a_round_is_409_and_stores_nothing(places: Places, clients: dict[str, Client]) -> None:
    response = patch(clients[Role.CLERK], f"/api/schools/{places.school.pk}?year=2024", FIGURES)
    assert (response.status_code, response.json()) == (409, {"detail": "2024 年度的填报任务尚未发布，暂不能填报"})
    assert not SchoolRecord.objects.filter(year=2024).exists()


def test_a_school_added_during_an_open_round_gets_its_record_from_an_edit_only(
    places: Places, clients: dict[str, Client]
) -> None:
    new = Organisation.objects.create(kind="school", name="示范县新建小学", code="4521010003", parent=places.county)
    assert Round.objects.filter(county=places.county, year=YEAR, status=Round.Status.OPEN).exists()
    path = f"/api/schools/{new.pk}?year={YEAR}"
    assert patch(clients[Role.OBSERVER], path, FIGURES).status_code == 403
    assert not SchoolRecord.objects.filter(school=new).exists()  # the refused edit left no empty record
    response = patch(clients[Role.COUNTY_OFFICE], path, FIGURES)
    assert (response.status_code, response.json()["school_name"]) == (200, "示范县新建小学")
    assert SchoolRecord.objects.get(school=new).values()["students_primary"] == 500
