"""Finding the organisation a page or a service is about, in one place for every app.

A county or a school asked for by id is found only within the user's reach (`scope.get_visible`: 404
otherwise, whether or not it exists); a county whose work the user must manage answers 403 with the
caller's own reason; a school's county is the county above it in the tree.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from junheng.web.orgs import scope
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User

NO_COUNTY = "该学校不属于任何县区，请联系管理员"


def visible_county(user: User, county_id: int) -> Organisation:
    """The county `county_id` if `user` may see it; Http404 otherwise (and for an id that is not a county)."""
    return scope.get_visible(user, pk=county_id, kind=Organisation.Kind.COUNTY)


def visible_school(user: User, school_id: int) -> Organisation:
    """The school `school_id` if `user` may see it; Http404 otherwise (and for an id that is not a school)."""
    return scope.get_visible(user, pk=school_id, kind=Organisation.Kind.SCHOOL)


def managed_county(user: User, county_id: int, *, refusal: str) -> Organisation:
    """The county `county_id` if `user` manages it (`scope.can_manage`): Http404 outside the user's reach,
    PermissionDenied with `refusal` (what only the county office may do) for one who may only read it."""
    county = visible_county(user, county_id)
    if not scope.can_manage(user, county):
        raise PermissionDenied(refusal)
    return county


def county_above(school: Organisation) -> Organisation:
    """The county `school` lies in; Http404 saying NO_COUNTY for a school placed outside any county."""
    county = school.ancestor(Organisation.Kind.COUNTY)
    if county is None:
        raise Http404(NO_COUNTY)
    return county
