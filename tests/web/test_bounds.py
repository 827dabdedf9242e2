"""A huge figure cannot break a county: refused by the API and the form, and harmless if stored before."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from junheng.web.api.tokens import issue_token
from junheng.web.collection import services
from junheng.web.collection.models import SchoolRecord
from junheng.web.collection.quality import consistency_flags
from junheng.web.orgs.models import Role
from tests.web.conftest import Tree
from tests.web.test_services import FIGURES

YEAR = 2025
OUT_OF_RANGE = "“1e+308”超出教学仪器设备值的合理范围：应在 0 至 10,000,000,000 元 之间；请核对数值和单位"


@pytest.fixture
def record(tree: Tree, users: dict[str, User]) -> SchoolRecord:
    """The school's 2025 record, filled in; the other school of the county filled in too."""
    services.open_round(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk, year=YEAR)
    for each in SchoolRecord.objects.filter(year=YEAR, school__parent=tree.county):
        services.update_record(user=users[Role.COUNTY_OFFICE], record=each, values=FIGURES)
    return SchoolRecord.objects.get(school=tree.school, year=YEAR)


def _api(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(username=user.username)}"})


def _patch(client: Client, record: SchoolRecord, body: dict[str, Any]) -> Any:
    return client.patch(
        f"/api/schools/{record.school_id}?year={YEAR}", json.dumps(body), content_type="application/json"
    )


def _evaluation(client: Client, tree: Tree) -> Any:
    return client.get(f"/api/counties/{tree.county.pk}/evaluation?year={YEAR}")


def test_a_patch_of_1e308_is_refused_and_the_county_evaluation_still_answers(
    tree: Tree, users: dict[str, User], record: SchoolRecord
) -> None:
    response = _patch(_api(users[Role.CLERK]), record, {"equipment_value_yuan": 1e308})

    assert response.status_code == 422
    assert response.json() == {"detail": [{"field": "equipment_value_yuan", "message": OUT_OF_RANGE}]}
    assert SchoolRecord.objects.get(pk=record.pk).values()["equipment_value_yuan"] == FIGURES["equipment_value_yuan"]
    assert _evaluation(_api(users[Role.COUNTY_OFFICE]), tree).status_code == 200


def test_fewer_full_time_teachers_than_teachers_above_the_degree_is_refused_by_the_api(
    users: dict[str, User], record: SchoolRecord
) -> None:
    response = _patch(_api(users[Role.CLERK]), record, {"full_time_teachers_primary": 20})

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "field": "teachers_above_degree_primary",
            "message": "小学高于规定学历教师数（25）多于小学专任教师数（20）：高于规定学历教师是专任教师的一部分，"
            "不能多于小学专任教师数；请核对这两个数",
        }
    ]


def test_the_school_form_refuses_1e308_with_the_same_message(users: dict[str, User], record: SchoolRecord) -> None:
    client = Client()
    client.force_login(users[Role.CLERK])
    url = reverse("collection:school", args=[record.school_id]) + f"?year={YEAR}"
    figures = {key: str(value) for key, value in FIGURES.items()} | {"equipment_value_yuan": "1e308"}

    response = client.post(url, figures | {"action": "save"})

    assert response.status_code == 200
    assert "“1e308”超出教学仪器设备值的合理范围" in response.content.decode()
    assert SchoolRecord.objects.get(pk=record.pk).values()["equipment_value_yuan"] == FIGURES["equipment_value_yuan"]


def test_a_huge_figure_stored_before_the_bounds_reads_as_not_reported(
    tree: Tree, users: dict[str, User], record: SchoolRecord
) -> None:
    SchoolRecord.objects.filter(pk=record.pk).update(equipment_value_yuan=1e308)

    response = _evaluation(_api(users[Role.COUNTY_OFFICE]), tree)

    assert response.status_code == 200
    school = next(s for s in response.json()["schools"] if s["school_id"] == tree.school.code)
    assert school["values"]["L6"] is None
    office = Client()
    office.force_login(users[Role.COUNTY_OFFICE])
    page = office.get(reverse("collection:county", args=[tree.county.pk]), {"year": YEAR}).content.decode()
    assert (
        "“1e+308”超出教学仪器设备值的合理范围：应在 0 至 10,000,000,000 元 之间；评估时按未填报处理，请学校更正" in page
    )


def test_counts_that_contradict_each_other_stored_before_the_checks_are_flagged_for_the_reviewer(
    record: SchoolRecord,
) -> None:
    SchoolRecord.objects.filter(pk=record.pk).update(full_time_teachers_primary=20)

    [flag] = consistency_flags(SchoolRecord.objects.get(pk=record.pk))

    assert (flag.field, flag.kind.label) == ("teachers_above_degree_primary", "数据前后矛盾")
    assert flag.message.startswith("小学高于规定学历教师数（25）多于小学专任教师数（20）")


@pytest.mark.parametrize("page", ["dashboards:county", "assessment:county", "planning:county", "collection:export"])
def test_no_page_of_the_county_fails_on_a_huge_figure_stored_before_the_bounds(
    tree: Tree, users: dict[str, User], record: SchoolRecord, page: str
) -> None:
    SchoolRecord.objects.filter(pk=record.pk).update(equipment_value_yuan=1e308)
    office = Client()
    office.force_login(users[Role.COUNTY_OFFICE])

    response = office.get(reverse(page, args=[tree.county.pk]), {"year": YEAR})

    assert response.status_code == 200


def test_the_plan_names_the_school_whose_stored_figure_is_outside_its_bounds(
    tree: Tree, users: dict[str, User], record: SchoolRecord
) -> None:
    SchoolRecord.objects.filter(pk=record.pk).update(equipment_value_yuan=1e308)
    office = Client()
    office.force_login(users[Role.COUNTY_OFFICE])

    response = office.get(reverse("planning:excel", args=[tree.county.pk]), {"year": YEAR}, follow=True)

    assert response.status_code == 200
    assert (
        f"{tree.school.name} {YEAR} 年度的教学仪器设备值未填报或超出合理范围，无法制定规划；请学校更正后再规划"
        in response.content.decode()
    )
