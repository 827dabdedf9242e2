"""Which county-years' records changed: a random token per county and year, renewed on every write.

Every write of school records renews the token of the county-years it touched, in the same
transaction: `SchoolRecord.save` and `delete`, and the bulk writes of `RecordQuerySet` (an import, a
round opened, the demo), so no writer can forget it. An evaluation kept under a token
(`collection.kept`) is therefore one of the records as they stand while that token does. Under
concurrent writers the last to commit leaves its token; a reader reads the token before the records,
so what it keeps is never older than the token it keeps it under. Tokens are random rather than
counters: a database restored from a backup, or made again for the demo, never reuses one for other
records, and every process and server reading the same database agrees on them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from junheng.web.orgs.models import Organisation

if TYPE_CHECKING:
    from junheng.web.collection.models import SchoolRecord


class DataVersion(models.Model):
    """The version of a county's records of one year: a fresh random `token` on every write of them."""

    county = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name="县区")
    year = models.PositiveSmallIntegerField("年度")
    token = models.CharField(max_length=32)

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
        with transaction.atomic(using=self.db):
            made = super().bulk_create(objs, *args, **kwargs)
            touch((r.school_id, r.year) for r in made)
        return made

    def bulk_update(self, objs: Iterable[SchoolRecord], *args: Any, **kwargs: Any) -> int:
        objs = list(objs)
        with transaction.atomic(using=self.db):
            updated = super().bulk_update(objs, *args, **kwargs)
            touch((r.school_id, r.year) for r in objs)
        return updated

    def update(self, **kwargs: Any) -> int:
        with transaction.atomic(using=self.db):
            touch(self.values_list("school", "year").distinct())
            return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic(using=self.db):
            touch(self.values_list("school", "year").distinct())
            return super().delete()


def touch(school_years: Iterable[tuple[int, int]]) -> None:
    """Renew the token of the county-year of each (school id, year): two queries, one upsert."""
    years_of: dict[int, set[int]] = {}
    for school, year in school_years:
        years_of.setdefault(school, set()).add(year)
    if not years_of:
        return
    paths = dict(Organisation.objects.filter(pk__in=years_of).values_list("pk", "path"))
    nodes = {school: [int(n) for n in path.strip("/").split("/") if n] for school, path in paths.items()}
    counties = set(
        Organisation.objects.filter(
            pk__in={n for path in nodes.values() for n in path}, kind=Organisation.Kind.COUNTY
        ).values_list("pk", flat=True)
    )
    renewed = {
        (county, year)
        for school, path in nodes.items()
        for county in counties.intersection(path)
        for year in years_of[school]
    }
    # In a stable order, so that two writers touching the same county-years lock their rows in one order.
    DataVersion.objects.bulk_create(
        [DataVersion(county_id=county, year=year, token=uuid.uuid4().hex) for county, year in sorted(renewed)],
        update_conflicts=True,
        unique_fields=["county", "year"],
        update_fields=["token"],
    )


def tokens(county_ids: Sequence[int], years: Sequence[int] | None = None) -> dict[tuple[int, int], str]:
    """The token of each (county, year) of `county_ids` (in `years`, or every year), in one query.

    A county-year without one has had no records written since tokens were introduced (migration
    0005 gave one to every county-year that had records): what is computed from it is not kept.
    """
    rows = DataVersion.objects.filter(county__in=list(county_ids))
    if years is not None:
        rows = rows.filter(year__in=list(years))
    return {(county, year): token for county, year, token in rows.values_list("county", "year", "token")}
