"""What every page shows around its content: the organisation in view, its breadcrumbs (省 › 市 › 县 ›
学校), the modules for it, the year selector, and who is signed in.

The organisation in view is the page's own (`school`, then `county`, then `region`, then `organisation`
in the template context; else the school or county of the page's `row` or `pairing`), else the user's
first membership. Its ancestors come in one query unless the
page has fetched them already. The year is the page's `year`, else `?year=`; changing it reloads the
same page with `?year=` (web/years.py reads it the same way everywhere).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import reverse

from junheng.web.collection.data_versions import years_written
from junheng.web.collection.models import SchoolRecord
from junheng.web.home import modules
from junheng.web.orgs import scope
from junheng.web.orgs.models import Organisation
from junheng.web.years import InvalidYear, asked_year

PAGE_ORGANISATIONS = ("school", "county", "region", "organisation")
# Pages about one thing of a school or a county (a ledger row, a pairing): its school, else its county.
PAGE_OBJECTS = ("row", "pairing")


@dataclass(frozen=True, slots=True)
class Crumb:
    """A step of the breadcrumbs; `url` is None where the viewer cannot open it."""

    name: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Navigation:
    """Everything base.html shows around a page."""

    organisation: Organisation | None
    crumbs: tuple[Crumb, ...]
    modules: tuple[modules.Link, ...]
    year: int | None
    years: tuple[int, ...]
    year_action: str
    kept: tuple[tuple[str, str], ...] = field(default=())
    member_of: str = ""


def navigation(request: HttpRequest, context: Mapping[str, object]) -> Navigation:
    """The navigation of the page being rendered from `context` for `request`."""
    organisation = in_view(request, context)
    year = _year(request, context)
    current = _current_module(request)
    if organisation is None:
        return Navigation(None, (), (), year, (year,) if year else (), request.path, _kept(request), _who(request))
    chain = lineage(organisation)
    county = next((o for o in chain if o.kind == Organisation.Kind.COUNTY), None)
    reached = [o for o in chain if reaches(request, o)]
    links = modules.links(organisation, county=county if county in reached else None, year=year, current=current)
    on_home = request.resolver_match is not None and request.resolver_match.view_name == "home"
    crumbs = [
        Crumb(o.name, _overview(request, o) if o in reached and not (on_home and o == organisation) else None)
        for o in chain
    ]
    current_link = next((link for link in links if link.current), None)
    if current_link is not None:  # a link back to the module's page from the pages below it
        below = current_link.url.split("?")[0] != request.path
        crumbs.append(Crumb(current_link.name, current_link.url if below else None))
    years = _years(context, organisation, year)
    action = request.path if request.method == "GET" and not _year_in_url(request) else _fallback(current_link)
    return Navigation(organisation, tuple(crumbs), tuple(links), year, years, action, _kept(request), _who(request))


def in_view(request: HttpRequest, context: Mapping[str, object]) -> Organisation | None:
    """The page's organisation (see the module's docstring), else the user's first membership's."""
    for key in PAGE_ORGANISATIONS:
        found = context.get(key)
        if isinstance(found, Organisation):
            return found
    for key in PAGE_OBJECTS:
        for owner in ("school", "county"):
            found = getattr(context.get(key), owner, None)
            if isinstance(found, Organisation):
                return found
    memberships = scope.memberships(request.user)
    return memberships[0].organisation if memberships else None


def lineage(organisation: Organisation) -> list[Organisation]:
    """The province down to `organisation`, with each one's `parent` attached: at most one query."""
    node = organisation
    while node.parent_id is not None and Organisation.parent.is_cached(node):
        node = node.parent  # type: ignore[assignment]
    if node.parent_id is not None:
        ids = [int(i) for i in node.path.strip("/").split("/") if i and int(i) != node.pk]
        known = {o.pk: o for o in Organisation.objects.filter(pk__in=ids)}
        walker = node
        while walker.parent_id is not None and walker.parent_id in known:
            walker.parent = known[walker.parent_id]
            walker = walker.parent
    chain = [organisation]
    while chain[-1].parent_id is not None and Organisation.parent.is_cached(chain[-1]):
        chain.append(chain[-1].parent)  # type: ignore[arg-type]
    return chain[::-1]


def _overview(request: HttpRequest, organisation: Organisation) -> str | None:
    """The organisation's overview, unless that is the page being shown."""
    url = reverse("home:organisation", args=[organisation.pk])
    return None if url == request.path else url


def reaches(request: HttpRequest, organisation: Organisation) -> bool:
    """Whether the signed-in user may open `organisation`'s pages (scope.py decides; no query)."""
    user = request.user
    return bool(getattr(user, "is_superuser", False)) or scope.role_at(user, organisation) is not None


def _year(request: HttpRequest, context: Mapping[str, object]) -> int | None:
    shown = context.get("year")
    if isinstance(shown, int) and not isinstance(shown, bool):
        return shown
    try:
        return asked_year(request)
    except InvalidYear:  # the 400 page itself, saying so
        return None


def _years(context: Mapping[str, object], organisation: Organisation, year: int | None) -> tuple[int, ...]:
    """The years the page offers (its own `years`), else those with a record under the organisation (a
    round just opened counts: its records exist before any figure); oldest first, with the page's year."""
    offered = context.get("years")
    if isinstance(offered, list | tuple) and all(isinstance(y, int) for y in offered):
        years = set(offered)
    elif organisation.kind == Organisation.Kind.SCHOOL:
        years = set(SchoolRecord.objects.filter(school=organisation).values_list("year", flat=True))
    else:  # a county and above: from the data versions, not a scan of every record below
        years = years_written(organisation)
    return tuple(sorted(years | ({year} if year is not None else set())))


def _current_module(request: HttpRequest) -> str | None:
    """The module of the page: its URL namespace, or the module a county picker is for."""
    match = request.resolver_match
    if match is None:
        return None
    key = match.kwargs.get("module") if match.view_name == "home:counties" else match.namespace
    return key if key in modules.BY_KEY else None


def _year_in_url(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and "year" in match.kwargs


def _fallback(current: modules.Link | None) -> str:
    """Where the year selector goes from a page that cannot be asked again by GET: its module's page."""
    return current.url.split("?")[0] if current is not None else reverse("home")


def _kept(request: HttpRequest) -> tuple[tuple[str, str], ...]:
    """The page's other GET parameters, kept when the year changes (sorting, filters, the state)."""
    if request.method != "GET":
        return ()
    return tuple((key, value) for key, values in request.GET.lists() if key != "year" for value in values)


def _who(request: HttpRequest) -> str:
    """`组织 · 角色` of the signed-in user's first membership ("" without one)."""
    memberships = scope.memberships(request.user)
    if not memberships:
        return ""
    first = memberships[0]
    return f"{first.organisation.name} · {first.get_role_display()}"
