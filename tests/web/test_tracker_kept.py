"""The county tracker is kept between requests (issue 14): its table is rendered once per version of the
county's records, filter and sort, and every change a reader could see shows at once."""

from __future__ import annotations

from django.db import connection
from django.template import Context, Template
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from junheng.web.collection import services, tracker_page
from junheng.web.collection.models import SchoolRecord
from junheng.web.orgs.models import Role
from tests.web.test_collection_views import (
    YEAR,
    World,
    client_for,
    county_url,
    last_years_record,
    submitted,
    world,
)
from tests.web.test_services import FIGURES
from tests.web.tracker_rows import ShownRow, tracker_rows

__all__ = ["world"]  # a fixture shared with the views' tests


def shown(world: World, role: str = Role.COUNTY_OFFICE, **query: str) -> list[ShownRow]:
    page = client_for(world.users[role]).get(county_url(world), {"year": str(YEAR), **query})
    assert page.status_code == 200
    return tracker_rows(page.content.decode())


def records_read(world: World) -> int:
    """How many queries of the school records a county office's tracker page makes."""
    client = client_for(world.users[Role.COUNTY_OFFICE])
    with CaptureQueriesContext(connection) as queries:
        client.get(county_url(world), {"year": str(YEAR)})
    read = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"collection_schoolrecord"' in q["sql"]]
    return len(read)


def test_the_second_visit_reads_no_record_and_shows_the_same_table(world: World) -> None:
    submitted(world)
    assert records_read(world) >= 1
    first = shown(world)
    assert records_read(world) == 0
    assert shown(world) == first


def test_a_record_submitted_shows_at_once_after_the_table_was_kept(world: World) -> None:
    assert [(row.school, row.state) for row in shown(world)] == [
        ("示范县实验小学", "未开始"),
        ("示范县第二小学", "未开始"),
    ]
    submitted(world)
    assert [(row.school, row.state) for row in shown(world)] == [
        ("示范县实验小学", "待审核"),
        ("示范县第二小学", "未开始"),
    ]
    assert [(row.school, row.state) for row in shown(world, state="submitted")] == [("示范县实验小学", "待审核")]


def test_a_change_to_last_years_record_changes_the_flags_shown(world: World) -> None:
    last_years_record(world)
    submitted(world)
    assert [row.flags for row in shown(world)] == [0, 0]
    SchoolRecord.objects.filter(school=world.tree.school, year=YEAR - 1).update(students_primary=250)
    assert [row.flags for row in shown(world)] == [1, 0]


def test_the_checkboxes_are_the_readers_own(world: World) -> None:
    submitted(world)
    assert [row.pick for row in shown(world, Role.COUNTY_OFFICE)] == [True, False]
    assert [row.pick for row in shown(world, Role.OBSERVER)] == [False, False]
    assert [row.pick for row in shown(world, Role.SUPERVISOR)] == [True, False]


def test_a_school_renamed_shows_its_new_name(world: World) -> None:
    assert shown(world)[0].school == "示范县实验小学"
    school = world.tree.school
    school.name = "示范县实验小学（新校区）"
    school.save()
    assert shown(world)[0].school == "示范县实验小学（新校区）"


def test_an_approval_shows_as_approved(world: World) -> None:
    record = submitted(world)
    assert shown(world)[0].state == "待审核"
    services.approve(user=world.users[Role.COUNTY_OFFICE], record=record)
    assert shown(world)[0].state == "已通过"
    assert SchoolRecord.objects.get(pk=record.pk).values()["students_primary"] == FIGURES["students_primary"]


def rows_rendered(world: World) -> list[str]:
    """The schools whose tracker row an observer's page rendered (not taken as kept)."""
    names: list[str] = []

    def rendered(sender: object, template: Template, context: Context, **kwargs: object) -> None:
        if template.name == "collection/_tracker_row.html":
            names.append(context["row"].school)

    template_rendered.connect(rendered)
    try:
        shown(world, Role.OBSERVER)  # no checkboxes: the rows' HTML does not turn on what is left to review
    finally:
        template_rendered.disconnect(rendered)
    return names


def test_after_a_write_only_the_rows_it_changed_are_rendered(world: World) -> None:
    tracker_page._rendered.cache_clear()
    submitted(world)
    assert rows_rendered(world) == ["示范县实验小学", "示范县第二小学"]
    assert rows_rendered(world) == []  # the table itself is kept
    record = SchoolRecord.objects.get(school=world.tree.school, year=YEAR)
    services.approve(user=world.users[Role.COUNTY_OFFICE], record=record)
    assert rows_rendered(world) == ["示范县实验小学"]
    assert [(row.school, row.state) for row in shown(world, Role.OBSERVER)] == [
        ("示范县实验小学", "已通过"),
        ("示范县第二小学", "未开始"),
    ]


def test_a_row_is_rendered_again_when_the_checkboxes_come_or_go(world: World) -> None:
    assert [row.pick for row in shown(world)] == [False, False]
    submitted(world)
    assert [row.pick for row in shown(world)] == [True, False]


def review_page(world: World, record: SchoolRecord) -> tuple[str, list[str]]:
    """A review page as the county office sees it, and the queries of records of both years it made."""
    client = client_for(world.users[Role.COUNTY_OFFICE])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("collection:review", args=[world.tree.county.pk, record.pk]))
    both_years = [q["sql"] for q in queries if '"collection_schoolrecord"."year" IN' in q["sql"]]
    return page.content.decode(), both_years


def test_the_review_pages_flags_are_kept_until_a_record_of_either_year_changes(world: World) -> None:
    last_years_record(world, students_primary=250)
    record = submitted(world)
    message = "小学在校生数由 250 变为 500，比上年增加 100%"
    page, read = review_page(world, record)
    assert message in page and len(read) == 1  # the county's records of both years, read once for the flags
    page, read = review_page(world, record)
    assert message in page and read == []
    SchoolRecord.objects.filter(school=world.tree.school, year=YEAR - 1).update(students_primary=500)
    page, read = review_page(world, record)
    assert "比上年增加" not in page and len(read) == 1
