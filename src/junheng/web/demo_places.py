"""The demo county's school places: catchments (made-up rectangles), capacities, births, housing and
residents, made from the synthetic figures; deterministic in the random generator it is given."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
from django.contrib.auth.models import User

from junheng.engine.places import GRADES
from junheng.web.orgs.models import Organisation
from junheng.web.places.models import Births, Catchment, HousingDelivery, Residents, SchoolCapacity, Series
from junheng.web.places.uploads import upload_catchments

URBAN_TOWNSHIP = "城关镇"
BIRTH_YEARS = range(2014, 2021)

# School places -----------------------------------------------------------------------------------------

# name, 学段, outline (west, south, east, north) in degrees; made-up places near lon 113, lat 23.
CATCHMENTS = [
    ("城关学区（小学）", "primary", (113.30, 23.10, 113.40, 23.18)),
    ("东部学区（小学）", "primary", (113.40, 23.05, 113.60, 23.25)),
    ("西部学区（小学）", "primary", (113.10, 23.05, 113.30, 23.25)),
    ("城关学区（初中）", "junior", (113.30, 23.10, 113.40, 23.18)),
    ("乡镇学区（初中）", "junior", (113.10, 23.05, 113.60, 23.25)),
]


def _catchment_of(level: str, township: str, townships: list[str]) -> str:
    if township == URBAN_TOWNSHIP:
        return "城关学区（小学）" if level == "primary" else "城关学区（初中）"
    if level == "junior":
        return "乡镇学区（初中）"
    return "东部学区（小学）" if townships.index(township) % 2 == 0 else "西部学区（小学）"


def load_places(
    county: Organisation,
    latest: pl.DataFrame,
    schools: dict[str, Organisation],
    rng: np.random.Generator,
    office: User,
) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {"name": name, "level": "小学" if level == "primary" else "初中"},
            "geometry": {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]},
        }
        for name, level, (w, s, e, n) in CATCHMENTS
    ]
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    upload_catchments(user=office, county_id=county.pk, text=text, name="示例学区.geojson")
    catchments = {c.name: c for c in Catchment.objects.filter(county=county)}
    outlines = {name: box for name, _, box in CATCHMENTS}
    townships = sorted({s.township for s in schools.values()} - {URBAN_TOWNSHIP})
    capacities, pupils = [], dict.fromkeys(catchments, 0)
    for index, row in enumerate(latest.sort("school_id").iter_rows(named=True)):
        school = schools[row["school_id"]]
        # a school teaching both 学段 (九年一贯制) serves a primary and a junior catchment
        served = {
            level: _catchment_of(level, school.township, townships)
            for level in ("primary", "junior")
            if row[f"students_{level}"]
        }
        for level, name in served.items():
            pupils[name] += row[f"students_{level}"]
        w, s, e, n = outlines[next(iter(served.values()))]
        # A few schools were built for fewer classes than they now teach, so their catchment runs short.
        short = int(rng.integers(1, 4)) if rng.random() < 0.15 else 0
        located = index not in (3, 11)  # two schools have not sent their coordinates yet
        capacities.append(
            SchoolCapacity(
                school=school,
                year=2025,
                catchment_primary=catchments[served["primary"]] if "primary" in served else None,
                catchment_junior=catchments[served["junior"]] if "junior" in served else None,
                design_classes_primary=max(row["classes_primary"] - short, 0) if "primary" in served else 0,
                design_classes_junior=max(row["classes_junior"] - short, 0) if "junior" in served else 0,
                latitude=round(float(rng.uniform(s + 0.005, n - 0.005)), 5) if located else None,
                longitude=round(float(rng.uniform(w + 0.005, e - 0.005)), 5) if located else None,
            )
        )
    SchoolCapacity.objects.bulk_create(capacities)
    births: list[Births] = []
    # Births peaked in 2016 and have fallen since (a made-up shape of the demo).
    trend = dict(zip(BIRTH_YEARS, [1.00, 1.04, 1.10, 1.03, 0.92, 0.84, 0.76], strict=True))
    for name, catchment in catchments.items():
        yearly = pupils[name] / GRADES[catchment.level]
        for year, factor in trend.items():
            registered = round(yearly * factor * float(rng.uniform(0.95, 1.05)))
            resident = round(registered * (1.12 if catchment.name.startswith("城关") else 0.9))
            births += [
                Births(county=county, catchment=catchment, year=year, series=Series.REGISTERED, births=registered),
                Births(county=county, catchment=catchment, year=year, series=Series.RESIDENT, births=resident),
            ]
    county_yearly = int(latest["students_primary"].sum()) / GRADES["primary"]
    for year, factor in trend.items():
        for series, share in [(Series.REGISTERED, 1.0), (Series.RESIDENT, 0.97)]:
            births.append(Births(county=county, year=year, series=series, births=round(county_yearly * factor * share)))
    Births.objects.bulk_create(births)
    HousingDelivery.objects.bulk_create(
        [
            HousingDelivery(catchment=catchments["城关学区（小学）"], year=2025, households=1200),
            HousingDelivery(catchment=catchments["城关学区（小学）"], year=2026, households=800),
            HousingDelivery(catchment=catchments["城关学区（初中）"], year=2026, households=800),
        ]
    )
    population = round(county_yearly * 1000 / 11)  # about 11 births per 1,000 residents
    Residents.objects.bulk_create(
        Residents(county=county, year=year, residents=round(population * factor))
        for year, factor in [(2023, 1.0), (2024, 0.994), (2025, 0.987)]
    )
