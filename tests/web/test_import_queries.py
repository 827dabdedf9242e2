"""A county workbook is stored in one pass: the same number of queries for 25 schools as for 300 (issue 11 §4).

Before, every school cost about eight queries (207 for 25 schools, 2,407 for 300).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from junheng.io.datafile_writer import write_school_file
from junheng.synth import synthesize
from junheng.web.collection import services
from junheng.web.collection.models import Change, SchoolRecord
from junheng.web.orgs.models import Organisation, Role
from tests.web.conftest import Tree, make_user

YEAR = 2025


def _county_workbook(tmp_path: Path, county: Organisation, schools: int) -> tuple[Path, pl.DataFrame]:
    """A synthetic workbook of `schools` schools of `county`, the schools registered under it."""
    table = synthesize(counties=1, schools_per_county=schools, years=(YEAR,), seed=5).with_columns(
        pl.lit(county.name).alias("county"),
        pl.lit(county.code).alias("county_code"),
        (pl.lit(county.code + "9") + pl.int_range(pl.len()).cast(pl.String).str.zfill(3)).alias("school_id"),
    )
    Organisation.objects.bulk_create(
        Organisation(kind="school", name=row["school_name"], code=row["school_id"], parent=county)
        for row in table.iter_rows(named=True)
    )
    for school in Organisation.objects.filter(kind="school", path=""):
        school.save()  # fills in its path
    path = tmp_path / f"{schools}所学校.xlsx"
    write_school_file(table, path)
    return path, table


def _import_queries(tmp_path: Path, county: Organisation, schools: int, *, round_open: bool) -> int:
    office = make_user(f"office-{county.code}", county, Role.COUNTY_OFFICE)
    path, _ = _county_workbook(tmp_path, county, schools)
    if round_open:
        services.open_round(user=office, county_id=county.pk, year=YEAR)
    with CaptureQueriesContext(connection) as queries:
        imported = services.import_workbook(user=office, county_id=county.pk, year=YEAR, path=path, name=path.name)
    assert imported.stored == schools
    return len(queries)


@pytest.mark.parametrize("round_open", [True, False], ids=["into-opened-records", "into-new-records"])
def test_importing_300_schools_costs_the_queries_of_25(tmp_path: Path, tree: Tree, round_open: bool) -> None:
    small = _import_queries(tmp_path, tree.county, 25, round_open=round_open)
    large = _import_queries(tmp_path, tree.other_county, 300, round_open=round_open)
    if connection.vendor == "postgresql":
        assert large == small <= 12
    else:
        # Django splits SQLite statements at 999 parameters: a few more batches, never a query a school.
        assert small <= 20
        assert large < 300 // 2


def test_a_second_import_is_a_new_version_with_an_audited_change_per_changed_figure(
    tmp_path: Path, tree: Tree, users: dict[str, User]
) -> None:
    office = users[Role.COUNTY_OFFICE]
    path, table = _county_workbook(tmp_path, tree.county, 3)
    services.open_round(user=office, county_id=tree.county.pk, year=YEAR)
    services.import_workbook(user=office, county_id=tree.county.pk, year=YEAR, path=path, name=path.name)
    first = table.row(0, named=True)
    changed = table.with_columns(
        pl.when(pl.col("school_id") == first["school_id"])
        .then(pl.col("students_primary") + 1)
        .otherwise(pl.col("students_primary"))
        .alias("students_primary")
    )
    write_school_file(changed, path)
    before = {r.school.code: r.version for r in SchoolRecord.objects.select_related("school")}
    services.import_workbook(user=office, county_id=tree.county.pk, year=YEAR, path=path, name=path.name)
    after = {r.school.code: r for r in SchoolRecord.objects.select_related("school")}
    for code, version in before.items():
        if code in set(table["school_id"]):
            assert after[code].version == version + 1
    record = after[first["school_id"]]
    assert record.values()["students_primary"] == first["students_primary"] + 1
    latest = Change.objects.filter(record=record, field="students_primary").first()
    assert latest is not None
    assert (latest.old, latest.new, latest.user, latest.version) == (
        str(first["students_primary"]),
        str(first["students_primary"] + 1),
        office,
        record.version,
    )
    assert latest.reason == f"导入 {path.name}"
    # the second import audits the one figure it changed, nothing for the figures it left as they were
    assert Change.objects.filter(version=record.version).count() == 1
