"""A small organisation tree and one user per role, for the platform's tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache

from junheng.web.orgs.models import Membership, Organisation, Role


@dataclass
class Tree:
    province: Organisation
    city: Organisation
    county: Organisation
    other_county: Organisation
    school: Organisation
    other_school: Organisation
    foreign_school: Organisation


def _org(kind: str, name: str, code: str, parent: Organisation | None = None) -> Organisation:
    return Organisation.objects.create(kind=kind, name=name, code=code, parent=parent)


@pytest.fixture
def tree(db: None) -> Tree:
    province = _org("province", "示范省", "45")
    city = _org("city", "示范市", "4521", province)
    county = _org("county", "示范县", "452101", city)
    other = _org("county", "邻县", "452102", city)
    return Tree(
        province,
        city,
        county,
        other,
        _org("school", "示范县实验小学", "4521010001", county),
        _org("school", "示范县第二小学", "4521010002", county),
        _org("school", "邻县中心小学", "4521020001", other),
    )


def make_user(username: str, organisation: Organisation, role: str) -> User:
    user = User.objects.create_user(username, password="pw-" + username)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def users(tree: Tree) -> dict[str, User]:
    """One user per role: a clerk of `school`, the county office, the city supervisor, a city observer."""
    return {
        Role.CLERK: make_user("clerk", tree.school, Role.CLERK),
        Role.COUNTY_OFFICE: make_user("county", tree.county, Role.COUNTY_OFFICE),
        Role.SUPERVISOR: make_user("supervisor", tree.city, Role.SUPERVISOR),
        Role.OBSERVER: make_user("observer", tree.city, Role.OBSERVER),
    }


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Tests create many users: hash their passwords cheaply (the real hasher takes most of a second)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with nothing kept from another test's pages: the database cache goes back with
    the test's transaction, Redis (JUNHENG_CACHE_URL) is emptied."""
    if not isinstance(cache, DatabaseCache) and not isinstance(caches["default"], DatabaseCache):
        cache.clear()


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Any) -> None:
    """Background jobs (the report, a plan) run as they are queued, inside the request that queues them;
    tests/web/test_jobs.py runs them through the real database queue and its worker."""
    settings.TASKS = IMMEDIATE_TASKS
