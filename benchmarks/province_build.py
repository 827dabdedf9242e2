"""A synthetic province in the platform's database, for the province-scale load benchmark (issue 14).

The province has cities of about 12 counties each, every county `schools` schools with records of
every year; earlier years approved, the latest year's round open with most records submitted (what a
reviewer approves during the benchmark) and some still drafts. Users, all with one password:

- `bench-province`: the province's supervisor;
- `bench-city-N`: each city's supervisor (N from 1);
- `bench-county-N`: each county's supervision office (N from 1, in the order of `counties()`);
- `bench-school-N`: a clerk of the first school of county N.

Loaded in bulk (one password hash for every user, paths set by one bulk update) so that 150 counties ×
300 schools × 5 years, 225,000 records, load in a few minutes on PostgreSQL. Kept between runs: a
database that already holds a province of the same shape is used as it is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

PROVINCE_CODE = "BENCH-PROVINCE"
PASSWORD = "junheng-bench"
COUNTIES_PER_CITY = 12


@dataclass(frozen=True, slots=True)
class Province:
    """The ids a load run needs: the province, its cities, its counties and one school per county."""

    province: int
    cities: tuple[int, ...]
    counties: tuple[int, ...]
    schools: tuple[int, ...]
    city_of: dict[int, int]
    year: int


def province(counties: int, schools: int, years: tuple[int, ...], *, seed: int = 14) -> Province:
    """The benchmark's province in the configured database, loaded now unless one of this shape is there.

    Django must be set up and migrated (`junheng.web.server.setup()` and `migrate()`).
    """
    from junheng.web.orgs.models import Organisation

    found = Organisation.objects.filter(kind=Organisation.Kind.PROVINCE, code=PROVINCE_CODE).first()
    if found is not None and _shape(found, years) == (counties, schools):
        print(f"using the province already loaded: {counties} counties × {schools} schools × {len(years)} years")
        return _ids(found, max(years))
    if found is not None:
        raise SystemExit(
            f"the database holds a benchmark province of another shape {_shape(found, years)}; "
            "drop it (or name another database) first"
        )
    start = time.perf_counter()
    made = _load(counties, schools, years, seed)
    print(
        f"loaded {counties} counties × {schools} schools × {len(years)} years "
        f"({counties * schools * len(years):,} records) in {time.perf_counter() - start:.0f} s"
    )
    return _ids(made, max(years))


def _shape(found: object, years: tuple[int, ...]) -> tuple[int, int]:
    from junheng.web.collection.models import SchoolRecord
    from junheng.web.orgs.models import Organisation

    assert isinstance(found, Organisation)
    below = Organisation.objects.filter(path__startswith=found.path)
    counties = below.filter(kind=Organisation.Kind.COUNTY).count()
    records = SchoolRecord.objects.filter(school__path__startswith=found.path, year__in=years).count()
    return counties, records // max(counties * len(years), 1)


def _load(counties: int, schools: int, years: tuple[int, ...], seed: int) -> object:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.db import transaction

    from junheng.synth import synthesize
    from junheng.web.collection.models import RECORD_FIELDS, Round, SchoolRecord
    from junheng.web.orgs.models import Membership, Organisation, Role

    table = synthesize(counties=counties, schools_per_county=schools, years=years, seed=seed)
    latest = max(years)
    with transaction.atomic():
        top = Organisation.objects.create(kind=Organisation.Kind.PROVINCE, name="基准省", code=PROVINCE_CODE)
        county_rows = table.filter(table["year"] == latest).unique("county", maintain_order=True)
        cities: list[Organisation] = []
        county_orgs: dict[str, Organisation] = {}
        for index, row in enumerate(county_rows.iter_rows(named=True)):
            if index % COUNTIES_PER_CITY == 0:
                number = len(cities) + 1
                cities.append(
                    Organisation.objects.create(
                        kind=Organisation.Kind.CITY, name=f"基准{number}市", code=f"BENCH-CITY-{number}", parent=top
                    )
                )
            county_orgs[row["county"]] = Organisation.objects.create(
                kind=Organisation.Kind.COUNTY, name=row["county"], code=f"B{row['county_code']}", parent=cities[-1]
            )
        school_orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    kind=Organisation.Kind.SCHOOL,
                    name=row["school_name"],
                    code=row["school_id"],
                    parent=county_orgs[row["county"]],
                    path="",
                )
                for row in table.filter(table["year"] == latest).iter_rows(named=True)
            ],
            batch_size=2000,
        )
        for school in school_orgs:
            assert school.parent is not None
            school.path = f"{school.parent.path}{school.pk}/"
        Organisation.objects.bulk_update(school_orgs, ["path"], batch_size=2000)
        by_code = {school.code: school for school in school_orgs}
        Round.objects.bulk_create(
            Round(county=county, year=year, status=Round.Status.OPEN if year == latest else Round.Status.CLOSED)
            for county in county_orgs.values()
            for year in years
        )
        batch: list[SchoolRecord] = []
        for index, row in enumerate(table.iter_rows(named=True)):
            if row["year"] == latest:
                status = SchoolRecord.Status.DRAFT if index % 10 == 0 else SchoolRecord.Status.SUBMITTED
            else:
                status = SchoolRecord.Status.APPROVED
            record = SchoolRecord(school=by_code[row["school_id"]], year=row["year"], status=status)
            for field in RECORD_FIELDS:
                setattr(record, field.key, row[field.key])
            batch.append(record)
            if len(batch) == 5000:
                SchoolRecord.objects.bulk_create(batch, batch_size=1000)
                batch = []
        SchoolRecord.objects.bulk_create(batch, batch_size=1000)
        password = make_password(PASSWORD)
        people: list[tuple[str, Organisation, str, str]] = [
            ("bench-province", top, Role.SUPERVISOR, "省级督学（基准）")
        ]
        people += [(f"bench-city-{n}", city, Role.SUPERVISOR, f"{city.name}督学") for n, city in enumerate(cities, 1)]
        ordered = list(county_orgs.values())
        people += [(f"bench-county-{n}", c, Role.COUNTY_OFFICE, f"{c.name}督导室") for n, c in enumerate(ordered, 1)]
        firsts = {school.parent_id: school for school in reversed(school_orgs)}
        people += [
            (f"bench-school-{n}", firsts[c.pk], Role.CLERK, f"{firsts[c.pk].name}填报员")
            for n, c in enumerate(ordered, 1)
        ]
        users = User.objects.bulk_create(
            [User(username=name, password=password, first_name=title) for name, _, _, title in people]
        )
        Membership.objects.bulk_create(
            Membership(user=user, organisation=organisation, role=role)
            for user, (_, organisation, role, _) in zip(users, people, strict=True)
        )
    return top


def _ids(top: object, year: int) -> Province:
    from junheng.web.orgs.models import Organisation

    assert isinstance(top, Organisation)
    below = Organisation.objects.filter(path__startswith=top.path)
    cities = tuple(below.filter(kind=Organisation.Kind.CITY).order_by("pk").values_list("pk", flat=True))
    county_rows = [
        (county, int(city or 0))
        for county, city in below.filter(kind=Organisation.Kind.COUNTY).order_by("pk").values_list("pk", "parent")
    ]
    firsts: dict[int, int] = {}
    schools = below.filter(kind=Organisation.Kind.SCHOOL).order_by("-pk").values_list("pk", "parent")
    for school, county in schools.iterator():
        firsts[int(county or 0)] = school
    return Province(
        province=top.pk,
        cities=cities,
        counties=tuple(c for c, _ in county_rows),
        schools=tuple(firsts[c] for c, _ in county_rows),
        city_of={c: city for c, city in county_rows},
        year=year,
    )
