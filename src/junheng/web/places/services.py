"""Reading a county's school places (issue 6 part 3): places, demand, gap and warning per catchment and for
the whole county, places per 1,000 residents, and the map of catchments and schools. The uploads are in
`places.uploads`.

Every function checks who may see the county (through `orgs.scope`) and raises `Http404` otherwise. Each
reads a fixed number of queries, however many schools and catchments the county has.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.urls import reverse

from junheng.engine import evaluate, places
from junheng.plan.projection import project
from junheng.standards import Standard
from junheng.web.collection.models import SchoolRecord
from junheng.web.collection.services import standard_for
from junheng.web.collection.tables import county_table
from junheng.web.orgs import lookups
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User
from junheng.web.places.models import Births, Catchment, HousingDelivery, Residents, SchoolCapacity, Series

PROJECTION = "projection"
METHODS = {PROJECTION: "在校生预测", Series.REGISTERED.value: "户籍出生人口", Series.RESIDENT.value: "常住出生人口"}
LEVEL_FIELDS = {
    "primary": ("design_classes_primary", "class_size_primary"),
    "junior": ("design_classes_junior", "class_size_junior"),
}
RULE_STATES = {True: "达标", False: "未达标", None: "待判定"}


def rules_for(county: Organisation) -> places.PlacesRules:
    return places.PlacesRules.of(standard_for(county))


@dataclass(frozen=True)
class PlacesView:
    """The places table: `gaps` per catchment, `county_gaps` for the whole county (rows only where the
    county has births without a catchment in the chosen series), `per_1000` the county figure."""

    county: Organisation
    method: str
    gaps: pl.DataFrame
    county_gaps: pl.DataFrame
    per_1000: pl.DataFrame


def _capacities(county: Organisation) -> list[SchoolCapacity]:
    """The county's capacity rows with their school and catchment, in one query."""
    return list(
        SchoolCapacity.objects.filter(school__path__startswith=county.path)
        .select_related("catchment_primary", "catchment_junior", "school")
        .order_by("year", "school__code")
    )


def capacity_table(capacities: Sequence[SchoolCapacity]) -> pl.DataFrame:
    """Capacity rows long by 学段 (engine.places)."""
    rows = [
        (c.school.code, c.year, _name(c.catchment(level)), level, getattr(c, classes), getattr(c, size))
        for c in capacities
        for level, (classes, size) in LEVEL_FIELDS.items()
    ]
    schema = {
        "school": pl.String,
        "year": pl.Int64,
        "catchment": pl.String,
        "level": pl.String,
        "design_classes": pl.Int64,
        "class_size": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _name(catchment: Catchment | None) -> str | None:
    return None if catchment is None else catchment.name


def _projected(county: Organisation, standard: Standard, capacities: pl.DataFrame, years: list[int]) -> pl.DataFrame:
    """Demand from the schools' own enrolment: the latest collected year projected (plan.projection) to
    `[places].horizon_years` past it, each school's students counted in its catchment of the 学段."""
    schema: dict[str, pl.DataType] = {
        "catchment": pl.String(),
        "year": pl.Int64(),
        "level": pl.String(),
        "demand": pl.Float64(),
    }
    latest = SchoolRecord.objects.filter(school__path__startswith=county.path).order_by("-year").first()
    if latest is None or capacities.height == 0:
        return pl.DataFrame(schema=schema)
    base = county_table(county, latest.year)
    horizon = latest.year + places.PlacesRules.of(standard).horizon_years
    projected = project(base, standard, max([horizon, *years]))
    enrolment = pl.concat(
        [t.select("school_id", "year", "students_primary", "students_junior") for t in [base, *projected.values()]]
    ).unique(["school_id", "year"], keep="first")
    assigned = capacities.sort("year").group_by("school", "level").agg(pl.col("catchment").last())
    return (
        enrolment.unpivot(["students_primary", "students_junior"], index=["school_id", "year"], variable_name="level")
        .with_columns(pl.col("level").str.strip_prefix("students_"), pl.col("year").cast(pl.Int64))
        .join(assigned, left_on=["school_id", "level"], right_on=["school", "level"])
        .filter(pl.col("catchment").is_not_null())
        .group_by("catchment", "year", "level")
        .agg(pl.col("value").fill_null(0).sum().cast(pl.Float64).alias("demand"))
        .select(list(schema))
        .cast(pl.Schema(schema))
    )


def _places(
    county: Organisation,
    standard: Standard,
    method: str,
    stored: Sequence[SchoolCapacity],
    catchments: Sequence[Catchment],
) -> PlacesView:
    rules = places.PlacesRules.of(standard)
    capacities = capacity_table(stored)
    births = pl.DataFrame(
        list(Births.objects.filter(county=county).values_list("catchment__name", "year", "series", "births")),
        schema={"catchment": pl.String, "year": pl.Int64, "series": pl.String, "births": pl.Int64},
        orient="row",
    )
    deliveries = pl.DataFrame(
        list(
            HousingDelivery.objects.filter(catchment__county=county).values_list(
                "catchment__name", "year", "households"
            )
        ),
        schema={"catchment": pl.String, "year": pl.Int64, "households": pl.Int64},
        orient="row",
    )
    residents = pl.DataFrame(
        list(Residents.objects.filter(county=county).values_list("year", "residents")),
        schema={"year": pl.Int64, "residents": pl.Int64},
        orient="row",
    )
    years = sorted(set(capacities["year"].to_list()))
    if method == PROJECTION:
        base = _projected(county, standard, capacities, years)
    else:
        base = places.births_demand(births, method, rules)
    years = sorted(set(years) | set(base["year"].to_list()))
    supply = places.places_in(capacities, years, rules)
    housing = places.housing_demand(deliveries, years, rules)
    table = pl.DataFrame(
        [(c.name, c.level) for c in catchments], schema={"catchment": pl.String, "level": pl.String}, orient="row"
    )
    return PlacesView(
        county,
        method,
        places.gaps(table, supply, base, housing, rules),
        places.county_gaps(supply, base, housing, rules),
        places.places_per_1000_residents(capacities, residents, rules),
    )


def county_places(*, user: User, county_id: int, method: str = PROJECTION) -> PlacesView:
    """The county's places, demand, gap and warning per catchment and year and for the whole county, and
    its places per 1,000 residents against the norm."""
    county = lookups.visible_county(user, county_id)
    catchments = list(Catchment.objects.filter(county=county).defer("geometry"))
    return _places(county, standard_for(county), method, _capacities(county), catchments)


@dataclass(frozen=True)
class MapCatchment:
    name: str
    label: str  # the name with its 学段, once: 城东学区（小学）, and 城关学区（小学） left as it is
    level: str
    warning: str | None
    geometry: dict[str, Any] | None  # None: no outline uploaded, listed beside the map
    places: int | None  # that year's places, demand and gap (None: not known)
    demand: float | None
    gap: float | None


@dataclass(frozen=True)
class MapSchool:
    pk: int
    name: str
    code: str
    lat: float | None  # None: no coordinates uploaded, listed beside the map
    lon: float | None
    catchment: str | None  # its catchments, 、-joined (a 九年一贯制 school may serve two)
    warning: str | None  # its catchments' warning that year (the worse of two)
    rule: str  # 达标, 未达标 or 待判定 (no records of that year, or outside the rule's scope)
    students: int | None  # that year's record (None: no record)
    places: int | None  # design classes × class size of its latest capacity row (None: none)


@dataclass(frozen=True)
class PlacesMap:
    county: Organisation
    method: str
    year: int | None
    years: list[int]
    catchments: list[MapCatchment]
    schools: list[MapSchool]
    rules: places.PlacesRules  # the warning thresholds the legend states

    def as_json(self) -> dict[str, Any]:
        """The map's data: a GeoJSON FeatureCollection of the catchments (geometry null where none was
        uploaded) and every school, with null coordinates where none were uploaded."""
        features = [
            {
                "type": "Feature",
                "properties": {
                    "name": c.name,
                    "label": c.label,
                    "level": c.level,
                    "warning": c.warning,
                    "places": c.places,
                    "demand": c.demand,
                    "gap": c.gap,
                },
                "geometry": c.geometry,
            }
            for c in self.catchments
        ]
        schools = [
            {
                "name": s.name,
                "code": s.code,
                "lat": s.lat,
                "lon": s.lon,
                "catchment": s.catchment,
                "warning": s.warning,
                "rule": s.rule,
                "students": s.students,
                "places": s.places,
                "links": {
                    "学校看板": reverse("dashboards:school", args=[s.pk]),
                    "填报数据": reverse("collection:school", args=[s.pk]),
                },
            }
            for s in self.schools
        ]
        return {
            "year": self.year,
            "catchments": {"type": "FeatureCollection", "features": features},
            "schools": schools,
        }


WARNING_ORDER = (places.GREEN, places.YELLOW, places.RED)


def _worst(warnings: Iterable[str | None]) -> str | None:
    """The most serious of the warnings of a school's catchments (a 九年一贯制 school may have two)."""
    known = [w for w in warnings if w in WARNING_ORDER]
    return max(known, key=WARNING_ORDER.index) if known else None


def _school_places(rows: Sequence[SchoolCapacity], rules: places.PlacesRules) -> dict[str, int]:
    """Each school's places, both 学段 together, from the capacity rows given (one per school)."""
    table = places.capacity(capacity_table(rows), rules)
    return dict(table.group_by("school").agg(pl.col("places").sum()).rows())


def county_page(
    *, user: User, county_id: int, year: int | None = None, method: str = PROJECTION
) -> tuple[PlacesView, PlacesMap]:
    """The places page's two parts, computed once: the table (`county_places`) and the map (`map_data`)."""
    county = lookups.visible_county(user, county_id)
    standard = standard_for(county)
    stored = _capacities(county)
    catchments = list(Catchment.objects.filter(county=county))
    view = _places(county, standard, method, stored, catchments)
    return view, _map(county, standard, stored, catchments, view, year)


def map_data(*, user: User, county_id: int, year: int | None = None, method: str = PROJECTION) -> PlacesMap:
    """The catchments coloured by their warning in `year` (default: the latest year with capacities), with
    their places, demand and gap, and every school of the county with its coordinates (those of its latest
    row at or before `year` that has them), its catchment's warning, the school rule on the county's
    records of that year, its students and its places."""
    return county_page(user=user, county_id=county_id, year=year, method=method)[1]


def _map(
    county: Organisation,
    standard: Standard,
    stored: Sequence[SchoolCapacity],
    catchments: Sequence[Catchment],
    view: PlacesView,
    year: int | None,
) -> PlacesMap:
    rules = places.PlacesRules.of(standard)
    years = sorted({c.year for c in stored})
    if year is None and years:
        year = years[-1]
    figures: dict[str, dict[str, Any]] = {}
    verdicts: dict[str, bool] = {}
    students: dict[str, int] = {}
    if year is not None:
        this_year = view.gaps.filter(pl.col("year") == year)
        figures = {row["catchment"]: row for row in this_year.iter_rows(named=True)}
        table = county_table(county, year)
        if table.height:
            rule = evaluate(table, standard).schools
            verdicts = dict(rule.group_by("school_id").agg(pl.col("pass").all()).rows())
            counted = table.select(
                "school_id", pl.sum_horizontal(pl.col("students_primary", "students_junior").fill_null(0))
            )
            students = dict(counted.rows())
    latest: dict[int, SchoolCapacity] = {}
    located: dict[int, SchoolCapacity] = {}
    for c in stored:  # ordered by year
        if year is not None and c.year <= year:
            latest[c.school_id] = c
            if c.latitude is not None and c.longitude is not None:
                located[c.school_id] = c
    school_places = _school_places(list(latest.values()), rules)
    warnings = {name: row["warning"] for name, row in figures.items()}
    schools = []
    for school in county.subtree().filter(kind=Organisation.Kind.SCHOOL).order_by("code"):
        row, point = latest.get(school.pk), located.get(school.pk)
        served = [] if row is None else [c.name for c in (row.catchment_primary, row.catchment_junior) if c]
        schools.append(
            MapSchool(
                school.pk,
                school.name,
                school.code,
                point.latitude if point else None,
                point.longitude if point else None,
                "、".join(served) or None,
                _worst(warnings.get(name) for name in served),
                RULE_STATES[verdicts.get(school.code)],
                students.get(school.code),
                school_places.get(school.code),
            )
        )
    outlines = []
    for catchment in catchments:
        found = figures.get(catchment.name, {})
        outlines.append(
            MapCatchment(
                catchment.name,
                catchment.label,
                catchment.get_level_display(),
                found.get("warning"),
                json.loads(catchment.geometry) if catchment.geometry else None,
                found.get("places"),
                found.get("demand"),
                found.get("gap"),
            )
        )
    return PlacesMap(county, view.method, year, years, outlines, schools, rules)
