"""The dashboards' named queries: each page's data in a fixed number of queries, whatever its size (STYLE.md).

Every function takes organisations already obtained through `orgs.scope`, so none of them decides
who may see what. Nothing is cached across requests: the figures change while a round is open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db.models import Q

from junheng.schema import polars_schema, within_bounds
from junheng.web.collection.models import RECORD_FIELDS, SchoolRecord
from junheng.web.orgs.models import Organisation

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


def _path_ids(organisation: Organisation) -> list[int]:
    return [int(i) for i in organisation.path.strip("/").split("/") if i]


def _attach_parents(organisations: Iterable[Organisation]) -> None:
    """Set each organisation's `parent` from those given, so that walking up needs no query."""
    known = {o.pk: o for o in organisations}
    for organisation in known.values():
        if organisation.parent_id is not None and organisation.parent_id in known:
            organisation.parent = known[organisation.parent_id]


def with_ancestors(organisation: Organisation) -> None:
    """Fetch every ancestor of `organisation` in one query and attach each as its child's `parent`.

    After this, `standard_name()` and `ancestor()` walk up the tree without touching the database.
    """
    ancestors = Organisation.objects.filter(pk__in=_path_ids(organisation)).exclude(pk=organisation.pk)
    _attach_parents([organisation, *ancestors])


def counties_for_dashboard(region: Organisation) -> list[Organisation]:
    """The counties below a city or province, with every ancestor attached, in one query."""
    organisations = list(
        Organisation.objects.filter(
            Q(pk__in=_path_ids(region)) | (Q(path__startswith=region.path) & ~Q(kind=Organisation.Kind.SCHOOL))
        )
    )
    _attach_parents(organisations)
    # in the order of their 县区代码, as the bureaus list them
    return sorted((o for o in organisations if o.kind == Organisation.Kind.COUNTY), key=lambda o: (o.code, o.pk))


def records_for_dashboard(area: Organisation, counties: Iterable[Organisation], *, year: int | None = None) -> Records:
    """The records of every school under `area` (a school, a county or a region), in one query.

    `counties` are the counties those schools belong to; `year` limits the records to one year. The
    rows go into the table as tuples, column by column of `polars_schema`: a city's 3,000 records
    as dicts would cost the page more than evaluating them.
    """
    by_id = {c.pk: c for c in counties}
    records = SchoolRecord.objects.filter(school__path__startswith=area.path, school__kind=Organisation.Kind.SCHOOL)
    if year is not None:
        records = records.filter(year=year)
    rows: list[tuple[Any, ...]] = []
    schools: dict[str, int] = {}
    progress: dict[tuple[int, int], Progress] = {}
    filled = FIGURES.index("school_type")
    for year_, status, school, code, name, path, *figures in records.values_list(
        "year", "status", "school", "school__code", "school__name", "school__path", *FIGURES
    ):
        county = _county_of(path, by_id)
        if county is None:
            continue
        counted = progress.setdefault((county.pk, year_), Progress())
        counted.records += 1
        counted.handed_in += status in COUNTED
        counted.approved += status == SchoolRecord.Status.APPROVED
        if figures[filled] is None:  # opened by the round, not filled yet
            continue
        schools[code] = school
        rows.append((year_, county_key(county), county.code, code, name, *figures))
    return Records(_table(rows), schools, progress)


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


def years_with_data(area: Organisation) -> list[int]:
    """The years in which some school under `area` has figures, oldest first."""
    years = (
        SchoolRecord.objects.filter(
            school__path__startswith=area.path, school__kind=Organisation.Kind.SCHOOL, school_type__isnull=False
        )
        .order_by("year")
        .values_list("year", flat=True)
        .distinct()
    )
    return list(years)
