"""One road from stored records to the engine (issue 11 §3): the same figures on every page, in the API,
the report and the command line, in a number of queries that does not grow with the county."""

from __future__ import annotations

import datetime
import io
import json
import math
from collections.abc import Callable
from contextlib import redirect_stdout
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from junheng.cli import main
from junheng.engine import Evaluation, evaluate
from junheng.messages import level_label
from junheng.standards import Standard
from junheng.synth import synthesize
from junheng.web.api.tokens import issue_token
from junheng.web.assessment import reports
from junheng.web.collection import services, tables
from junheng.web.collection.models import RECORD_FIELDS, SchoolRecord
from junheng.web.demo import load_demo
from junheng.web.groups.models import Group, GroupType, Membership
from junheng.web.orgs.models import Membership as Membership_
from junheng.web.orgs.models import Organisation, Role
from tests.web.conftest import Tree

YEAR = 2025


def _schools(county: Organisation, n: int, years: tuple[int, ...] = (YEAR,)) -> None:
    """`n` synthetic schools of `county`, with records of `years`."""
    table = synthesize(counties=1, schools_per_county=n, years=years, seed=3).with_columns(
        (pl.lit(county.code + "7") + pl.col("school_id").str.slice(-3)).alias("school_id")
    )
    first = table.filter(pl.col("year") == years[0])
    Organisation.objects.bulk_create(
        Organisation(kind="school", name=r["school_name"], code=r["school_id"], parent=county)
        for r in first.iter_rows(named=True)
    )
    for school in Organisation.objects.filter(kind="school", path=""):
        school.save()  # fills in its path
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


def _office(county: Organisation) -> User:
    user = User.objects.create_user(f"office-{county.code}")
    Membership_.objects.create(user=user, organisation=county, role=Role.COUNTY_OFFICE)
    return user


def _queries(action: Callable[[], object]) -> int:
    """The queries `action` makes with nothing kept (the records read and evaluated), but for the database
    cache's own (junheng.web.caches), which keep each county-year's evaluation apart."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        action()
    cached = [q for q in queries if "junheng_cache" in q["sql"] or "SAVEPOINT" in q["sql"]]
    return len(queries) - len(cached)


def test_the_county_page_costs_the_same_queries_for_2_and_20_schools(tree: Tree) -> None:
    counts = []
    for county, n in ((tree.county, 2), (tree.other_county, 20)):
        _schools(county, n)
        client = Client()
        client.force_login(_office(county))
        counts.append(_queries(partial(client.get, reverse("dashboards:county", args=[county.pk]))))
    assert counts[0] == counts[1]


def test_the_report_costs_the_same_queries_for_2_and_20_schools_and_evaluates_once(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluated: list[Evaluation] = []

    def counted(table: pl.DataFrame, standard: Standard) -> Evaluation:
        evaluated.append(evaluate(table, standard))
        return evaluated[-1]

    monkeypatch.setattr(tables, "evaluate", counted)
    counts = []
    for county, n in ((tree.county, 2), (tree.other_county, 20)):
        _schools(county, n)
        office = _office(county)
        evaluated.clear()
        counts.append(_queries(partial(reports.county_report, user=office, county_id=county.pk, year=YEAR)))
        assert len(evaluated) == 1
    assert counts[0] == counts[1]


def test_the_groups_page_costs_the_same_queries_for_one_year_and_four(tree: Tree) -> None:
    counts = []
    for county, years in ((tree.county, (YEAR,)), (tree.other_county, (2022, 2023, 2024, 2025))):
        _schools(county, 5, years)
        group = Group.objects.create(county=county, name="城东教育集团", type=GroupType.objects.filter(county=None)[0])
        for school in county.subtree().filter(kind="school")[:3]:
            Membership.objects.create(group=group, school=school, role="member", joined=datetime.date(2020, 1, 1))
        client = Client()
        client.force_login(_office(county))
        counts.append(_queries(partial(client.get, reverse("groups:county", args=[county.pk]))))
    assert counts[0] == counts[1]


def _number(cv: float | None) -> float | None:
    """A coefficient as the JSON writes it: an undefined one (NaN) as null."""
    return None if cv is None or math.isnan(cv) else cv


def _coefficients(county: dict[str, Any]) -> dict[tuple[str, str], float | None]:
    """The CVs of a county object of contracts.md §2, by (学段, indicator)."""
    return {
        (level, indicator): figures["cv"]
        for level, found in county["levels"].items()
        for indicator, figures in found["indicators"].items()
    }


@pytest.mark.django_db
def test_every_road_gives_the_demo_counties_the_same_coefficients_and_verdict(tmp_path: Path) -> None:
    load_demo()
    city = User.objects.get(username="demo-city")
    api = Client(headers={"Authorization": f"Bearer {issue_token(username=city.username)}"})
    for county in Organisation.objects.filter(kind="county").order_by("path"):
        _, evaluation = tables.county_years(county)
        page = {
            (r["level"], r["indicator"]): _number(r["cv"])
            for r in evaluation.levels.filter(pl.col("year") == YEAR).iter_rows(named=True)
        }
        passed = evaluation.counties.filter(pl.col("year") == YEAR)["pass"].item()

        answer = api.get(f"/api/counties/{county.pk}/evaluation?year={YEAR}").json()
        by_api = _coefficients(answer)

        report = reports.county_report(user=city, county_id=county.pk, year=YEAR)
        labels = {level_label(level): level for level, _ in page}  # the report names each 学段 in Chinese
        by_report = {(labels[p.level], p.indicator): _number(p.cv) for p in report.cvs}

        name, content = services.county_workbook(user=city, county_id=county.pk, year=YEAR)
        (tmp_path / name).write_bytes(content)
        printed = io.StringIO()
        with redirect_stdout(printed):
            assert main(["evaluate", str(tmp_path / name), "--format", "json"]) == 0
        (by_file,) = json.loads(printed.getvalue())["counties"]
        by_cli = _coefficients(by_file)

        assert page == by_api == by_report == by_cli, county.name
        assert passed == answer["pass"] == by_file["pass"], county.name
