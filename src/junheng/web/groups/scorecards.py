"""The county's bundled evaluation of its groups (捆绑考核): keep the items and the entered values, and score
every group of a year through `engine.scorecard` (which documents the rules and the missing-data rule).

As in `groups.services`: anyone who sees the county reads, only the county office writes.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db import transaction
from django.db.models import Count
from django.http import Http404

from junheng.engine import scorecard as engine
from junheng.web.collection.services import standard_for
from junheng.web.collection.tables import county_years
from junheng.web.dashboards.queries import years_with_data
from junheng.web.groups.inputs import EntryDetails, ItemDetails
from junheng.web.groups.models import Activity, Group, Membership, ScorecardEntry, ScorecardItem
from junheng.web.groups.services import memberships_on, require_manager, year_end
from junheng.web.orgs import lookups
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User


@dataclass(frozen=True)
class GroupScore:
    """One group's line of the scorecard: the total (None without data) and each item's value and score,
    in the order of the items (None where the item has no data: 未取得数据)."""

    group: Group
    score: float | None
    weight_scored: float
    weight_total: float
    items: list[tuple[float | None, float | None]]


@dataclass(frozen=True)
class ScorecardPage:
    county: Organisation
    items: list[ScorecardItem]
    years: list[int]
    year: int | None
    groups: list[GroupScore]


def _engine_item(item: ScorecardItem) -> engine.Item:
    return engine.Item(
        key=item.pk,
        source=item.source,
        weight=float(item.weight),
        rule=item.rule,
        higher_is_better=item.higher_is_better,
        target=float(item.target),
        floor=None if item.floor is None else float(item.floor),
        indicator=item.indicator or None,
        level=item.level or None,
    )


def scorecard(*, user: User, county_id: int, year: int | None) -> ScorecardPage:
    """Every group's score for `year` (the latest year with school data or entered values when None).

    A fixed number of queries: the items, the groups, the memberships, the activity counts, the entered
    values, the years, and the school records of the year.
    """
    county = lookups.visible_county(user, county_id)
    items = list(ScorecardItem.objects.filter(county=county))
    groups = list(Group.objects.filter(county=county))
    entry_years = ScorecardEntry.objects.filter(item__county=county).values_list("year", flat=True).distinct()
    years = sorted(set(years_with_data(county)) | set(entry_years))
    if year is None:
        year = years[-1] if years else None
    if year is None or not groups:
        return ScorecardPage(county, items, years, year, [])
    standard = standard_for(county)
    parts = county_years(county)[1].schools.filter(pl.col("year") == year)
    memberships = list(Membership.objects.filter(group__county=county).select_related("group", "school"))
    counts = (
        Activity.objects.filter(group__county=county, date__year=year).values("group__name").annotate(count=Count("pk"))
    )
    manual = ScorecardEntry.objects.filter(item__county=county, year=year).values_list(
        "group__name", "item_id", "value"
    )
    chosen = [_engine_item(i) for i in items]
    values = engine.source_values(
        chosen,
        group_names=[g.name for g in groups],
        parts=parts,
        groups=memberships_on(memberships, year_end(year)),
        standard=standard,
        activities=pl.DataFrame(
            [(c["group__name"], c["count"]) for c in counts],
            schema={"group": pl.String, "count": pl.Int64},
            orient="row",
        ),
        manual=pl.DataFrame([(g, i, float(v)) for g, i, v in manual], schema=engine.VALUES_SCHEMA, orient="row"),
    )
    card = engine.score(chosen, values)
    per_item = {(r["group"], r["item"]): (r["value"], r["score"]) for r in card.items.iter_rows(named=True)}
    totals = {r["group"]: r for r in card.totals.iter_rows(named=True)}
    lines = []
    for g in groups:
        total = totals.get(g.name, {"score": None, "weight_scored": 0.0, "weight_total": 0.0})
        lines.append(
            GroupScore(
                g,
                total["score"],
                total["weight_scored"],
                total["weight_total"],
                [per_item.get((g.name, i.pk), (None, None)) for i in items],
            )
        )
    return ScorecardPage(county, items, years, year, lines)


@transaction.atomic
def save_item(*, user: User, county_id: int, details: ItemDetails, item_id: int | None = None) -> ScorecardItem:
    """Add an item to the county's scorecard, or change one (the county office only)."""
    county = lookups.visible_county(user, county_id)
    require_manager(user, county)
    found = ScorecardItem(county=county) if item_id is None else _item_of(county, item_id)
    details.apply(found)
    found.full_clean()
    found.save()
    return found


def _item_of(county: Organisation, item_id: int) -> ScorecardItem:
    found = ScorecardItem.objects.filter(pk=item_id, county=county).first()
    if found is None:
        raise Http404("没有找到该考核项目")
    return found


def item(*, user: User, item_id: int) -> ScorecardItem:
    """An item for the county office to change; 404 outside the user's reach."""
    found = ScorecardItem.objects.select_related("county").filter(pk=item_id).first()
    if found is None:
        raise Http404("没有找到该考核项目")
    county = lookups.visible_county(user, found.county_id)
    require_manager(user, county)
    return found


@transaction.atomic
def delete_item(*, user: User, item_id: int) -> ScorecardItem:
    """Remove an item and its entered values."""
    found = item(user=user, item_id=item_id)
    found.delete()
    return found


@transaction.atomic
def save_entry(*, user: User, county_id: int, entry: EntryDetails) -> ScorecardEntry:
    """Enter (or replace) the value of a manual item for a group and a year."""
    county = lookups.visible_county(user, county_id)
    require_manager(user, county)
    chosen_item, chosen_group = entry.item, entry.group
    if chosen_item.county_id != county.pk or chosen_item.source != ScorecardItem.Source.MANUAL:
        raise Http404("没有找到该县录入的考核项目")
    if chosen_group.county_id != county.pk:
        raise Http404("没有找到该教育集团")
    found, _ = ScorecardEntry.objects.update_or_create(
        item=chosen_item, group=chosen_group, year=entry.year, defaults={"value": entry.value}
    )
    return found
