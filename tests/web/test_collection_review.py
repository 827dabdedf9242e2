"""Review at the scale of a county: the tracker filtered by state and sorted, a selection approved in one
action (each audited, all or nothing), the next school waiting after a decision, the review page's figures,
plausibility warnings, and a saved form with errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from junheng.web.collection import bulk, progress, services
from junheng.web.collection.models import Change, SchoolRecord
from junheng.web.collection.progress import State
from junheng.web.errors import WorkflowError
from junheng.web.orgs.models import Organisation, Role
from tests.web.conftest import Tree
from tests.web.test_collection_views import client_for, form_data
from tests.web.test_services import FIGURES
from tests.web.tracker_rows import tracker_rows

YEAR = 2025


@pytest.fixture
def county(tree: Tree, users: dict[str, User]) -> Organisation:
    """示范县 with 2025 open: 实验小学 and 第三小学 submitted, 第二小学 in draft with figures."""
    third = Organisation.objects.create(kind="school", name="示范县第三小学", code="4521010003", parent=tree.county)
    services.open_round(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk, year=YEAR)
    office = users[Role.COUNTY_OFFICE]
    for school in (tree.school, tree.other_school, third):
        record = SchoolRecord.objects.get(school=school, year=YEAR)
        record = services.update_record(user=office, record=record, values=FIGURES)
        if school != tree.other_school:
            services.submit(user=office, record=record)
    return tree.county


def records(county: Organisation) -> dict[str, SchoolRecord]:
    return {
        r.school.name: r for r in SchoolRecord.objects.filter(year=YEAR, school__parent=county).select_related("school")
    }


def test_a_selection_is_approved_in_one_action_each_audited(county: Organisation, users: dict[str, User]) -> None:
    found = records(county)
    ids = [found["示范县实验小学"].pk, found["示范县第三小学"].pk]
    bulk.approve_many(user=users[Role.COUNTY_OFFICE], county_id=county.pk, record_ids=ids)
    after = records(county)
    assert {name: r.status for name, r in after.items()} == {
        "示范县实验小学": "approved",
        "示范县第二小学": "draft",
        "示范县第三小学": "approved",
    }
    approvals = Change.objects.filter(action="approve").values_list("record_id", "user__username", "version")
    assert sorted(approvals) == sorted(
        (pk, "county", after_r.version) for pk, after_r in ((i, SchoolRecord.objects.get(pk=i)) for i in ids)
    )


def test_a_selection_with_a_record_not_waiting_is_refused_and_nothing_changes(
    county: Organisation, users: dict[str, User]
) -> None:
    found = records(county)
    ids = [found["示范县实验小学"].pk, found["示范县第二小学"].pk]
    with pytest.raises(WorkflowError) as refused:
        bulk.approve_many(user=users[Role.COUNTY_OFFICE], county_id=county.pk, record_ids=ids)
    assert str(refused.value) == (
        "只有“待审核”的数据可以批量审核通过；以下学校不是：示范县第二小学（填报中）。未做任何审核，请取消勾选这些学校后重试"
    )
    assert {r.status for r in records(county).values()} == {"submitted", "draft"}
    assert records(county)["示范县实验小学"].version == found["示范县实验小学"].version
    assert not Change.objects.filter(action="approve").exists()


def test_a_selection_with_another_countys_record_is_refused(
    county: Organisation, tree: Tree, users: dict[str, User]
) -> None:
    foreign = SchoolRecord.objects.create(school=tree.foreign_school, year=YEAR, status="submitted", **FIGURES)
    with pytest.raises(WorkflowError, match="所选记录中有不属于本县的数据，未做任何审核"):
        bulk.approve_many(
            user=users[Role.COUNTY_OFFICE],
            county_id=county.pk,
            record_ids=[records(county)["示范县实验小学"].pk, foreign.pk],
        )
    assert not Change.objects.filter(action="approve").exists()


def test_a_clerk_cannot_approve_in_bulk(county: Organisation, users: dict[str, User]) -> None:
    url = reverse("collection:bulk_approve", args=[county.pk])
    response = client_for(users[Role.CLERK]).post(url, {"year": YEAR, "record": [records(county)["示范县实验小学"].pk]})
    assert response.status_code in (403, 404)
    assert records(county)["示范县实验小学"].status == "submitted"


def test_bulk_approve_returns_to_the_filtered_tracker_with_a_message(
    county: Organisation, users: dict[str, User]
) -> None:
    found = records(county)
    url = reverse("collection:bulk_approve", args=[county.pk])
    data = {
        "year": YEAR,
        "state": "submitted",
        "sort": "-school",
        "record": [found["示范县实验小学"].pk, found["示范县第三小学"].pk],
    }
    response = client_for(users[Role.COUNTY_OFFICE]).post(url, data)
    assert (
        response["Location"]
        == reverse("collection:county", args=[county.pk]) + f"?year={YEAR}&state=submitted&sort=-school"
    )
    page = client_for(users[Role.COUNTY_OFFICE]).get(response["Location"])
    assert tracker_rows(page.content.decode()) == []
    assert "没有处于“待审核”状态的学校" in page.content.decode()
    refused = client_for(users[Role.COUNTY_OFFICE]).post(url, data, follow=True)
    assert [str(m) for m in refused.context["messages"]] == [
        "只有“待审核”的数据可以批量审核通过；以下学校不是：示范县实验小学（已通过）、示范县第三小学（已通过）。"
        "未做任何审核，请取消勾选这些学校后重试"
    ]


def test_the_tracker_filters_by_state_and_sorts_by_a_column(county: Organisation, users: dict[str, User]) -> None:
    office = client_for(users[Role.COUNTY_OFFICE])
    url = reverse("collection:county", args=[county.pk])
    page = office.get(url, {"year": str(YEAR), "state": "submitted", "sort": "-school"})
    assert [row.school for row in tracker_rows(page.content.decode())] == ["示范县第三小学", "示范县实验小学"]
    assert dict(page.context["tracker"].counts)[State.SUBMITTED] == 2
    assert '<th aria-sort="descending"><a href="?year=2025&amp;state=submitted&amp;sort=school#tracker">学校 ▼' in (
        page.content.decode()
    )
    by_state = office.get(url, {"year": str(YEAR), "sort": "state"})
    assert [row.state for row in tracker_rows(by_state.content.decode())] == ["填报中", "待审核", "待审核"]
    unknown = office.get(url, {"year": str(YEAR), "state": "nonsense", "sort": "nonsense"})
    shown = (unknown.context["tracker"].state, unknown.context["tracker"].sort)
    assert (*shown, len(tracker_rows(unknown.content.decode()))) == (None, "code", 3)


def test_after_approving_the_reviewer_goes_to_the_next_school_waiting(
    county: Organisation, users: dict[str, User]
) -> None:
    found = records(county)
    office = client_for(users[Role.COUNTY_OFFICE])
    first = reverse("collection:review", args=[county.pk, found["示范县实验小学"].pk])
    response = office.post(first, {"decision": "approve"})
    assert response["Location"] == reverse("collection:review", args=[county.pk, found["示范县第三小学"].pk])
    response = office.post(response["Location"], {"decision": "return", "comment": "图书册数请核对"})
    assert response["Location"] == reverse("collection:county", args=[county.pk]) + f"?year={YEAR}"


def test_the_review_page_shows_figures_with_separators_beside_last_years(
    county: Organisation, tree: Tree, users: dict[str, User]
) -> None:
    SchoolRecord.objects.create(school=tree.school, year=YEAR - 1, **(FIGURES | {"equipment_value_yuan": 1100000}))
    record = records(county)["示范县实验小学"]
    response = client_for(users[Role.COUNTY_OFFICE]).get(reverse("collection:review", args=[county.pk, record.pk]))
    equipment = next(
        f for _, figures in response.context["sections"] for f in figures if f.key == "equipment_value_yuan"
    )
    area = next(f for _, figures in response.context["sections"] for f in figures if f.key == "teaching_aux_area_m2")
    assert (equipment.value, equipment.previous, area.value) == ("1,200,000.00", "1,100,000.00", "2,400.50")
    assert '<td class="num">1,200,000.00</td>' in response.content.decode()
    assert "上年（2024）" in response.content.decode()
    assert "<td>小学</td>" in response.content.decode()  # a choice reads as text, not aligned as a number


def test_a_class_of_85_is_saved_with_a_warning_that_the_reviewer_sees(tree: Tree, users: dict[str, User]) -> None:
    services.open_round(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk, year=YEAR)
    clerk = client_for(users[Role.CLERK])
    url = reverse("collection:school", args=[tree.school.pk]) + f"?year={YEAR}"
    figures = FIGURES | {"classes_primary": "10", "max_class_size_primary": "85"}
    live = clerk.post(reverse("collection:validate", args=[tree.school.pk, YEAR]), form_data(figures)).json()
    warning = "小学最大班额为 85，超过 80：一个班超过 80 人极为少见，多为录入错误"
    assert (live["valid"], live["warnings"]) == (True, {"max_class_size_primary": [warning]})
    clerk.post(url, form_data(figures, action="submit"))
    record = SchoolRecord.objects.get(school=tree.school, year=YEAR)
    assert (record.status, record.values()["max_class_size_primary"]) == ("submitted", 85)
    assert warning in clerk.get(url).content.decode()
    review = client_for(users[Role.COUNTY_OFFICE]).get(reverse("collection:review", args=[tree.county.pk, record.pk]))
    assert [(f.field, f.kind.label, f.message) for f in review.context["flags"]] == [
        ("max_class_size_primary", "不合常理", warning)
    ]


def test_a_saved_form_with_errors_says_how_many_and_focuses_the_first(tree: Tree, users: dict[str, User]) -> None:
    services.open_round(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk, year=YEAR)
    clerk = client_for(users[Role.CLERK])
    url = reverse("collection:school", args=[tree.school.pk]) + f"?year={YEAR}"
    response = clerk.post(url, form_data(FIGURES, multimedia_rooms="-3", students_primary="五百"))
    page = response.content.decode()
    assert "表中有 2 处需要修改" in page
    form = response.context["form"]
    assert form.fields["students_primary"].widget.attrs.get("autofocus") is True
    assert "autofocus" not in form.fields["multimedia_rooms"].widget.attrs
    assert page.count("autofocus") == 1
    assert SchoolRecord.objects.get(school=tree.school, year=YEAR).values()["students_primary"] is None


def test_the_home_page_counts_every_state_in_two_queries(
    county: Organisation, tree: Tree, django_assert_num_queries: Any
) -> None:
    Organisation.objects.create(kind="school", name="示范县新建小学", code="4521010009", parent=county)
    with django_assert_num_queries(2):
        counts = progress.county_counts(county, YEAR)
    assert counts == {
        State.NOT_STARTED: 1,
        State.IN_PROGRESS: 1,
        State.SUBMITTED: 2,
        State.RETURNED: 0,
        State.APPROVED: 0,
    }
