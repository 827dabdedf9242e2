"""The organisation lookups every app shares (orgs/lookups.py): the same answer for a county or school out of
reach as for one that does not exist, the county office's own refusal, and the county above a school."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from junheng.web.orgs import lookups
from junheng.web.orgs.models import Organisation, Role
from tests.web.conftest import Tree

REFUSAL = "只有县级督导室可以发布填报任务"


def test_a_county_is_found_within_reach_only(tree: Tree, users: dict[str, User]) -> None:
    office, supervisor = users[Role.COUNTY_OFFICE], users[Role.SUPERVISOR]
    assert lookups.visible_county(office, tree.county.pk) == tree.county
    assert lookups.visible_county(supervisor, tree.other_county.pk) == tree.other_county
    asked: list[tuple[User | AnonymousUser, int]] = [
        (office, tree.other_county.pk),  # the neighbour's county: out of reach
        (users[Role.CLERK], tree.county.pk),  # a clerk reaches the school, not the county above it
        (AnonymousUser(), tree.county.pk),
        (office, 999_999),  # no such county: the same answer
        (office, tree.school.pk),  # a school asked for as a county
    ]
    for user, county_id in asked:
        with pytest.raises(Http404, match="没有找到该组织，或您无权查看"):
            lookups.visible_county(user, county_id)


def test_a_school_is_found_within_reach_only(tree: Tree, users: dict[str, User]) -> None:
    clerk = users[Role.CLERK]
    assert lookups.visible_school(clerk, tree.school.pk) == tree.school
    assert lookups.visible_school(users[Role.COUNTY_OFFICE], tree.other_school.pk) == tree.other_school
    for school_id in (tree.other_school.pk, tree.foreign_school.pk, tree.county.pk):
        with pytest.raises(Http404):
            lookups.visible_school(clerk, school_id)


def test_only_the_county_office_manages_its_county_and_a_reader_hears_why(tree: Tree, users: dict[str, User]) -> None:
    assert lookups.managed_county(users[Role.COUNTY_OFFICE], tree.county.pk, refusal=REFUSAL) == tree.county
    for reader in (users[Role.SUPERVISOR], users[Role.OBSERVER]):
        with pytest.raises(PermissionDenied, match=REFUSAL):
            lookups.managed_county(reader, tree.county.pk, refusal=REFUSAL)
    with pytest.raises(Http404):  # out of reach: not told that the county exists
        lookups.managed_county(users[Role.COUNTY_OFFICE], tree.other_county.pk, refusal=REFUSAL)


def test_the_county_above_a_school_and_a_school_outside_any_county(tree: Tree) -> None:
    assert lookups.county_above(tree.school) == tree.county
    assert lookups.county_above(tree.foreign_school) == tree.other_county
    stray = Organisation.objects.create(kind="school", name="市直学校", code="4521000001", parent=tree.city)
    with pytest.raises(Http404, match=lookups.NO_COUNTY):
        lookups.county_above(stray)
