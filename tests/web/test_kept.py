"""Evaluate only what changed (issue 14 §1): each county-year's figures are kept under its data version in the
cache every process shares (the database's by default, Redis at JUNHENG_CACHE_URL), and a city page
evaluates again only the counties whose records changed."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from polars.testing import assert_frame_equal

from junheng.engine import Evaluation, evaluate
from junheng.standards import Standard, load_standard
from junheng.synth import synthesize
from junheng.web.caches import cache_settings
from junheng.web.collection import services, tables
from junheng.web.collection.data_versions import tokens
from junheng.web.collection.models import RECORD_FIELDS, SchoolRecord
from junheng.web.dashboards import queries, region_kept
from junheng.web.orgs.models import Membership, Organisation, Role
from tests.web import kept_steps
from tests.web.conftest import Tree

YEAR = 2025
NO_REDIS = "JUNHENG_CACHE_URL is not set: scripts/test.sh runs these tests again with Redis"


@pytest.fixture(params=["database", "redis"])
def shared_cache(request: pytest.FixtureRequest, settings: Any, db: None) -> str:
    """The cache the platform keeps evaluations in: the database's table, or Redis when one is named."""
    url = os.environ.get("JUNHENG_CACHE_URL", "")
    if request.param == "redis":
        if not url:
            pytest.skip(NO_REDIS)
        settings.CACHES = cache_settings({"JUNHENG_CACHE_URL": url})
        cache.clear()
    else:
        settings.CACHES = cache_settings({})
        call_command("createcachetable", verbosity=0)  # made with the test database unless Redis was named
    return str(request.param)


def _schools(county: Organisation, n: int, seed: int) -> None:
    """`n` synthetic schools of `county` with submitted records of YEAR and of the year before."""
    table = synthesize(counties=1, schools_per_county=n, years=(YEAR - 1, YEAR), seed=seed).with_columns(
        (pl.lit(county.code + "7") + pl.col("school_id").str.slice(-3)).alias("school_id")
    )
    for row in table.filter(pl.col("year") == YEAR).iter_rows(named=True):
        Organisation.objects.create(kind="school", name=row["school_name"], code=row["school_id"], parent=county)
    by_code = {s.code: s for s in county.subtree().filter(kind="school")}
    SchoolRecord.objects.bulk_create(
        SchoolRecord(
            school=by_code[r["school_id"]],
            year=r["year"],
            status=SchoolRecord.Status.SUBMITTED,
            **{f.key: r[f.key] for f in RECORD_FIELDS},
        )
        for r in table.iter_rows(named=True)
    )


@pytest.fixture
def city(tree: Tree) -> list[Organisation]:
    """The city's three counties, with records of 6, 8 and 10 schools."""
    third = Organisation.objects.create(kind="county", name="远山县", code="452103", parent=tree.city)
    counties = [tree.county, tree.other_county, third]
    for seed, county in enumerate(counties):
        _schools(county, 6 + 2 * seed, seed)
    return counties


def _office(county: Organisation) -> User:
    user = User.objects.create_user(f"office-{county.code}")
    Membership.objects.create(user=user, organisation=county, role=Role.COUNTY_OFFICE)
    return user


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The counties of each of the region pages' calls of the engine, from now on."""
    calls: list[set[str]] = []

    def counted(table: pl.DataFrame, standard: Standard) -> Evaluation:
        calls.append(set(table["county"].to_list()))
        return evaluate(table, standard)

    monkeypatch.setattr(region_kept, "evaluate", counted)  # most counties changed: the region's records at once
    monkeypatch.setattr(tables, "evaluate", counted)  # a few: each county-year as its page keeps it
    return calls


def _record(county: Organisation, year: int = YEAR) -> SchoolRecord:
    found = SchoolRecord.objects.filter(school__path__startswith=county.path, year=year).order_by("school__code")
    return found.select_related("school").first()  # type: ignore[return-value]


def test_a_change_in_one_county_evaluates_that_county_alone_on_the_city_page(
    shared_cache: str, tree: Tree, city: list[Organisation], users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counted(monkeypatch)
    client = Client()
    client.force_login(users[Role.SUPERVISOR])
    url = reverse("dashboards:region", args=[tree.city.pk]) + f"?year={YEAR}"
    assert client.get(url).status_code == 200
    assert calls == [{str(c.pk) for c in city}]  # nothing kept yet: every county, in one call

    calls.clear()
    client.get(url)
    assert calls == []  # nothing changed: nothing evaluated

    middle = city[1]
    services.approve(user=_office(middle), record=_record(middle))
    page = client.get(url).content.decode()
    assert calls == [{str(middle.pk)}]
    assert "1 / 8" not in page and "8 / 8" in page  # every record handed in, one of them now approved
    assert services.county_records(middle, YEAR)[0].status == SchoolRecord.Status.APPROVED


def test_a_county_page_after_a_change_shows_the_changed_figures(
    shared_cache: str, tree: Tree, city: list[Organisation], users: dict[str, User]
) -> None:
    client = Client()
    client.force_login(users[Role.SUPERVISOR])
    url = reverse("dashboards:county", args=[tree.county.pk]) + f"?year={YEAR}"
    before = client.get(url).content.decode()
    assert (tables.county_year(tree.county, YEAR).table["equipment_value_yuan"] > 1).all()
    record = _record(tree.county)
    services.update_record(
        user=_office(tree.county), record=record, values={"equipment_value_yuan": 1.0}, reason="核实后更正"
    )
    assert client.get(url).content.decode() != before
    kept = tables.county_year(tree.county, YEAR).table
    assert kept.filter(pl.col("school_id") == record.school.code)["equipment_value_yuan"].to_list() == [1.0]


def _import(county: Organisation, user: User, tmp_path: Path) -> None:
    name, content = services.county_workbook(user=user, county_id=county.pk, year=YEAR)
    (tmp_path / name).write_bytes(content)
    services.import_workbook(user=user, county_id=county.pk, year=YEAR, path=tmp_path / name, name=name)


WRITES: dict[str, Callable[[Organisation, User, Path], Any]] = {
    "save": lambda county, user, _: services.update_record(
        user=user, record=_record(county), values={"multimedia_rooms": 99}, reason="核实后更正"
    ),
    "approve": lambda county, user, _: services.approve(user=user, record=_record(county)),
    "return": lambda county, user, _: services.return_record(user=user, record=_record(county), comment="请核对"),
    "import": _import,
    "open round": lambda county, user, _: services.open_round(user=user, county_id=county.pk, year=YEAR),
    "delete": lambda county, user, _: _record(county).delete(),
    "bulk update": lambda county, user, _: (
        SchoolRecord.objects.filter(school__path__startswith=county.path)
        .filter(year=YEAR)
        .update(review_comment="请核对")
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_renews_the_version_of_its_county_year_alone(
    write: str, tree: Tree, city: list[Organisation], tmp_path: Path
) -> None:
    county = city[0]
    keys = [(c.pk, year) for c in city for year in (YEAR - 1, YEAR)]
    before = tokens([c.pk for c in city], [YEAR - 1, YEAR])
    assert sorted(before) == sorted(keys)  # made by the records' own bulk creation
    WRITES[write](county, _office(county), tmp_path)
    after = tokens([c.pk for c in city], [YEAR - 1, YEAR])
    assert [key for key in keys if after[key] != before[key]] == [(county.pk, YEAR)]


def test_a_school_renamed_or_moved_renews_its_counties_versions(tree: Tree, city: list[Organisation]) -> None:
    school = _record(city[0]).school
    before = tokens([c.pk for c in city], [YEAR])
    school.name = "更名后的学校"
    school.parent = city[2]
    school.save()
    after = tokens([c.pk for c in city], [YEAR])
    assert [c.pk for c in city if after[(c.pk, YEAR)] != before[(c.pk, YEAR)]] == [city[0].pk, city[2].pk]


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_another_process_sees_a_change_at_once_and_evaluates_that_county_alone(backend: str, tmp_path: Path) -> None:
    """The demo city in processes of their own over one database and one cache, as on several servers."""
    environ = kept_steps.environment(tmp_path)
    if backend == "redis":
        if not os.environ.get("JUNHENG_CACHE_URL"):
            pytest.skip(NO_REDIS)
        environ["JUNHENG_CACHE_URL"] = os.environ["JUNHENG_CACHE_URL"]
    assert kept_steps.run("prepare", environ) == {"loaded": True}
    first = kept_steps.run("city", environ)
    assert len(first["evaluated"]) == 4  # the first page evaluates the demo's four counties
    assert kept_steps.run("city", environ) == first | {"evaluated": []}  # another process: all of them kept

    changed = kept_steps.run("change", environ)["county"]
    after = kept_steps.run("city", environ)
    # The writer's process kept the changed county's figures as its writes committed (home.refresh): this
    # process evaluates nothing, and shows the change. (Without that, it evaluates that county alone:
    # test_a_change_in_one_county_evaluates_that_county_alone_on_the_city_page.)
    assert after["evaluated"] == []
    verdict, handed_in, approved = first["counties"][changed]
    assert (verdict, approved) == ("通过", 0)
    assert after["counties"][changed] == ["未通过", handed_in, 1]  # the other process's change, at once
    assert {k: v for k, v in after["counties"].items() if k != changed} == {
        k: v for k, v in first["counties"].items() if k != changed
    }


@pytest.mark.django_db(transaction=True)
def test_a_page_read_while_a_write_is_uncommitted_keeps_nothing_stale_after_it_commits(
    tree: Tree, city: list[Organisation]
) -> None:
    """A writer in another connection (as on another server) holds its transaction open while a page is read."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing and reading at once: run on PostgreSQL (scripts/test.sh)")
    county = city[0]
    office = _office(county)
    before = region_kept.region_figures(tree.city, city, YEAR)
    written, commit = threading.Event(), threading.Event()

    def writer() -> None:
        try:
            with transaction.atomic():
                for record in SchoolRecord.objects.filter(school__path__startswith=county.path, year=YEAR):
                    services.update_record(user=office, record=record, values={"equipment_value_yuan": 1.0})
                written.set()
                assert commit.wait(60)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(60)
    assert region_kept.region_figures(tree.city, city, YEAR) == before  # not committed: not seen, nothing new kept
    commit.set()
    thread.join(60)
    after = region_kept.region_figures(tree.city, city, YEAR)
    assert after[county.pk] != before[county.pk]
    assert {k: v for k, v in after.items() if k != county.pk} == {k: v for k, v in before.items() if k != county.pk}
    cache.clear()
    assert region_kept.region_figures(tree.city, city, YEAR) == after  # what was kept is what the records give


def test_the_city_page_offers_a_year_as_soon_as_one_county_has_records_of_it(
    shared_cache: str, tree: Tree, city: list[Organisation], users: dict[str, User]
) -> None:
    client = Client()
    client.force_login(users[Role.SUPERVISOR])
    url = reverse("dashboards:region", args=[tree.city.pk])
    assert client.get(url).context["years"] == [YEAR - 1, YEAR]
    record = _record(city[2])
    SchoolRecord.objects.create(school=record.school, year=YEAR + 1, **record.values())
    assert client.get(url).context["years"] == [YEAR - 1, YEAR, YEAR + 1]


def test_after_a_write_the_city_page_reads_the_years_of_that_county_alone(
    shared_cache: str, tree: Tree, city: list[Organisation], users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def counted(area: Organisation) -> list[int]:
        asked.append(area.name)
        return queries.years_with_data(area)

    monkeypatch.setattr(region_kept, "queries", SimpleNamespace(years_with_data=counted))
    client = Client()
    client.force_login(users[Role.SUPERVISOR])
    url = reverse("dashboards:region", args=[tree.city.pk])
    assert client.get(url).context["years"] == [YEAR - 1, YEAR]
    assert sorted(asked) == sorted(c.name for c in city)
    asked.clear()
    record = _record(city[2])
    SchoolRecord.objects.create(school=record.school, year=YEAR + 1, **record.values())
    assert client.get(url).context["years"] == [YEAR - 1, YEAR, YEAR + 1]
    assert asked == [city[2].name]
    asked.clear()
    assert client.get(url).context["years"] == [YEAR - 1, YEAR, YEAR + 1]
    assert asked == []


def test_a_countys_years_are_each_year_evaluated_alone_put_together(
    shared_cache: str, city: list[Organisation], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The county page's every-year evaluation equals the engine's over all the years at once, and after a
    write only the year written is read and evaluated again."""
    county = city[1]
    whole = tables.stored_records(county, [county])
    expected = evaluate(whole.table, load_standard(county.standard_name()))

    def same_as_expected(records: tables.Records, evaluation: Evaluation) -> None:
        assert_frame_equal(records.table, whole.table, check_row_order=False)
        assert (records.schools, records.progress) == (whole.schools, whole.progress)
        for got, wanted, by in (
            (evaluation.schools, expected.schools, ["year", "school_id", "level"]),
            (evaluation.levels, expected.levels, ["year", "level", "indicator"]),
            (evaluation.counties, expected.counties, ["year"]),
            (evaluation.excluded, expected.excluded, ["year", "school_id"]),
        ):
            assert_frame_equal(got.sort(by), wanted.sort(by))

    same_as_expected(*tables.county_years(county))
    years: list[list[int]] = []

    def counted(table: pl.DataFrame, standard: Standard) -> Evaluation:
        years.append(table["year"].unique().to_list())
        return evaluate(table, standard)

    monkeypatch.setattr(tables, "evaluate", counted)
    same_as_expected(*tables.county_years(county))
    assert years == []
    record = _record(county, YEAR - 1)
    SchoolRecord.objects.filter(pk=record.pk).update(sports_area_m2=record.values()["sports_area_m2"])
    same_as_expected(*tables.county_years(county))
    assert years == [[YEAR - 1]]


def test_a_record_moved_to_another_year_gives_that_year_a_data_version(tree: Tree) -> None:
    """An update of a record's year renews both county-years (the navigation offers the years written)."""
    record = SchoolRecord.objects.create(school=tree.school, year=2025)
    before = tokens([tree.county.pk])
    SchoolRecord.objects.filter(pk=record.pk).update(year=2024)
    after = tokens([tree.county.pk])
    assert (tree.county.pk, 2024) in after
    assert after[(tree.county.pk, 2025)] != before[(tree.county.pk, 2025)]
    record.refresh_from_db()
    record.year = 2023
    SchoolRecord.objects.bulk_update([record], ["year"])
    moved = tokens([tree.county.pk])
    assert (tree.county.pk, 2023) in moved
    assert moved[(tree.county.pk, 2024)] != after[(tree.county.pk, 2024)]
