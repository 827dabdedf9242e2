"""What the pages keep of a county-year is made again when a write of its records commits (issue 14):
after an approval, the province's and city's home and region pages, the county page and the county
office's tracker compute nothing, and show the change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from junheng.engine import Evaluation, evaluate
from junheng.standards import Standard
from junheng.web.collection import services, tables
from junheng.web.collection.models import SchoolRecord
from junheng.web.dashboards import region_kept
from junheng.web.home import refresh
from junheng.web.orgs.models import Organisation, Role
from tests.web.conftest import Tree, make_user
from tests.web.test_kept import YEAR, _office, _record, city
from tests.web.tracker_rows import tracker_rows

__all__ = ["city"]  # a fixture shared with the kept evaluations' tests

Capture = Callable[..., Any]


def _evaluations(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The counties of every call of the engine by the pages' kept computations, from now on."""
    calls: list[set[str]] = []

    def counted(table: pl.DataFrame, standard: Standard) -> Evaluation:
        calls.append(set(table["county"].to_list()))
        return evaluate(table, standard)

    monkeypatch.setattr(region_kept, "evaluate", counted)
    monkeypatch.setattr(tables, "evaluate", counted)
    return calls


def _pages(tree: Tree, county: Organisation) -> dict[str, tuple[User, str]]:
    province = make_user("province-supervisor", tree.province, Role.SUPERVISOR)
    office = User.objects.get(username=f"office-{county.code}")
    year = f"?year={YEAR}"
    return {
        "province home": (province, f"/{year}"),
        "province page": (province, reverse("dashboards:region", args=[tree.province.pk]) + year),
        "city page": (province, reverse("dashboards:region", args=[tree.city.pk]) + year),
        "county page": (office, reverse("dashboards:county", args=[county.pk]) + year),
        "tracker": (office, reverse("collection:county", args=[county.pk]) + year),
    }


def _open(pages: dict[str, tuple[User, str]]) -> dict[str, str]:
    shown = {}
    for name, (user, url) in pages.items():
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, name
        shown[name] = response.content.decode()
    return shown


def test_after_an_approval_commits_no_page_computes_and_every_page_shows_it(
    tree: Tree,
    city: list[Organisation],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    county = city[1]
    office = _office(county)
    pages = _pages(tree, county)
    _open(pages)  # everything kept
    record = _record(county)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(user=office, record=record)
    calls = _evaluations(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        shown = _open(pages)
    assert calls == []
    assert not [q for q in queries if q["sql"].startswith('SELECT "collection_schoolrecord"."id"')]
    row = next(r for r in tracker_rows(shown["tracker"]) if r.school == record.school.name)
    assert row.state == "已通过"


def test_a_write_of_many_county_years_leaves_them_to_the_pages(
    tree: Tree, city: list[Organisation], monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Capture
) -> None:
    refreshed: list[tuple[int, int]] = []
    monkeypatch.setattr(refresh, "refresh", lambda county, year: refreshed.append((county, year)))
    with django_capture_on_commit_callbacks(execute=True):
        SchoolRecord.objects.filter(school__path__startswith=tree.city.path).update(status=SchoolRecord.Status.DRAFT)
    assert refreshed == []  # 3 counties × 2 years
    with django_capture_on_commit_callbacks(execute=True):
        SchoolRecord.objects.filter(pk=_record(city[2]).pk).update(status=SchoolRecord.Status.SUBMITTED)
    assert refreshed == [(city[2].pk, YEAR)]


def test_a_refresh_that_fails_is_logged_and_the_write_stands(
    tree: Tree,
    city: list[Organisation],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Capture,
    caplog: pytest.LogCaptureFixture,
) -> None:
    county = city[0]
    record = _record(county)

    def broken(counties: Any, year: int) -> None:
        raise RuntimeError("the cache is down")

    monkeypatch.setattr(tables, "counties_year", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(user=_office(county), record=record)
    assert SchoolRecord.objects.get(pk=record.pk).status == SchoolRecord.Status.APPROVED
    assert f"keeping what the pages show of county {county.pk}, year {YEAR} after a write failed" in caplog.text
    monkeypatch.undo()  # the cache is back: the pages compute what could not be kept
    shown = _open(_pages(tree, county))
    assert "已通过" in shown["tracker"]


def test_a_write_makes_the_flags_and_only_a_tracker_someone_opened(
    tree: Tree, city: list[Organisation], django_capture_on_commit_callbacks: Capture
) -> None:
    """The flags every review page shows are made on write; a tracker nobody has opened is left to its page."""
    county = city[1]
    office = _office(county)
    found = SchoolRecord.objects.filter(school__path__startswith=county.path, year=YEAR).select_related("school")
    waiting = list(found.order_by("pk"))
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(user=office, record=waiting[0])

    def records_read(url: str) -> tuple[int, int]:
        """How many times the page read the county's records of both years (the flags), and of the year."""
        client = Client()
        client.force_login(office)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        read = [q["sql"] for q in queries if q["sql"].startswith('SELECT "collection_schoolrecord"."id"')]
        both = [sql for sql in read if '"collection_schoolrecord"."year" IN' in sql]
        return len(both), len(read) - len(both)

    review = reverse("collection:review", args=[county.pk, waiting[1].pk])
    tracker = reverse("collection:county", args=[county.pk]) + f"?year={YEAR}"
    # The flags were made by the write; the page reads its record, last year's and the next one waiting.
    assert records_read(review) == (0, 3)
    assert records_read(tracker) == (0, 1)  # the tracker nobody had opened is made by its page
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(user=office, record=waiting[1])
    with CaptureQueriesContext(connection) as queries:
        shown = _open({"tracker": (office, tracker)})["tracker"]
    assert not [q for q in queries if q["sql"].startswith('SELECT "collection_schoolrecord"."id"')]
    states = {row.school: row.state for row in tracker_rows(shown)}
    assert [states[record.school.name] for record in waiting[:2]] == ["已通过", "已通过"]
