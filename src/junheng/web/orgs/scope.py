"""Who may see and do what, in one place: every view and API endpoint asks here (STYLE.md).

A user acts through memberships: a role at an organisation, reaching everything below it. Asking
for an organisation outside one's reach is answered as if it did not exist (404), never with data.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AccountUser
from django.db.models import Q, QuerySet
from django.http import Http404

from junheng.web.orgs.models import Membership, Organisation, Role

User = AccountUser | AnonymousUser

# What each role may do, beyond seeing its organisations.
EDITORS = frozenset({Role.CLERK, Role.COUNTY_OFFICE})
REVIEWERS = frozenset({Role.COUNTY_OFFICE, Role.SUPERVISOR})
PLANNERS = frozenset({Role.COUNTY_OFFICE})
# Who may start work that costs the server seconds (the self-evaluation report, a what-if evaluation):
# those who act on a county's figures; an observer only reads what is there.
ANALYSTS = frozenset({Role.COUNTY_OFFICE, Role.SUPERVISOR})


def memberships(user: User) -> list[Membership]:
    if not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, "_junheng_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("organisation"))
        setattr(user, "_junheng_memberships", cached)  # noqa: B010  (a per-request cache on the user)
    return cached


def visible(user: User, queryset: QuerySet[Organisation] | None = None) -> QuerySet[Organisation]:
    """The organisations `user` may see: the subtrees of their memberships (all, for a superuser)."""
    organisations = Organisation.objects.all() if queryset is None else queryset
    if getattr(user, "is_superuser", False):
        return organisations
    reach = [Q(path__startswith=m.organisation.path) for m in memberships(user)]
    if not reach:
        return organisations.none()
    return organisations.filter(reduce(or_, reach))


def role_at(user: User, organisation: Organisation) -> Role | None:
    """The role through which `user` reaches `organisation`: the membership nearest above it."""
    best: Membership | None = None
    for membership in memberships(user):
        if organisation.path.startswith(membership.organisation.path) and (
            best is None or len(membership.organisation.path) > len(best.organisation.path)
        ):
            best = membership
    return Role(best.role) if best is not None else None


def get_visible(user: User, **lookup: object) -> Organisation:
    """The organisation matching `lookup` if `user` may see it; 404 otherwise, whether or not it exists."""
    try:
        return visible(user).get(**lookup)
    except Organisation.DoesNotExist as exc:
        raise Http404("没有找到该组织，或您无权查看") from exc


def can_edit(user: User, school: Organisation) -> bool:
    return getattr(user, "is_superuser", False) or role_at(user, school) in EDITORS


def can_review(user: User, county: Organisation) -> bool:
    return getattr(user, "is_superuser", False) or role_at(user, county) in REVIEWERS


def can_analyse(user: User, county: Organisation) -> bool:
    """Generate the county's report, evaluate a what-if: its office and the supervisors above it."""
    return getattr(user, "is_superuser", False) or role_at(user, county) in ANALYSTS


def can_manage(user: User, county: Organisation) -> bool:
    """Open and close collection rounds, import workbooks, plan: the county's supervision office."""
    return getattr(user, "is_superuser", False) or role_at(user, county) in PLANNERS
