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
from junheng.web.collection.data_versions import digest, tokens
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
    """A county's stored records of one year and their evaluation (`engine.evaluate`)."""

    table: pl.DataFrame
    evaluation: Evaluation


def county_year(county: Organisation, year: int) -> Evaluated:
    """The county's school table of `year` and its evaluation under the county's standard, evaluated
    once until a record of that year below the county changes (one query for its version when kept)."""
    standard = load_standard(county.standard_name())

    def evaluated() -> tuple[pl.DataFrame, Frames]:
        table = county_table(county, year)
        return table, frames(evaluate(table, standard))

    version = tokens([county.pk], [year]).get((county.pk, year))
    table, kept_frames = kept.kept(f"county-year:{county.pk}:{year}:{standard.name}", version, evaluated)
    return Evaluated(table, evaluation(standard.name, kept_frames))


def counties_year(counties: Sequence[Organisation], year: int) -> dict[int, Evaluated]:
    """`county_year` of several counties, by id: the kept ones in one cache read, the others' records in one
    query, each county evaluated on its own and kept under the key `county_year` uses (so a county's page
    and a region's home reuse each other's evaluation)."""
    standards = {c.pk: load_standard(c.standard_name()) for c in counties}
    by_key = {f"county-year:{c.pk}:{year}:{standards[c.pk].name}": c for c in counties}

    def evaluated(keys: Sequence[str]) -> dict[str, tuple[pl.DataFrame, Frames]]:
        records = counties_records([by_key[key] for key in keys], [year])
        made = {}
        for key in keys:
            county = by_key[key]
            table = records.table.filter(pl.col("county") == county_key(county))
            made[key] = (table, frames(evaluate(table, standards[county.pk])))
        return made

    versions = tokens([c.pk for c in counties], [year])
    found = kept.kept_many({key: versions.get((c.pk, year)) for key, c in by_key.items()}, evaluated)
    return {
        by_key[key].pk: Evaluated(table, evaluation(standards[by_key[key].pk].name, kept_frames))
        for key, (table, kept_frames) in found.items()
    }


def county_years(county: Organisation) -> tuple[Records, Evaluation]:
    """Every year of the county's stored records and their evaluation, kept like `county_year` under the
    versions of all its years."""
    standard = load_standard(county.standard_name())

    def evaluated() -> tuple[Records, Frames]:
        records = stored_records(county, [county])
        return records, frames(evaluate(records.table, standard))

    version = digest(tokens([county.pk]))
    records, kept_frames = kept.kept(f"county:{county.pk}:{standard.name}", version, evaluated)
    return records, evaluation(standard.name, kept_frames)


Frames = tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None, pl.DataFrame, pl.DataFrame]


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
