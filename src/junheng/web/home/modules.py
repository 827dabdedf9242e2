"""The platform's modules as the navigation lists them, and the page of each for an organisation.

A module has a page per county; a few also have one per school or per city/province. Where a
region has no page of its own, the link goes to the county picker (`home:counties`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.urls import reverse

from junheng.web.orgs.models import Organisation
from junheng.web.reversing import by_id

Kind = Organisation.Kind


@dataclass(frozen=True, slots=True)
class Module:
    """A module: its key (its URL namespace), its name, and its pages' URL names by kind of organisation."""

    key: str
    name: str
    county: str
    school: str | None = None
    region: str | None = None


MODULES: tuple[Module, ...] = (
    Module("collection", "填报与审核", "collection:county", school="collection:school"),
    Module("dashboards", "资源配置看板", "dashboards:county", school="dashboards:school", region="dashboards:region"),
    Module("assessment", "督导评估", "assessment:county"),
    Module("planning", "达标规划", "planning:county"),
    Module("survey", "社会认可度调查", "survey:county"),
    Module("classes", "大班额台账", "classes:county"),
    Module("groups", "集团化办学", "groups:county"),
    Module("places", "学位供需", "places:county"),
)
BY_KEY = {m.key: m for m in MODULES}


@dataclass(frozen=True, slots=True)
class Link:
    """A module as a link; `current` marks the module of the page being shown."""

    key: str
    name: str
    url: str
    current: bool = False


def with_year(url: str, year: int | None) -> str:
    return url if year is None else f"{url}?year={year}"


def county_link(module: Module, county: Organisation, year: int | None) -> str:
    """The module's page of `county` in `year`."""
    return with_year(reverse(module.county, args=[county.pk]), year)


def county_links(counties: Sequence[Organisation], year: int | None) -> dict[int, tuple[Link, ...]]:
    """Every module's page of each county (what `links` gives a county), each URL reversed once."""
    patterns = [(module, by_id(module.county)) for module in MODULES]
    return {
        county.pk: tuple(Link(module.key, module.name, with_year(url(county.pk), year)) for module, url in patterns)
        for county in counties
    }


def links(
    organisation: Organisation, *, county: Organisation | None, year: int | None, current: str | None = None
) -> list[Link]:
    """Every module's page for `organisation` that its viewer can open.

    A school's modules are its own pages, then those of `county` (its county, when the viewer reaches
    it; None for a clerk); a county's are its pages; a city's or province's its region page or the picker.
    """
    found: list[Link] = []
    for module in MODULES:
        url = _url(module, organisation, county=county, year=year)
        if url is not None:
            found.append(Link(module.key, module.name, url, module.key == current))
    return found


def _url(module: Module, organisation: Organisation, *, county: Organisation | None, year: int | None) -> str | None:
    if organisation.kind == Kind.SCHOOL:
        if module.school is not None:
            return with_year(reverse(module.school, args=[organisation.pk]), year)
        return county_link(module, county, year) if county is not None else None
    if organisation.kind == Kind.COUNTY:
        return county_link(module, organisation, year)
    if module.region is not None:
        return with_year(reverse(module.region, args=[organisation.pk]), year)
    return with_year(reverse("home:counties", args=[organisation.pk, module.key]), year)
