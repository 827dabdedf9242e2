"""Round trips and all-or-nothing imports (STYLE.md): a workbook into the database and out again is unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from polars.testing import assert_frame_equal

from junheng.io.datafile_writer import write_school_file
from junheng.io.reader import read_school_file
from junheng.standards import load_standard
from junheng.synth import synthesize
from junheng.web.collection import services
from junheng.web.collection.models import Change, SchoolRecord
from junheng.web.orgs.models import Organisation, Role
from tests.web.conftest import Tree

YEAR = 2025
NATIONAL = load_standard("national-2017")


@pytest.fixture
def synthetic(tree: Tree, users: dict[str, User]) -> pl.DataFrame:
    """A synthetic county of 25 schools of every kind, registered under 示范县, its round open."""
    table = synthesize(counties=1, schools_per_county=25, years=(YEAR,), seed=11).with_columns(
        pl.lit(tree.county.name).alias("county"), pl.lit(tree.county.code).alias("county_code")
    )
    Organisation.objects.bulk_create(
        Organisation(kind="school", name=row["school_name"], code=row["school_id"], parent=tree.county)
        for row in table.iter_rows(named=True)
    )
    for school in Organisation.objects.filter(kind="school", path=""):
        school.save()  # fills in its path
    services.open_round(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk, year=YEAR)
    return table


def _sorted(table: pl.DataFrame) -> pl.DataFrame:
    return table.drop("row", strict=False).sort("school_id")


def test_workbook_to_database_to_workbook_gives_back_what_went_in(
    tmp_path: Path, tree: Tree, users: dict[str, User], synthetic: pl.DataFrame
) -> None:
    source = tmp_path / "全县数据.xlsx"
    write_school_file(synthetic, source)
    office = users[Role.COUNTY_OFFICE]
    imported = services.import_workbook(user=office, county_id=tree.county.pk, year=YEAR, path=source, name=source.name)
    assert imported == services.Imported(synthetic.height, ())

    client = Client()
    client.force_login(office)
    answer = client.get(reverse("collection:export", args=[tree.county.pk]) + f"?year={YEAR}")
    assert answer.status_code == 200
    assert "attachment" in answer["Content-Disposition"]
    exported = tmp_path / "导出.xlsx"
    exported.write_bytes(answer.content)
    assert_frame_equal(_sorted(read_school_file(exported, NATIONAL)), _sorted(synthetic))


def test_an_import_that_fails_half_way_leaves_nothing_behind(
    tmp_path: Path, tree: Tree, users: dict[str, User], synthetic: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "全县数据.xlsx"
    write_school_file(synthetic, source)
    calls = {"n": 0}

    def failing_on_the_audit(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        raise RuntimeError("the database went away")

    # The records are stored before their audit rows: failing there leaves written records to roll back.
    monkeypatch.setattr(Change.objects, "bulk_create", failing_on_the_audit)
    with pytest.raises(RuntimeError):
        services.import_workbook(
            user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk, year=YEAR, path=source, name=source.name
        )
    assert calls["n"] == 1
    assert not Change.objects.exists()
    assert not SchoolRecord.objects.filter(school_type__isnull=False).exists()


def test_a_foreign_county_cannot_be_downloaded(tree: Tree, users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users[Role.COUNTY_OFFICE])
    answer = client.get(reverse("collection:export", args=[tree.other_county.pk]) + f"?year={YEAR}")
    assert answer.status_code == 404
