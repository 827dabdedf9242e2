"""Each role's home, as a to-do list: what the county office, a school's clerk and a supervisor see first.

A county: its four dimensions, the collection by state, what awaits a decision or a figure, the overdue
class-size ledger rows and the survey. A school: its form's state, the round's deadline and the
returned comment. A city or province: its counties (grouped by city), each with the same four
dimensions and collection progress and a link to every module of that county.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from junheng import numbers
from junheng.numbers import Quantity
from junheng.web.classes.models import LedgerRow
from junheng.web.classes.services import is_overdue
from junheng.web.collection.models import Round, SchoolRecord
from junheng.web.dashboards.queries import counties_for_dashboard
from junheng.web.home import kept_states, modules, progress, states
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User
from junheng.web.reversing import by_id
from junheng.web.survey.models import Survey
from junheng.web.survey.services import survey_results

Kind = Organisation.Kind


@dataclass(frozen=True, slots=True)
class SurveyProgress:
    """The county's survey of the year: responses against the sample the standard asks for."""

    title: str
    status: str
    responses: int
    planned: int
    issued: int
    return_rate: Decimal | None
    url: str

    @property
    def return_rate_text(self) -> str:
        return "" if self.return_rate is None else numbers.figure(self.return_rate, Quantity.RATE)


@dataclass(frozen=True, slots=True)
class CountyHome:
    template = "home/_county.html"
    county: Organisation
    year: int
    state: states.CountyState
    collection: progress.Collection
    round: Round | None
    overdue: tuple[LedgerRow, ...]
    ledger_url: str
    survey: SurveyProgress | None
    survey_url: str
    links: tuple[modules.Link, ...]


@dataclass(frozen=True, slots=True)
class SchoolHome:
    template = "home/_school.html"
    school: Organisation
    year: int
    record: SchoolRecord | None
    round: Round | None
    form_url: str
    dashboard_url: str

    @property
    def state(self) -> str:
        """The form's state in the collection's words (progress.STATES)."""
        key = (
            progress.NOT_STARTED
            if self.record is None
            else progress.record_state(
                self.record.status,
                self.record.school_type is not None,  # type: ignore[attr-defined]
            )
        )
        return dict(progress.STATES)[key]


@dataclass(frozen=True, slots=True)
class CountyRow:
    """A county on a city's or province's home, and its row's HTML."""

    county: Organisation
    state: states.CountyState
    html: SafeString


@dataclass(frozen=True, slots=True)
class ShownCounty:
    """Everything a county's row on a region's home shows (`_county_row.html`): equal rows render alike."""

    id: int
    name: str
    url: str
    state: states.CountyState
    collection: progress.Collection
    links: tuple[modules.Link, ...]


# A province's home renders 150 rows and a write changes one: rows are rendered by this process once for
# what they show (a few KB each), so a page renders only the rows whose county changed.
ROWS_REMEMBERED = 5_000


@functools.lru_cache(maxsize=ROWS_REMEMBERED)
def _county_row(shown: ShownCounty) -> SafeString:
    return mark_safe(render_to_string("home/_county_row.html", {"row": shown}))  # our template


@dataclass(frozen=True, slots=True)
class CityGroup:
    city: Organisation
    counties: tuple[CountyRow, ...]


@dataclass(frozen=True, slots=True)
class RegionHome:
    template = "home/_region.html"
    region: Organisation
    year: int
    cities: tuple[CityGroup, ...]


Home = CountyHome | SchoolHome | RegionHome


def default_year(organisation: Organisation) -> int:
    """The year a home opens on: the latest collection round reaching the organisation, else the latest
    year with records below it, else this year."""
    county_path = organisation.path if organisation.kind != Kind.SCHOOL else organisation.path.rsplit("/", 2)[0] + "/"
    latest = Round.objects.filter(county__path__startswith=county_path).aggregate(year=Max("year"))["year"]
    if latest is None:
        latest = SchoolRecord.objects.filter(school__path__startswith=organisation.path).aggregate(year=Max("year"))[
            "year"
        ]
    return int(latest) if latest is not None else timezone.localdate().year


def home(*, user: User, organisation: Organisation, year: int) -> Home:
    """The home of `organisation` (already checked visible to `user`) in `year`."""
    if organisation.kind == Kind.SCHOOL:
        return school_home(organisation, year)
    if organisation.kind == Kind.COUNTY:
        return county_home(user=user, county=organisation, year=year)
    return region_home(user=user, region=organisation, year=year)


def county_home(*, user: User, county: Organisation, year: int) -> CountyHome:
    """The county office's to-do list for `year`."""
    today = timezone.localdate()
    dated = LedgerRow.objects.filter(county=county, deadline__isnull=False).select_related("school")
    survey = Survey.objects.filter(county=county, year=year).select_related("county").first()
    return CountyHome(
        county=county,
        year=year,
        state=states.county_state(user=user, county_id=county.pk, year=year),
        collection=progress.collection(county, [county], year)[county.pk],
        round=Round.objects.filter(county=county, year=year).first(),
        overdue=tuple(row for row in dated.order_by("deadline") if is_overdue(row, today)),
        ledger_url=reverse("classes:county", args=[county.pk]),
        survey=_survey(survey) if survey is not None else None,
        survey_url=reverse("survey:county", args=[county.pk]),
        links=tuple(modules.links(county, county=county, year=year)),
    )


def school_home(school: Organisation, year: int) -> SchoolHome:
    """A clerk's home: where the school's form of `year` stands."""
    record = SchoolRecord.objects.filter(school=school, year=year).first()
    return SchoolHome(
        school=school,
        year=year,
        record=record,
        round=Round.objects.filter(county_id=school.parent_id, year=year).first(),
        form_url=modules.with_year(reverse("collection:school", args=[school.pk]), year),
        dashboard_url=modules.with_year(reverse("dashboards:school", args=[school.pk]), year),
    )


def region_home(*, user: User, region: Organisation, year: int) -> RegionHome:
    """A city's or province's counties in `year`, grouped by city, each assessed only when its inputs changed
    (`kept_states`): a fixed number of queries for any number of counties once they are kept."""
    counties = counties_for_dashboard(region)
    inputs = kept_states.read_inputs(counties, year)  # before the records, which may change meanwhile
    collections = progress.kept_collections(region, counties, year, inputs.records)
    recorded = {pk: found.records for pk, found in collections.items()}
    county_states = kept_states.county_states(counties=counties, inputs=inputs, recorded=recorded)
    home_of = by_id("home:organisation")
    links = modules.county_links(counties, year)
    rows = [
        CountyRow(
            county,
            county_states[county.pk],
            _county_row(
                ShownCounty(
                    county.pk,
                    county.name,
                    f"{home_of(county.pk)}?year={year}",
                    county_states[county.pk],
                    collections[county.pk],
                    links[county.pk],
                )
            ),
        )
        for county in counties
    ]
    by_city = sorted(rows, key=lambda row: (_city(row.county, region).code, _city(row.county, region).pk))
    cities = tuple(
        CityGroup(city, tuple(group)) for city, group in groupby(by_city, key=lambda row: _city(row.county, region))
    )
    return RegionHome(region, year, cities)


def _city(county: Organisation, region: Organisation) -> Organisation:
    """The county's city (attached by counties_for_dashboard: no query), else the region itself."""
    return county.ancestor(Kind.CITY) or region


def _survey(survey: Survey) -> SurveyProgress:
    results = survey_results(survey)
    overall = results.overall
    return SurveyProgress(
        title=survey.title,
        status=survey.get_status_display(),
        responses=overall.responses,
        planned=results.plan.total,
        issued=overall.issued,
        return_rate=overall.return_rate,
        url=reverse("survey:survey", args=[survey.pk]),
    )
