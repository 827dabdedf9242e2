"""The home page (each membership's to-do list), any organisation's overview, and the county picker."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from junheng.web.dashboards.queries import counties_for_dashboard
from junheng.web.home import modules, overview
from junheng.web.orgs import scope
from junheng.web.orgs.models import Organisation
from junheng.web.years import asked_year

Kind = Organisation.Kind


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The to-do list of each organisation the user acts for; a superuser without one picks a province."""
    memberships = scope.memberships(request.user)
    if not memberships:
        roots = list(Organisation.objects.filter(parent=None)) if request.user.is_superuser else []
        return render(request, "home.html", {"panels": [], "roots": roots})
    first = memberships[0].organisation
    year = asked_year(request) or overview.default_year(first)
    panels = [overview.home(user=request.user, organisation=m.organisation, year=year) for m in memberships]
    return render(request, "home.html", {"organisation": first, "year": year, "panels": panels})


@login_required
@require_GET
def organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """An organisation's overview, as its own users see it on their home (the breadcrumbs link here)."""
    found = scope.get_visible(request.user, pk=organisation_id)
    year = asked_year(request) or overview.default_year(found)
    panel = overview.home(user=request.user, organisation=found, year=year)
    return render(request, "home.html", {"organisation": found, "year": year, "panels": [panel]})


@login_required
@require_GET
def counties(request: HttpRequest, region_id: int, module: str) -> HttpResponse:
    """A city's or province's counties, each linking to `module`'s page of that county."""
    chosen = modules.BY_KEY.get(module)
    if chosen is None:
        raise Http404("没有这个功能模块")
    region = scope.get_visible(request.user, pk=region_id, kind__in=[Kind.CITY, Kind.PROVINCE])
    year = asked_year(request)
    cities: dict[Organisation, list[tuple[Organisation, str]]] = {}
    for county in counties_for_dashboard(region):
        city = county.ancestor(Kind.CITY) or region
        cities.setdefault(city, []).append((county, modules.county_link(chosen, county, year)))
    context = {"region": region, "year": year, "module": chosen, "cities": list(cities.items())}
    return render(request, "home/counties.html", context)
