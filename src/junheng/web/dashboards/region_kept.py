"""A city's or province's counties of a year, composed from each county's kept figures.

Each county-year's figures (`region_tables.CountyFigures`) are kept under its data version
(`collection.data_versions`): a region page reads every county's version in one query and the kept
figures in one cache read, then makes only those of the counties whose records changed since: from
each one's evaluation as its county page keeps it (`tables.counties_year`), or, when most changed,
from the region's records read in one query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from junheng.engine import Evaluation, evaluate
from junheng.standards import load_standard
from junheng.web.collection import kept
from junheng.web.collection import tables as stored
from junheng.web.collection.data_versions import digest, tokens
from junheng.web.dashboards import queries
from junheng.web.dashboards.region_tables import CountyFigures, county_figures
from junheng.web.orgs.models import Organisation


def region_figures(region: Organisation, counties: Sequence[Organisation], year: int) -> dict[int, CountyFigures]:
    """Every county's figures of `year`, by county id; only the counties whose records changed are evaluated.

    A few changed counties are read by their own paths; when most changed (nothing kept yet), the
    region's records are read by its path, which is the cheaper query then.
    """
    versions = tokens([c.pk for c in counties], [year])
    by_key = {f"region-county:{c.pk}:{year}:{c.standard_name()}": c for c in counties}

    def evaluated(keys: Sequence[str]) -> dict[str, CountyFigures]:
        changed = [by_key[key] for key in keys]
        if len(changed) > len(counties) // 2:
            records = stored.stored_records(region, changed, years=[year])
            figures = county_figures(_evaluate_by_standard(records, changed), changed, year, records)
        else:  # each county's evaluation as its page keeps it: a write has usually made it already
            figures = {}
            by_id = {c.pk: c for c in changed}
            for pk, each in stored.counties_year(changed, year).items():
                figures |= county_figures([each.evaluation], [by_id[pk]], year, each.records)
        return {key: figures[by_key[key].pk] for key in keys}

    found = kept.kept_many({key: versions.get((c.pk, year)) for key, c in by_key.items()}, evaluated)
    return {by_key[key].pk: figures for key, figures in found.items()}


def region_years(region: Organisation, counties: Sequence[Organisation]) -> list[int]:
    """The years with data under a city or province, kept until a record of any of its `counties` changes:
    the union of each county's years (`county_years_with_data`), so a write makes one county's query again."""
    found = tokens([c.pk for c in counties])
    version = digest(found)
    return kept.kept(f"region-years:{region.pk}", version, lambda: sorted(county_years_with_data(counties, found)))


def county_years_with_data(
    counties: Sequence[Organisation], found: Mapping[tuple[int, int], str] | None = None
) -> set[int]:
    """The years in which some school of `counties` has figures (`queries.years_with_data`), each county's
    kept under the versions of all its years (`found`, as `tokens` gives them); a county without any has
    had no records written (`data_versions.tokens`), so no years."""
    found = tokens([c.pk for c in counties]) if found is None else found
    of_county: dict[int, dict[tuple[int, int], str]] = {}
    for (county, year), token in found.items():
        of_county.setdefault(county, {})[(county, year)] = token
    by_key = {f"county-data-years:{c.pk}": c for c in counties if c.pk in of_county}
    versions = {key: digest(of_county[c.pk]) for key, c in by_key.items()}
    years = kept.kept_many(versions, lambda keys: {key: queries.years_with_data(by_key[key]) for key in keys})
    return {year for each in years.values() for year in each}


def _evaluate_by_standard(records: stored.Records, counties: Sequence[Organisation]) -> list[Evaluation]:
    """One evaluation per standard in force, usually one for them all (the engine takes many counties)."""
    groups: dict[str, list[str]] = {}
    for county in counties:
        groups.setdefault(county.standard_name(), []).append(stored.county_key(county))
    return [
        evaluate(records.table.filter(pl.col("county").is_in(keys)), load_standard(name))
        for name, keys in groups.items()
    ]
