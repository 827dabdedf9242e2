"""The collection services: the workflow, the audit trail and the importer's checks on stored data."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from junheng.web.collection import services
from junheng.web.collection.models import Change, SchoolRecord
from junheng.web.errors import InvalidData, WorkflowError
from junheng.web.orgs.models import Role
from tests.web.conftest import Tree

FIGURES: dict[str, Any] = {
    "school_type": "primary",
    "students_primary": 500,
    "students_junior": 0,
    "students_senior": 0,
    "teachers_above_degree_primary": 25,
    "backbone_teachers_primary": 6,
    "pe_art_teachers_primary": 5,
    "teaching_aux_area_m2": 2400.5,
    "sports_area_m2": 4000,
    "equipment_value_yuan": 1200000,
    "multimedia_rooms": 14,
}


@pytest.fixture
def record(tree: Tree, users: dict[str, User]) -> SchoolRecord:
    services.open_round(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk, year=2025)
    return SchoolRecord.objects.get(school=tree.school, year=2025)


def test_opening_a_round_gives_every_school_of_the_county_a_record(tree: Tree, record: SchoolRecord) -> None:
    assert set(SchoolRecord.objects.values_list("school__code", flat=True)) == {"4521010001", "4521010002"}


def test_a_clerk_fills_submits_and_the_county_approves(
    tree: Tree, users: dict[str, User], record: SchoolRecord
) -> None:
    clerk, county = users[Role.CLERK], users[Role.COUNTY_OFFICE]
    services.update_record(user=clerk, record=record, values=FIGURES, reason="首次填报")
    record = services.submit(user=clerk, record=record)
    assert record.status == SchoolRecord.Status.SUBMITTED
    record = services.approve(user=county, record=record)
    assert record.locked
    with pytest.raises(WorkflowError, match="锁定"):
        services.update_record(user=county, record=record, values={"students_primary": 501})


def test_every_change_is_audited_with_old_and_new(users: dict[str, User], record: SchoolRecord) -> None:
    clerk = users[Role.CLERK]
    services.update_record(user=clerk, record=record, values=FIGURES)
    services.update_record(user=clerk, record=record, values={"students_primary": 520}, reason="更正")
    change = Change.objects.filter(record=record, field="students_primary").first()
    assert change is not None
    assert (change.old, change.new, change.reason, change.user) == ("500", "520", "更正", clerk)


def test_invalid_figures_give_the_importers_messages_and_store_nothing(
    users: dict[str, User], record: SchoolRecord
) -> None:
    with pytest.raises(InvalidData) as invalid:
        services.update_record(user=users[Role.CLERK], record=record, values=FIGURES | {"multimedia_rooms": "-3"})
    assert [i.message for i in invalid.value.issues] == ["“-3”是负数；网络多媒体教室数不能小于 0"]
    record.refresh_from_db()
    assert record.values()["students_primary"] is None
    assert not Change.objects.exists()


def test_a_clerk_cannot_touch_another_school(tree: Tree, users: dict[str, User], record: SchoolRecord) -> None:
    other = SchoolRecord.objects.get(school=tree.other_school, year=2025)
    with pytest.raises(PermissionDenied):
        services.update_record(user=users[Role.CLERK], record=other, values=FIGURES)


def test_a_foreign_county_is_not_found(tree: Tree, users: dict[str, User]) -> None:
    with pytest.raises(Http404):
        services.evaluate_county(user=users[Role.COUNTY_OFFICE], county_id=tree.other_county.pk, year=2025)


def test_the_stored_data_evaluates_like_a_file(tree: Tree, users: dict[str, User], record: SchoolRecord) -> None:
    services.update_record(user=users[Role.CLERK], record=record, values=FIGURES)
    _, evaluation = services.evaluate_county(user=users[Role.SUPERVISOR], county_id=tree.county.pk, year=2025)
    assert evaluation.schools["school_id"].to_list() == ["4521010001"]
    assert evaluation.schools["v_L1"].item() == 5.0


def test_a_clerk_cannot_change_figures_once_the_round_is_closed(
    tree: Tree, users: dict[str, User], record: SchoolRecord
) -> None:
    services.update_record(user=users[Role.CLERK], record=record, values=FIGURES)
    services.close_round(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk, year=2025)
    with pytest.raises(WorkflowError, match="已结束"):
        services.update_record(user=users[Role.CLERK], record=record, values={"students_primary": 501})
    services.update_record(user=users[Role.COUNTY_OFFICE], record=record, values={"students_primary": 501})


def test_only_the_county_office_closes_a_round(tree: Tree, users: dict[str, User], record: SchoolRecord) -> None:
    with pytest.raises(PermissionDenied):
        services.close_round(user=users[Role.SUPERVISOR], county_id=tree.county.pk, year=2025)


def test_looking_at_a_school_creates_no_record_for_a_reader(tree: Tree, users: dict[str, User]) -> None:
    services.open_round(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk, year=2025)
    SchoolRecord.objects.all().delete()
    with pytest.raises(WorkflowError, match="还没有 2025 年度的数据"):
        services.record_for(user=users[Role.OBSERVER], school_id=tree.school.pk, year=2025)
    assert not SchoolRecord.objects.exists()


def test_a_foreign_page_answers_404_in_chinese_without_the_data(
    tree: Tree, users: dict[str, User], settings: Any
) -> None:
    from django.test import Client

    settings.DEBUG = False
    client = Client()
    client.force_login(users[Role.CLERK])
    answer = client.get(f"/dashboards/school/{tree.foreign_school.pk}/")
    assert answer.status_code == 404
    page = answer.content.decode()
    assert "没有找到该页面" in page
    assert tree.foreign_school.name not in page
