"""The county's groups and pairings, a group's page, and the county office's forms.

Views stay thin: `groups.services` decides who may do what (through `orgs.scope`) and computes.
"""

from __future__ import annotations

import datetime
from typing import Any, NoReturn

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from junheng.engine.groups import COUNTY
from junheng.levels import LEVEL_LABELS
from junheng.web.collection.services import standard_for
from junheng.web.dashboards.queries import years_with_data
from junheng.web.errors import WorkflowError
from junheng.web.evidence import EvidenceRefused, download
from junheng.web.groups import services
from junheng.web.groups.forms import (
    ActivityForm,
    EvidenceForm,
    GroupForm,
    ListEntryForm,
    MembershipForm,
    PairingForm,
    PairingReviewForm,
    TeacherExchangeForm,
)
from junheng.web.groups.inputs import (
    ActivityDetails,
    ExchangeDetails,
    GroupDetails,
    MembershipDetails,
    PairingDetails,
    ReviewDetails,
)
from junheng.web.groups.models import Group, Membership, Pairing, PairingReview, TeacherExchange
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation
from junheng.web.years import asked_or_latest


def _rows(table: pl.DataFrame, county: Organisation) -> list[dict[str, Any]]:
    """Table rows with the 学段 and indicator named for people."""
    names = {i.id: i.short for i in standard_for(county).indicators}
    return [
        row | {"level_name": LEVEL_LABELS.get(row["level"], row["level"]), "indicator_name": names[row["indicator"]]}
        for row in table.iter_rows(named=True)
    ]


def _analysis(request: HttpRequest, county: Organisation) -> dict[str, Any]:
    years = years_with_data(county)
    year = asked_or_latest(request, years)
    if year is None or year not in years:
        return {"years": years, "year": year, "analysis": None}
    return {"years": years, "year": year, "analysis": services.analysis(county, year)}


@login_required
def county(request: HttpRequest, county_id: int) -> HttpResponse:
    """The county's groups, pairings, coverage and the between-/within-group split of its inequality."""
    found = services.county_groups(user=request.user, county_id=county_id)
    context = {
        "county": found.county,
        "groups": found.groups,
        "pairings": found.pairings,
        "can_manage": scope.can_manage(request.user, found.county),
        **_analysis(request, found.county),
    }
    if context["analysis"] is not None:
        context["grouped_vs_not"] = _rows(context["analysis"].grouped_vs_not, found.county)
        context["by_group"] = _rows(context["analysis"].by_group, found.county)
    context["balance"] = _balance(services.balance(found.county))
    return render(request, "groups/county.html", context)


def _balance(table: pl.DataFrame | None) -> dict[str, Any] | None:
    """The groups' mean within-group CV as one row per group and 学段, a cell per year (the county first)."""
    if table is None:
        return None
    years = sorted(table["year"].unique().to_list())
    rows = []
    for (group, level), cells in table.group_by("group", "level", maintain_order=True):
        values = dict(zip(cells["year"].to_list(), cells["mean_cv"].to_list(), strict=True))
        rows.append(
            {
                "group": group,
                "level": level,
                "level_name": LEVEL_LABELS.get(str(level), str(level)),
                "county": group == COUNTY,
                "values": [values.get(y) for y in years],
            }
        )
    return {"years": years, "rows": rows}


def _progress(county: Organisation, found: Group) -> dict[str, Any]:
    """The members' progress against the core as one row per school part and indicator, a cell per year."""
    table = services.progress(county, found)
    if table is None or table.is_empty():
        return {"progress_years": [], "progress": []}
    years = sorted(set(table["year"].to_list()))
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in _rows(table, county):
        key = (row["school_id"], row["level"], row["indicator"])
        line = rows.setdefault(key, row | {"cells": {y: None for y in years}})
        line["cells"][row["year"]] = row
    return {"progress_years": years, "progress": [r | {"cells": list(r["cells"].values())} for r in rows.values()]}


@login_required
def group(request: HttpRequest, group_id: int) -> HttpResponse:
    """A group: members over time, their progress against the core, teachers exchanged, activities with
    their evidence, and its within-group CVs and core-minus-member gaps."""
    return render(request, "groups/group.html", group_context(request, group_id))


def group_context(request: HttpRequest, group_id: int) -> dict[str, Any]:
    """What the group page shows (its tables, for the year asked), found through `services.group`."""
    found = services.group(user=request.user, group_id=group_id)
    exchanges = list(found.exchanges.select_related("from_school", "to_school"))
    context: dict[str, Any] = {
        "group": found,
        "county": found.county,
        "memberships": list(found.memberships.select_related("school")),
        "activities": list(found.activities.select_related("kind").prefetch_related("evidence")),
        "exchanges": exchanges,
        "exchange_years": services.exchange_years(exchanges, datetime.date.today()),
        "can_manage": scope.can_manage(request.user, found.county),
        **_analysis(request, found.county),
        **_progress(found.county, found),
    }
    analysis = context["analysis"]
    if analysis is not None:
        context["within"] = _rows(analysis.within.filter(pl.col("group") == found.name), found.county)
        context["gaps"] = _rows(analysis.gaps.filter(pl.col("group") == found.name), found.county)
    return context


@login_required
def pairing(request: HttpRequest, pairing_id: int) -> HttpResponse:
    """A pairing: its goals, yearly reviews and activities with their evidence."""
    found = services.pairing(user=request.user, pairing_id=pairing_id)
    context = {
        "pairing": found,
        "activities": list(found.activities.select_related("kind").prefetch_related("evidence")),
        "reviews": list(found.reviews.select_related("reviewed_by")),
        "can_manage": scope.can_manage(request.user, found.county),
    }
    return render(request, "groups/pairing.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_group(request: HttpRequest, county_id: int | None = None, group_id: int | None = None) -> HttpResponse:
    existing: Group | None = None
    if group_id is not None:
        existing = services.group(user=request.user, group_id=group_id)
        county = existing.county
    else:
        assert county_id is not None, "the URL names the county or the object"
        county = lookups.visible_county(request.user, county_id)
    services.require_manager(request.user, county)
    form = GroupForm(request.POST or None, instance=existing, county=county)
    if request.method == "POST" and form.is_valid():
        saved = services.save_group(
            user=request.user, county_id=county.pk, details=GroupDetails(**form.cleaned_data), group_id=group_id
        )
        messages.success(request, f"已保存教育集团“{saved.name}”")
        return redirect("groups:group", saved.pk)
    title = f"编辑 {existing.name}" if existing else "新建教育集团"
    return render(request, "groups/form.html", {"county": county, "form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def edit_membership(request: HttpRequest, group_id: int, membership_id: int | None = None) -> HttpResponse:
    found = services.group(user=request.user, group_id=group_id)
    services.require_manager(request.user, found.county)
    existing: Membership | None = None
    if membership_id is not None:
        existing = Membership.objects.filter(pk=membership_id, group=found).first()
        if existing is None:
            raise Http404("没有找到该成员记录")
    form = MembershipForm(request.POST or None, instance=existing, county=found.county)
    if request.method == "POST" and form.is_valid():
        services.save_membership(
            user=request.user,
            group_id=found.pk,
            details=MembershipDetails(**form.cleaned_data),
            membership_id=membership_id,
        )
        messages.success(request, "成员信息已保存")
        return redirect("groups:group", found.pk)
    title = f"{found.name} · {'修改成员' if existing else '加入成员'}"
    return render(request, "groups/form.html", {"county": found.county, "form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def edit_pairing(request: HttpRequest, county_id: int | None = None, pairing_id: int | None = None) -> HttpResponse:
    existing: Pairing | None = None
    if pairing_id is not None:
        existing = services.pairing(user=request.user, pairing_id=pairing_id)
        county = existing.county
    else:
        assert county_id is not None, "the URL names the county or the object"
        county = lookups.visible_county(request.user, county_id)
    services.require_manager(request.user, county)
    form = PairingForm(request.POST or None, instance=existing, county=county)
    if request.method == "POST" and form.is_valid():
        saved = services.save_pairing(
            user=request.user, county_id=county.pk, details=PairingDetails(**form.cleaned_data), pairing_id=pairing_id
        )
        messages.success(request, f"已保存结对帮扶：{saved}")
        return redirect("groups:pairing", saved.pk)
    title = "修改结对帮扶" if existing else "新建结对帮扶"
    return render(request, "groups/form.html", {"county": county, "form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def add_activity(request: HttpRequest, group_id: int | None = None, pairing_id: int | None = None) -> HttpResponse:
    if group_id is not None:
        owner: Group | Pairing = services.group(user=request.user, group_id=group_id)
    else:
        assert pairing_id is not None
        owner = services.pairing(user=request.user, pairing_id=pairing_id)
    services.require_manager(request.user, owner.county)
    form = ActivityForm(request.POST or None, county=owner.county)
    if request.method == "POST" and form.is_valid():
        services.add_activity(
            user=request.user, details=ActivityDetails(**form.cleaned_data), group_id=group_id, pairing_id=pairing_id
        )
        messages.success(request, "活动已记录")
        return redirect("groups:group", group_id) if group_id is not None else redirect("groups:pairing", pairing_id)
    return render(request, "groups/form.html", {"county": owner.county, "form": form, "title": f"{owner} · 记录活动"})


@login_required
@require_http_methods(["GET", "POST"])
def edit_exchange(request: HttpRequest, group_id: int, exchange_id: int | None = None) -> HttpResponse:
    """Record a teacher shared or rotated between two member schools, or change the record."""
    found = services.group(user=request.user, group_id=group_id)
    services.require_manager(request.user, found.county)
    existing = TeacherExchange(group=found)
    if exchange_id is not None:
        existing = TeacherExchange.objects.filter(pk=exchange_id, group=found).first() or _missing("教师交流记录")
    form = TeacherExchangeForm(request.POST or None, instance=existing, group=found)
    if request.method == "POST" and form.is_valid():
        services.save_exchange(
            user=request.user, group_id=found.pk, details=ExchangeDetails(**form.cleaned_data), exchange_id=exchange_id
        )
        messages.success(request, "教师交流记录已保存")
        return redirect("groups:group", found.pk)
    title = f"{found.name} · {'修改教师交流' if exchange_id else '登记教师共享或交流'}"
    return render(request, "groups/form.html", {"county": found.county, "form": form, "title": title})


def _missing(what: str) -> NoReturn:
    raise Http404(f"没有找到该{what}")


@login_required
@require_http_methods(["GET", "POST"])
def add_evidence(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Upload an evidence file for an activity (the county office)."""
    found, county = services.activity(user=request.user, activity_id=activity_id)
    services.require_manager(request.user, county)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_evidence(user=request.user, activity_id=found.pk, upload=form.cleaned_data["file"])
        except EvidenceRefused as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, "佐证材料已上传")
            if found.group_id is not None:
                return redirect("groups:group", found.group_id)
            return redirect("groups:pairing", found.pairing_id)
    title = f"{found} · 上传佐证材料"
    return render(request, "groups/form.html", {"county": county, "form": form, "title": title, "multipart": True})


@login_required
def evidence(request: HttpRequest, evidence_id: int) -> FileResponse:
    """An activity's evidence file, to users who see its county only (MEDIA_URL is never served publicly)."""
    found = services.evidence_file(user=request.user, evidence_id=evidence_id)
    return download(found.file, found.name)


@login_required
@require_http_methods(["GET", "POST"])
def edit_review(request: HttpRequest, pairing_id: int, review_id: int | None = None) -> HttpResponse:
    """Record a pairing's review of a year, or change it."""
    found = services.pairing(user=request.user, pairing_id=pairing_id)
    services.require_manager(request.user, found.county)
    existing = PairingReview(pairing=found, goals=found.goals)
    if review_id is not None:
        existing = PairingReview.objects.filter(pk=review_id, pairing=found).first() or _missing("年度评价")
    form = PairingReviewForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        services.save_review(
            user=request.user, pairing_id=found.pk, details=ReviewDetails(**form.cleaned_data), review_id=review_id
        )
        messages.success(request, f"{form.cleaned_data['year']} 年度评价已保存")
        return redirect("groups:pairing", found.pk)
    title = f"{found} · {'修改年度评价' if review_id else '年度评价'}"
    return render(request, "groups/form.html", {"county": found.county, "form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def lists(request: HttpRequest, county_id: int) -> HttpResponse:
    """The group types and activity kinds the county chooses from: the shared examples and its own."""
    county = lookups.visible_county(request.user, county_id)
    services.require_manager(request.user, county)
    form = ListEntryForm(request.POST or None)
    kind = request.POST.get("list", "")
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_list_entry(
                user=request.user, county_id=county.pk, kind=kind, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("name", message)
        else:
            messages.success(request, f"已添加“{added.name}”")
            return redirect("groups:lists", county.pk)
    context = {
        "county": county,
        "form": form,
        "failed": kind if form.errors else "",
        "group_types": list(services.group_types(county)),
        "activity_kinds": list(services.activity_kinds(county)),
    }
    return render(request, "groups/lists.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def delete_list_entry(request: HttpRequest, county_id: int, kind: str, entry_id: int) -> HttpResponse:
    try:
        name = services.delete_list_entry(user=request.user, county_id=county_id, kind=kind, entry_id=entry_id)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已删除“{name}”")
    return redirect("groups:lists", county_id)
