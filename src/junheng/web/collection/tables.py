"""The one road from stored records to the engine: every page, the API, the report, groups and planning.

Stored records of one or many county-years become the engine's school table in one query
(`stored_records`), with the same column shapes as the data-file reader gives (`schema.polars_schema`)
and the county identified by its id (`county_key`): two counties may share a name. A figure stored
before the bounds were checked and outside them reads as not reported (`schema.within_bounds`).
An evaluation is kept (`collection.kept`) under its county-year's data version until a record of it
changes, so a request that needs it twice, the pages after it and the other servers evaluate once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db.models import QuerySet

from junheng.engine import Evaluation, evaluate
from junheng.schema import polars_schema, within_bounds
from junheng.standards import load_standard
from junheng.web.collection import kept
from junheng.web.collection.data_versions import tokens
from junheng.web.collection.models import RECORD_FIELDS, SchoolRecord
from junheng.web.orgs.models import Organisation, under_any

IDENTITY = ("year", "county", "county_code", "school_id", "school_name")
FIGURES = tuple(f.key for f in RECORD_FIELDS)
COUNTED = frozenset({SchoolRecord.Status.SUBMITTED, SchoolRecord.Status.APPROVED})


def county_key(county: Organisation) -> str:
    """The county's value in the engine's `county` column: its id, since two counties may share a name."""
    return str(county.pk)


@dataclass
class Progress:
    """A county's collection of one year: records, those handed in (submitted or approved), those approved."""

    records: int = 0
    handed_in: int = 0
    approved: int = 0


@dataclass(frozen=True, slots=True)
class Records:
    """Stored records of some schools, as the engine takes them and as the collection counts them.

    `table` holds the records with figures (a record the school has not filled yet has none) as a
    validated data-file table (contracts.md §1) whose `county` column is `county_key`. `schools` maps
    a school's 学校标识码 to its organisation id, for links; `progress` is keyed by (county id, year).
    """

    table: pl.DataFrame
    schools: dict[str, int]
    progress: dict[tuple[int, int], Progress]

    @property
    def years(self) -> list[int]:
        """The years that have figures, oldest first."""
        return sorted(set(self.table["year"].to_list()))


def stored_records(
    area: Organisation, counties: Iterable[Organisation], *, years: Sequence[int] | None = None
) -> Records:
    """The records of every school under `area` (a school, a county or a region), in one query.

    `counties` are the counties those schools belong to; `years` limits the records to those years. The
    rows go into the table as tuples, column by column of `polars_schema`: a city's 3,000 records
    as dicts would cost the page more than evaluating them.
    """
    records = SchoolRecord.objects.filter(school__path__startswith=area.path, school__kind=Organisation.Kind.SCHOOL)
    return _records(records, counties, years)


def counties_records(counties: Sequence[Organisation], years: Sequence[int]) -> Records:
    """The records of `years` of every school of `counties`, in one query (a region's changed counties)."""
    below = under_any(counties, "school__")  # no county, no record
    return _records(SchoolRecord.objects.filter(below, school__kind=Organisation.Kind.SCHOOL), counties, years)


def _records(records: QuerySet[SchoolRecord], counties: Iterable[Organisation], years: Sequence[int] | None) -> Records:
    by_id = {c.pk: c for c in counties}
    if years is not None:
        records = records.filter(year__in=list(years))
    rows: list[tuple[Any, ...]] = []
    schools: dict[str, int] = {}
    progress: dict[tuple[int, int], Progress] = {}
    filled = FIGURES.index("school_type")
    for year_, status, awaiting, school, code, name, path, *figures in records.values_list(
        "year", "status", "awaiting_confirmation", "school", "school__code", "school__name", "school__path", *FIGURES
    ):
        county = _county_of(path, by_id)
        if county is None:
            continue
        counted = progress.setdefault((county.pk, year_), Progress())
        counted.records += 1
        counted.handed_in += status in COUNTED
        counted.approved += status == SchoolRecord.Status.APPROVED
        if figures[filled] is None or awaiting:  # opened by the round, not filled (or confirmed) yet
            continue
        schools[code] = school
        rows.append((year_, county_key(county), county.code, code, name, *figures))
    return Records(_table(rows), schools, progress)


def county_table(county: Organisation, years: int | Sequence[int]) -> pl.DataFrame:
    """The county's stored figures of a year (or of several) as the engine's school table, in one query."""
    return stored_records(county, [county], years=[years] if isinstance(years, int) else years).table


@dataclass(frozen=True, slots=True)
class Evaluated:
    """A county's stored records of one year and their evaluation (`engine.evaluate`); `records` are the
    table with the schools' ids and the collection's counts."""

    table: pl.DataFrame
    evaluation: Evaluation
    records: Records


def county_year(county: Organisation, year: int) -> Evaluated:
    """The county's school table of `year` and its evaluation under the county's standard, evaluated
    once until a record of that year below the county changes (one query for its version when kept)."""
    return counties_year([county], year)[county.pk]


def counties_year(counties: Sequence[Organisation], year: int) -> dict[int, Evaluated]:
    """`county_year` of several counties, by id: the kept ones in one cache read, the others' records in one
    query, each county evaluated on its own and kept under its county-year's key (`_year_key`), which a
    county's page, a region's home and the county's years (`county_years`) share."""
    standards = {c.pk: load_standard(c.standard_name()) for c in counties}
    by_key = {_year_key(c, year, standards[c.pk].name): c for c in counties}

    def evaluated(keys: Sequence[str]) -> dict[str, YearKept]:
        changed = [by_key[key] for key in keys]
        records = counties_records(changed, [year])
        return {key: _county_year(records, by_key[key], year, standards[by_key[key].pk].name) for key in keys}

    versions = tokens([c.pk for c in counties], [year])
    found = kept.kept_many({key: versions.get((c.pk, year)) for key, c in by_key.items()}, evaluated)
    return {
        by_key[key].pk: Evaluated(records.table, evaluation(standards[by_key[key].pk].name, kept_frames), records)
        for key, (records, kept_frames) in found.items()
    }


def county_years(county: Organisation) -> tuple[Records, Evaluation]:
    """Every year of the county's stored records and their evaluation: each year's as `county_year` keeps
    it, the years whose records changed read in one query, put together year by year (a county-year is
    evaluated on its own: the engine's figures of several years are each year's)."""
    standard = load_standard(county.standard_name())
    versions = tokens([county.pk])
    if not versions:  # no records written (`data_versions.tokens`), or none since tokens came: nothing kept
        records = stored_records(county, [county])
        return records, evaluate(records.table, standard)
    by_key = {_year_key(county, year, standard.name): year for _, year in sorted(versions)}

    def evaluated(keys: Sequence[str]) -> dict[str, YearKept]:
        records = stored_records(county, [county], years=[by_key[key] for key in keys])
        return {key: _county_year(records, county, by_key[key], standard.name) for key in keys}

    found = kept.kept_many({key: versions[(county.pk, year)] for key, year in by_key.items()}, evaluated)
    years = [found[key] for key in by_key]  # oldest first
    records = Records(
        pl.concat([each.table for each, _ in years]),
        {code: school for each, _ in years for code, school in each.schools.items()},
        {key: counted for each, _ in years for key, counted in each.progress.items()},
    )
    evaluated_years = [kept_frames for each, kept_frames in years if each.table.height] or [years[0][1]]
    return records, evaluation(standard.name, _concat(evaluated_years))


def _year_key(county: Organisation, year: int, standard: str) -> str:
    return f"county-year-records:{county.pk}:{year}:{standard}"


def _county_year(records: Records, county: Organisation, year: int, standard: str) -> YearKept:
    """The county's part of `records` in `year`, and its evaluation's tables, as a county-year is kept."""
    table = records.table.filter((pl.col("county") == county_key(county)) & (pl.col("year") == year))
    codes = set(table["school_id"].to_list())
    part = Records(
        table,
        {code: school for code, school in records.schools.items() if code in codes},
        {key: counted for key, counted in records.progress.items() if key == (county.pk, year)},
    )
    return part, frames(evaluate(table, load_standard(standard)))


def _concat(years: Sequence[Frames]) -> Frames:
    """The tables of several years' evaluations as one evaluation's, year after year."""

    def joined(i: int) -> pl.DataFrame | None:
        parts = [part for each in years if (part := each[i]) is not None]
        return pl.concat(parts) if parts else None

    schools, levels, composites, counties, excluded = (joined(i) for i in range(5))
    assert schools is not None and levels is not None and counties is not None and excluded is not None
    return schools, levels, composites, counties, excluded


Frames = tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None, pl.DataFrame, pl.DataFrame]
# A county-year as kept: its records and its evaluation's tables.
YearKept = tuple[Records, Frames]


def frames(evaluation: Evaluation) -> Frames:
    """The evaluation's tables, as kept: its standard goes by name (`evaluation` puts it back)."""
    return evaluation.schools, evaluation.levels, evaluation.composites, evaluation.counties, evaluation.excluded


def evaluation(standard: str, kept: Frames) -> Evaluation:
    """The evaluation whose tables `frames` kept, under the standard of that name."""
    schools, levels, composites, counties, excluded = kept
    return Evaluation(load_standard(standard), schools, levels, composites, counties, excluded)


def _table(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    """A validated data-file table (contracts.md §1) from rows of IDENTITY then FIGURES; a figure outside its
    bounds, stored before they were checked, reads as not reported (`schema.within_bounds`)."""
    schema = polars_schema()
    columns = [(key, schema[key]) for key in (*IDENTITY, *FIGURES)]
    return within_bounds(pl.DataFrame(rows, schema=columns, orient="row").select(list(schema)))


def _county_of(path: str, counties: dict[int, Organisation]) -> Organisation | None:
    for node in path.strip("/").split("/"):
        county = counties.get(int(node)) if node else None
        if county is not None:
            return county
    return None
