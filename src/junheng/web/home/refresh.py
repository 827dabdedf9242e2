"""What the pages keep of a county-year, made again as soon as a write of its records commits (issue 14).

Every page keeps what it computes under the data versions (`collection.kept`), so the first page opened
after a change computes its part anew. At a province's pace, about one approval a second, every visit
to the province's home and region pages would find a few changed counties to assess while a supervisor
waits. So when a transaction that wrote records commits (`data_versions.records_changed`), the writer's
request makes at once what the pages keep of that county-year: its evaluation, its figures on the city
and province pages, its state and collection counts on their home pages, its quality flags and, if
someone has opened it lately, its tracker as the county office first opens it, its county page's
evaluation of every year, and the years its regions offer. Each is made
by the very function the page calls, under the version read before its data, so nothing kept can be newer
or older than a page would make it; a page opened meanwhile computes its part itself, as before.

Only a write of a few county-years does this (a save, a submission, an approval, a county's import); a
write of many (the demo, a province-wide round) leaves them to the pages. A failure here never undoes
the committed write: it is logged, and the pages compute as they would have.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from junheng.web.collection import tables, tracker_page
from junheng.web.dashboards import queries
from junheng.web.dashboards.region_kept import region_figures, region_years
from junheng.web.home import kept_states, progress
from junheng.web.orgs.models import Organisation

log = logging.getLogger(__name__)

# A write touching more county-years than this leaves what is kept of them to the pages.
AT_MOST = 3


def records_changed(sender: object, county_years: Iterable[tuple[int, int]], **kwargs: Any) -> None:
    """The receiver of `data_versions.records_changed`: refresh each county-year written, if they are few."""
    written = sorted(set(county_years))
    if not written or len(written) > AT_MOST:
        return
    for county_id, year in written:
        try:
            refresh(county_id, year)
        except Exception:  # the write has committed: a page will compute what could not be kept now
            log.exception("keeping what the pages show of county %s, year %s after a write failed", county_id, year)


def refresh(county_id: int, year: int) -> None:
    """Make and keep what the pages show of the county's `year` (each part only if not kept already)."""
    county = Organisation.objects.filter(pk=county_id, kind=Organisation.Kind.COUNTY).first()
    if county is None:
        return
    queries.with_ancestors(county)
    tables.counties_year([county], year)
    tables.county_years(county)
    region_figures(county, [county], year)  # kept per county: the region only picks how records are read
    for kind in (Organisation.Kind.CITY, Organisation.Kind.PROVINCE):
        region = county.ancestor(kind)
        if region is not None:
            region_years(region, queries.counties_for_dashboard(region))
    inputs = kept_states.read_inputs([county], year)
    collections = progress.kept_collections(county, [county], year, inputs.records)
    kept_states.county_states(counties=[county], inputs=inputs, recorded={county.pk: collections[county.pk].records})
    tracker_page.after_write(county, year)
