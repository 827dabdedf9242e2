"""Which county-years' records changed: a random token per county and year, renewed on every write.

Every write of school records renews the token of the county-years it touched, in the same
transaction: `SchoolRecord.save` and `delete`, and the bulk writes of `RecordQuerySet` (an import, a
round opened, the demo), so no writer can forget it; so does a school renamed or moved
(`organisation_saved`). An evaluation kept under a token (`collection.kept`) is therefore one of the
records as they stand while that token does.

Under concurrent writers the last to commit leaves its token. A reader reads the token before the
records, so what it keeps is never older than the token it keeps it under. A writer renews the token
after writing the records: every writer locks records first and the county-year's row last, so a
save and an import cannot deadlock. Tokens are random rather than counters: a database restored from
a backup, or made again for the demo, never reuses one for other records, and every process and
server reading the same database agrees on them.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.dispatch import Signal

from junheng.web.orgs.models import Organisation

if TYPE_CHECKING:
    from junheng.web.collection.models import SchoolRecord

# The fields that place a record in a county-year: an update of one of them renews where it goes as well.
_IDENTITY = frozenset({"school", "school_id", "year"})
# Sent when a transaction that wrote school records has committed, with the (county id, year) it renewed.
records_changed = Signal()
_RENEWED = ContextVar("data versions renewed by a bulk update", default=False)


class DataVersion(models.Model):
    """The version of a county's records of one year: a fresh random `token` on every write of them."""

    county = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name="县区")
    year = models.PositiveSmallIntegerField("年度")
    token = models.CharField(max_length=32)

    objects: models.Manager[DataVersion] = models.Manager()

    class Meta:
        app_label = "collection"
        verbose_name = "数据版本"
        verbose_name_plural = "数据版本"
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="one_data_version_per_county_year")]

    def __str__(self) -> str:
        return f"{self.county} {self.year} {self.token}"


class RecordQuerySet(models.QuerySet["SchoolRecord"]):
    """School records, whose bulk writes renew the data versions of what they wrote (`touch`)."""

    def bulk_create(self, objs: Iterable[SchoolRecord], *args: Any, **kwargs: Any) -> list[SchoolRecord]:
        objs = list(objs)
        if not objs:
            return super().bulk_create(objs, *args, **kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            made = super().bulk_create(objs, *args, **kwargs)
            touch((r.school_id, r.year) for r in made)
        return made

    def bulk_update(self, objs: Iterable[SchoolRecord], *args: Any, **kwargs: Any) -> int:
        objs = list(objs)
        if not objs:
            return super().bulk_update(objs, *args, **kwargs)
        fields = args[0] if args else kwargs.get("fields", ())
        with transaction.atomic(using=self.db, savepoint=False):
            # where the records were, when the update moves them to another year or school
            before = self.filter(pk__in=[r.pk for r in objs]).values_list("school", "year")
            written = list(before.distinct()) if _IDENTITY.intersection(fields) else []
            # Django's bulk_update calls `update` once per batch: the versions are renewed once, after.
            renewed = _RENEWED.set(True)
            try:
                updated = super().bulk_update(objs, *args, **kwargs)
            finally:
                _RENEWED.reset(renewed)
            touch([*written, *((r.school_id, r.year) for r in objs)])
        return updated

    def update(self, **kwargs: Any) -> int:
        if _RENEWED.get():
            return super().update(**kwargs)
        written = list(self.values_list("school", "year").distinct())  # before: the update may change them
        moved = _IDENTITY.intersection(kwargs)
        records = list(self.values_list("pk", flat=True)) if moved else []
        with transaction.atomic(using=self.db, savepoint=False):
            updated = super().update(**kwargs)
            if moved:  # a record given another year or school: the county-year it joins changed too
                written += self.model.objects.filter(pk__in=records).values_list("school", "year").distinct()
            touch(written)
        return updated

    def delete(self) -> tuple[int, dict[str, int]]:
        written = list(self.values_list("school", "year").distinct())
        with transaction.atomic(using=self.db, savepoint=False):
            deleted = super().delete()
            touch(written)
        return deleted


def touch(school_years: Iterable[tuple[int, int]]) -> None:
    """Renew the token of the county-year of each (school id, year): one upsert after one query (two for
    a school not placed directly under its county)."""
    years_of: dict[int, set[int]] = {}
    for school, year in school_years:
        years_of.setdefault(school, set()).add(year)
    if not years_of:
        return
    county_of: dict[int, int] = {}
    deeper: dict[int, list[int]] = {}
    for school, parent, kind, path in Organisation.objects.filter(pk__in=years_of).values_list(
        "pk", "parent", "parent__kind", "path"
    ):
        if kind == Organisation.Kind.COUNTY and parent is not None:
            county_of[school] = parent
        else:
            deeper[school] = [int(node) for node in path.strip("/").split("/") if node]
    if deeper:
        counties = set(
            Organisation.objects.filter(
                pk__in={n for path in deeper.values() for n in path}, kind=Organisation.Kind.COUNTY
            ).values_list("pk", flat=True)
        )
        county_of |= {school: c for school, path in deeper.items() for c in counties.intersection(path)}
    renewed = {(county, year) for school, county in county_of.items() for year in years_of[school]}
    # In a stable order, so that two writers touching the same county-years lock their rows in one order.
    DataVersion.objects.bulk_create(
        [DataVersion(county_id=county, year=year, token=uuid.uuid4().hex) for county, year in sorted(renewed)],
        update_conflicts=True,
        unique_fields=["county", "year"],
        update_fields=["token"],
    )
    # Once the write commits, whoever keeps what pages compute may make it again (`home.refresh`).
    transaction.on_commit(partial(records_changed.send, sender=DataVersion, county_years=frozenset(renewed)))


def organisation_saved(sender: type[Organisation], instance: Organisation, **kwargs: Any) -> None:
    """A school renamed or moved, a county recoded: renew every version of the counties it was and is under
    (post_save, connected by the app: the page shows names and codes from the records' table)."""
    above = f"{instance.path}{instance.parent.path if instance.parent is not None else ''}"
    ids = {int(node) for node in above.split("/") if node} | {instance.pk}
    DataVersion.objects.filter(county__in=ids).update(token=uuid.uuid4().hex)


def tokens(county_ids: Sequence[int], years: Sequence[int] | None = None) -> dict[tuple[int, int], str]:
    """The token of each (county, year) of `county_ids` (in `years`, or every year), in one query.

    A county-year without one has had no records written since tokens were introduced (migration
    0005 gave one to every county-year that had records): what is computed from it is not kept.
    """
    rows = DataVersion.objects.filter(county__in=list(county_ids))
    if years is not None:
        rows = rows.filter(year__in=list(years))
    return {(county, year): token for county, year, token in rows.values_list("county", "year", "token")}


def digest(found: Mapping[tuple[int, int], str]) -> str | None:
    """One version for many county-years (`tokens`): it changes when any of theirs does; None for none."""
    if not found:
        return None
    return hashlib.sha256(",".join(f"{c}:{y}:{t}" for (c, y), t in sorted(found.items())).encode()).hexdigest()


def years_written(area: Organisation) -> set[int]:
    """The years in which a record of a school under `area` (a county or above) has been written, from
    the data versions: one small query, where the records themselves would be a scan of them all."""
    return set(DataVersion.objects.filter(county__path__startswith=area.path).values_list("year", flat=True).distinct())
