"""Evaluations kept between requests until the data under them changes.

A county page evaluates every year of the county; a city page every county of the year. Both are
kept in Django's cache under a *data version*: one aggregate query over the records below the page's
organisation (how many, the latest change, the highest id). Saving, adding or deleting any of them
changes the version, so a page never shows figures older than the stored data; organisation names
and standards changed in the admin show within `TIMEOUT` seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Count, Max

from junheng.web.collection.models import SchoolRecord
from junheng.web.orgs.models import Organisation

T = TypeVar("T")
TIMEOUT = 300


def data_version(area: Organisation, *, year: int | None = None) -> tuple[object, ...]:
    """Changes whenever a record below `area` (of `year`) is added, changed or deleted: one query."""
    records = SchoolRecord.objects.filter(school__path__startswith=area.path)
    if year is not None:
        records = records.filter(year=year)
    summary = records.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    return (summary["n"], summary["last"], summary["top"])


def kept(key: tuple[Hashable, ...], version: tuple[object, ...], compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave for this key while the data had this version."""
    name = "junheng:kept:" + ":".join(str(part) for part in key)
    hit = cache.get(name)
    if hit is not None and hit[0] == version:
        value: T = hit[1]
        return value
    value = compute()
    cache.set(name, (version, value), TIMEOUT)
    return value
