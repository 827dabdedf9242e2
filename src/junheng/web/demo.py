"""The demo city: several counties, three years of synthetic data, one user per role (contracts.md §4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F

from junheng.standards import load_standard
from junheng.synth import brought_up, synthesize
from junheng.web.collection.models import RECORD_FIELDS, Round, SchoolRecord
from junheng.web.demo_ledgers import load_demo_ledgers
from junheng.web.orgs.models import Membership, Organisation, Role

DEMO_PASSWORD = "junheng-demo"
PROVINCE_CODE = "DEMO-PROVINCE"


@dataclass(frozen=True, slots=True)
class Login:
    username: str
    role: str
    organisation: str


def demo_logins() -> list[Login]:
    """The demo users with what they act for, in the order the README lists them."""
    return [
        Login(m.user.username, m.get_role_display(), m.organisation.name)
        for m in Membership.objects.filter(user__username__startswith="demo-")
        .select_related("user", "organisation")
        .order_by("user__username")
    ]


@transaction.atomic
def load_demo(
    *, counties: int = 4, years: Sequence[int] = (2023, 2024, 2025), seed: int = 2025, schools_per_county: int = 60
) -> bool:
    """Load the demo city unless it is there already; True when it was loaded now.

    Earlier years are approved (locked); the latest year's round is open, most schools have
    submitted and some, among them demo-school-1's, are still filling in. The last county has done its
    work in the latest year (`synth.brought_up`), so the demo shows a county that passes resource
    allocation beside counties that do not.
    """
    if Organisation.objects.filter(kind=Organisation.Kind.PROVINCE, code=PROVINCE_CODE).exists():
        return False
    table = synthesize(counties=counties, schools_per_county=schools_per_county, years=years, seed=seed)
    table = brought_up(table, table["county"][-1], load_standard("national-2017"))
    province = Organisation.objects.create(kind=Organisation.Kind.PROVINCE, name="示范省", code=PROVINCE_CODE)
    city = Organisation.objects.create(kind=Organisation.Kind.CITY, name="示范市", code="DEMO-CITY", parent=province)
    county_orgs: dict[str, Organisation] = {}
    school_orgs: dict[str, Organisation] = {}
    latest = max(years)
    for row in table.filter(table["year"] == latest).iter_rows(named=True):
        county = county_orgs.get(row["county"])
        if county is None:
            county = Organisation.objects.create(
                kind=Organisation.Kind.COUNTY, name=row["county"], code=row["county_code"], parent=city
            )
            county_orgs[row["county"]] = county
        school_orgs[row["school_id"]] = Organisation(
            kind=Organisation.Kind.SCHOOL,
            name=row["school_name"],
            code=row["school_id"],
            parent=county,
            path=f"{county.path}new/",
        )
    Organisation.objects.bulk_create(school_orgs.values())
    for school in Organisation.objects.filter(kind=Organisation.Kind.SCHOOL, path__endswith="/new/"):
        assert school.parent is not None
        Organisation.objects.filter(pk=school.pk).update(path=f"{school.parent.path}{school.pk}/")
    schools = {s.code: s for s in Organisation.objects.filter(kind=Organisation.Kind.SCHOOL)}
    for county in county_orgs.values():
        for year in years:
            Round.objects.create(
                county=county, year=year, status=Round.Status.OPEN if year == latest else Round.Status.CLOSED
            )
    records = []
    for index, row in enumerate(table.iter_rows(named=True)):
        if row["year"] == latest:
            status = SchoolRecord.Status.DRAFT if index % 5 == 0 else SchoolRecord.Status.SUBMITTED
        else:
            status = SchoolRecord.Status.APPROVED
        record = SchoolRecord(school=schools[row["school_id"]], year=row["year"], status=status)
        for field in RECORD_FIELDS:
            setattr(record, field.key, row[field.key])
        records.append(record)
    SchoolRecord.objects.bulk_create(records, batch_size=500)
    first, second = list(county_orgs.values())[:2]
    primary = set(table.filter((table["year"] == latest) & (table["school_type"] == "primary"))["school_id"])
    clerk_school = next(s for s in first.children.order_by("code") if s.code in primary)
    SchoolRecord.objects.filter(school=clerk_school, year=latest).update(
        status=SchoolRecord.Status.DRAFT, version=F("version") + 1
    )
    for username, organisation, role, name in [
        ("demo-province", province, Role.SUPERVISOR, "省级督学（演示）"),
        ("demo-city", city, Role.SUPERVISOR, "市级督学（演示）"),
        ("demo-county-1", first, Role.COUNTY_OFFICE, f"{first.name}督导室（演示）"),
        ("demo-county-2", second, Role.COUNTY_OFFICE, f"{second.name}督导室（演示）"),
        ("demo-school-1", clerk_school, Role.CLERK, f"{clerk_school.name}填报员（演示）"),
        ("demo-observer", city, Role.OBSERVER, "观察员（演示）"),
    ]:
        user = User.objects.create_user(username, password=DEMO_PASSWORD, first_name=name)
        Membership.objects.create(user=user, organisation=organisation, role=role)
    load_demo_ledgers(first, table, seed=seed, office=User.objects.get(username="demo-county-1"))
    return True
