"""The dashboards' named queries: each page's data in a fixed number of queries, whatever its size (STYLE.md).

Every function takes organisations already obtained through `orgs.scope`, so none of them decides
who may see what. The stored records themselves come by `collection.tables`, the one road to the engine.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from junheng.web.collection.data_versions import years_written
from junheng.web.collection.models import SchoolRecord
from junheng.web.orgs.models import Organisation


def _path_ids(organisation: Organisation) -> list[int]:
    return [int(i) for i in organisation.path.strip("/").split("/") if i]


def _attach_parents(organisations: Iterable[Organisation]) -> None:
    """Set each organisation's `parent` from those given, so that walking up needs no query."""
    known = {o.pk: o for o in organisations}
    for organisation in known.values():
        if organisation.parent_id is not None and organisation.parent_id in known:
            organisation.parent = known[organisation.parent_id]


def with_ancestors(organisation: Organisation) -> None:
    """Fetch every ancestor of `organisation` in one query and attach each as its child's `parent`.

    After this, `standard_name()` and `ancestor()` walk up the tree without touching the database.
    """
    ancestors = Organisation.objects.filter(pk__in=_path_ids(organisation)).exclude(pk=organisation.pk)
    _attach_parents([organisation, *ancestors])


def counties_for_dashboard(region: Organisation) -> list[Organisation]:
    """The counties below a city or province, with every ancestor attached, in one query."""
    organisations = list(
        Organisation.objects.filter(
            Q(pk__in=_path_ids(region)) | (Q(path__startswith=region.path) & ~Q(kind=Organisation.Kind.SCHOOL))
        )
    )
    _attach_parents(organisations)
    # in the order of their 县区代码, as the bureaus list them
    return sorted((o for o in organisations if o.kind == Organisation.Kind.COUNTY), key=lambda o: (o.code, o.pk))


def years_with_data(area: Organisation) -> list[int]:
    """The years in which some school under `area` has figures, oldest first.

    A county's (or a school's) records are few: one query reads their years. A city's or province's are
    many (225,000 for a province): the years its counties' records were written in come from the data
    versions (`collection.data_versions`), and one `EXISTS` per such year, which stops at the first school
    with figures, keeps it; a region page keeps the result (`region_kept.region_years`).
    """
    records = SchoolRecord.objects.filter(
        school__path__startswith=area.path, school__kind=Organisation.Kind.SCHOOL, school_type__isnull=False
    )
    if area.kind in (Organisation.Kind.COUNTY, Organisation.Kind.SCHOOL):
        return list(records.order_by("year").values_list("year", flat=True).distinct())
    return [year for year in sorted(years_written(area)) if records.filter(year=year).exists()]
