"""A new year's round pre-filled from each school's last approved record (沿用上年): shown as carried until
the clerk confirms or changes it, left out of the evaluation until then, and what changed shown to the reviewer."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from junheng.web.collection import progress, services, tables
from junheng.web.collection.models import RECORD_FIELDS, Change, SchoolRecord
from junheng.web.collection.progress import State
from junheng.web.orgs.models import Organisation, Role
from tests.web.conftest import Tree
from tests.web.test_collection_views import client_for, form_data
from tests.web.test_services import FIGURES

YEAR = 2025
# As the importer stores a 小学's figures: the 初中 teacher counts it leaves blank are 0.
LAST_YEAR_FIGURES: dict[str, Any] = FIGURES | {
    "ownership": "public",
    "area_type": "rural",
    "boarding": True,
    "books": 9000,
    **{f"{stem}_junior": 0 for stem in ("teachers_above_degree", "backbone_teachers", "pe_art_teachers")},
}


def approved(school: Organisation, year: int, **figures: Any) -> SchoolRecord:
    return SchoolRecord.objects.create(
        school=school, year=year, status=SchoolRecord.Status.APPROVED, **(LAST_YEAR_FIGURES | figures)
    )


@pytest.fixture
def opened(tree: Tree, users: dict[str, User]) -> SchoolRecord:
    """实验小学 approved in 2023 and 2024; 第二小学 with a 2024 record still in draft; the 2025 round opened."""
    approved(tree.school, YEAR - 2, students_primary=450)
    approved(tree.school, YEAR - 1)
    SchoolRecord.objects.create(school=tree.other_school, year=YEAR - 1, **FIGURES)
    services.open_round(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk, year=YEAR)
    return SchoolRecord.objects.get(school=tree.school, year=YEAR)


def test_opening_a_round_carries_every_figure_of_the_last_approved_record(tree: Tree, opened: SchoolRecord) -> None:
    assert opened.values() == {f.key: LAST_YEAR_FIGURES.get(f.key) for f in RECORD_FIELDS}
    assert (opened.carried_from, opened.awaiting_confirmation, opened.status) == (YEAR - 1, True, "draft")
    (carry,) = Change.objects.filter(record=opened)
    assert (carry.action, carry.reason) == ("carry", "发布 2025 年度填报任务时沿用 2024 年度审核通过的数据，待学校确认")
    # a record never approved is not carried: 第二小学 starts empty
    assert SchoolRecord.objects.get(school=tree.other_school, year=YEAR).values()["school_type"] is None


def test_carried_figures_are_not_reported_until_the_clerk_confirms(tree: Tree, opened: SchoolRecord) -> None:
    assert progress.county_counts(tree.county, YEAR)[State.NOT_STARTED] == 2
    assert tables.county_table(tree.county, YEAR).height == 0
    assert services.county_records(tree.county, YEAR) == []


def test_the_clerk_sees_the_carried_marks_and_confirms_by_saving_one_figure_changed(
    tree: Tree, users: dict[str, User], opened: SchoolRecord
) -> None:
    clerk = client_for(users[Role.CLERK])
    url = reverse("collection:school", args=[tree.school.pk]) + f"?year={YEAR}"
    page = clerk.get(url).content.decode()
    assert "本表已沿用 2024 年度审核通过的数据" in page
    assert page.count('data-carried-for="') == sum(1 for v in LAST_YEAR_FIGURES.values() if v is not None)
    assert "确认并保存" in page

    form = clerk.get(url).context["form"]
    data = {key: form[key].value() for key in form.fields if form[key].value() is not None}
    clerk.post(url, data | {"students_primary": "520", "version": str(opened.version)})

    record = SchoolRecord.objects.get(pk=opened.pk)
    assert record.values() == {f.key: LAST_YEAR_FIGURES.get(f.key) for f in RECORD_FIELDS} | {"students_primary": 520}
    assert record.awaiting_confirmation is False
    assert list(Change.objects.filter(record=record).values_list("action", "field").order_by("id")) == [
        ("carry", ""),
        ("edit", "students_primary"),
        ("confirm", ""),
    ]
    assert progress.county_counts(tree.county, YEAR)[State.IN_PROGRESS] == 1
    assert tables.county_table(tree.county, YEAR)["students_primary"].to_list() == [520]
    assert 'data-carried-for="' not in clerk.get(url).content.decode()


def test_the_reviewer_sees_which_carried_figures_the_school_changed(
    tree: Tree, users: dict[str, User], opened: SchoolRecord
) -> None:
    clerk = users[Role.CLERK]
    record = services.update_record(user=clerk, record=opened, values={"students_primary": 520, "books": "9000"})
    services.submit(user=clerk, record=record)
    response = client_for(users[Role.COUNTY_OFFICE]).get(reverse("collection:review", args=[tree.county.pk, record.pk]))
    assert response.context["changed"] == {"students_primary"}
    changed = [f.key for _, figures in response.context["sections"] for f in figures if f.changed]
    assert changed == ["students_primary"]
    page = response.content.decode()
    assert "学校修改了 <strong>1</strong> 项" in page
    assert page.count("已修改</span>") == 1


def test_reopening_a_round_leaves_figures_a_school_entered(
    tree: Tree, users: dict[str, User], opened: SchoolRecord
) -> None:
    services.update_record(user=users[Role.CLERK], record=opened, values={"students_primary": 520})
    services.open_round(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk, year=YEAR)
    assert SchoolRecord.objects.get(pk=opened.pk).values()["students_primary"] == 520
    assert Change.objects.filter(record=opened, action="carry").count() == 1


def test_opening_a_round_for_more_schools_takes_no_more_queries(
    tree: Tree, users: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        school = Organisation.objects.create(
            kind="school", name=f"第{n}小学", code=f"45210109{n:02d}", parent=tree.county
        )
        approved(school, YEAR - 1)
    with django_assert_max_num_queries(20 + 4):  # and 2 for each renewal of the year's data version
        services.open_round(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk, year=YEAR)
    assert SchoolRecord.objects.filter(year=YEAR, awaiting_confirmation=True).count() == 30


def test_an_imported_workbook_confirms_carried_records(
    tree: Tree, users: dict[str, User], opened: SchoolRecord
) -> None:
    services._store_rows(users[Role.COUNTY_OFFICE], YEAR, [(tree.school, opened, opened.values())], "导入 县.xlsx")
    assert SchoolRecord.objects.get(pk=opened.pk).awaiting_confirmation is False


def test_an_edit_form_keeps_every_other_field(tree: Tree, users: dict[str, User], opened: SchoolRecord) -> None:
    clerk = client_for(users[Role.CLERK])
    url = reverse("collection:school", args=[tree.school.pk]) + f"?year={YEAR}"
    form = clerk.get(url).context["form"]
    data = form_data({key: form[key].value() for key in form.fields if form[key].value() is not None})
    clerk.post(url, data | {"books": "9100"})
    record = SchoolRecord.objects.get(pk=opened.pk)
    assert record.values() == opened.values() | {"books": 9100}


def test_the_audit_trail_names_the_carrying_over_and_the_confirmation(
    tree: Tree, users: dict[str, User], opened: SchoolRecord
) -> None:
    services.update_record(user=users[Role.CLERK], record=opened, values={}, reason="核对无误")
    response = client_for(users[Role.COUNTY_OFFICE]).get(reverse("collection:history", args=[tree.school.pk]))
    page = response.content.decode()
    assert [(row.change.get_action_display(), row.change.reason) for row in response.context["rows"]] == [
        ("确认沿用", "核对无误"),
        ("沿用上年", "发布 2025 年度填报任务时沿用 2024 年度审核通过的数据，待学校确认"),
    ]
    assert "（空）" not in page
    assert page.count("<td>全表</td>") == 2
