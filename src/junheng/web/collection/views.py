"""Views of the yearly collection: thin, calling services.py for every action and scope.py for every
permission. A school's page is its form; a county's page is the round, the tracker, the workbook
import and the way into review; every record has its audit trail."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from junheng.io.errors import DataIssue
from junheng.schema import FIELDS_BY_KEY, NUMERIC_KINDS
from junheng.web.collection import (
    bulk,
    plausibility,
    prefill,
    services,
    stats_marks,
    stats_upload,
    tracker,
    tracker_page,
)
from junheng.web.collection.forms import (
    GROUPS,
    HistoryFilter,
    ImportForm,
    RecordForm,
    ReviewForm,
    RoundForm,
    field_label,
    figure_text,
    issues_by_field,
    rebased,
    unchanged,
    unit,
    value_text,
)
from junheng.web.collection.models import Change, Round, SchoolRecord
from junheng.web.collection.progress import state_of
from junheng.web.collection.quality import Flag
from junheng.web.collection.stats_jobs import pending_import
from junheng.web.collection.versions import StaleRecord
from junheng.web.datafiles import saved
from junheng.web.errors import InvalidData, WorkflowError
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation
from junheng.web.years import asked_year, checked_year, parse_year

SCHOOL = Organisation.Kind.SCHOOL
SUBMITTED = frozenset({SchoolRecord.Status.SUBMITTED, SchoolRecord.Status.APPROVED})
NO_RECORD = "未建档"
HISTORY_PAGE_SIZE = 100


# The school's page: its form, validated as the clerk types.


@login_required
def school(request: HttpRequest, school_id: int) -> HttpResponse:
    """A school's record of a year (?year=, else the latest open round): the form, or read-only once locked."""
    school = lookups.visible_school(request.user, school_id)
    county = lookups.county_above(school)
    year = asked_year(request) or _default_year(school, county)
    context: dict[str, Any] = {
        "school": school,
        "county": county,
        "year": year,
        "years": sorted({*school.records.values_list("year", flat=True), *([year] if year else [])}, reverse=True),
        "county_visible": scope.visible(request.user).filter(pk=county.pk).exists(),
    }
    if year is None:
        return render(request, "collection/school.html", context)
    try:
        record = services.record_for(user=request.user, school_id=school.pk, year=year)
    except WorkflowError as exc:
        return render(request, "collection/school.html", context | {"notice": str(exc)})
    required = services.standard_for(county).required_columns()
    context |= {"record": record, "state": state_of(record), "can_review": scope.can_review(request.user, county)}
    context |= stats_marks.for_form(record)
    if request.method == "POST":
        if not scope.can_edit(request.user, school):
            raise PermissionDenied("您无权修改该学校的数据")
        form = RecordForm(request.POST, required=required)
        try:
            if form.is_valid() and _save(request, record, form):
                return _redirect("collection:school", school.pk, year=year)
        except StaleRecord as stale:
            # Nothing stored: the form again, on the record as saved meanwhile, with what changed.
            form, conflicts = rebased(request.POST, stale, required=required)
            context |= {"record": stale.record, "conflicts": conflicts}
        form.warnings = plausibility.by_field(
            plausibility.typed_numbers(request.POST), plausibility.last_year(school, year)
        )
        form.carried = unchanged(request.POST, record, prefill.still_carried(record))
        form.focus_first_error()
        return render(request, "collection/school.html", context | {"form": form, "editable": True})
    editable = scope.can_edit(request.user, school) and services.edit_refusal(request.user, record) is None
    form = RecordForm(record=record, required=required, read_only=not editable)
    form.warnings = plausibility.by_field(record.values(), plausibility.last_year(school, year))
    form.carried = prefill.still_carried(record)
    return render(request, "collection/school.html", context | {"form": form, "editable": editable})


def _save(request: HttpRequest, record: SchoolRecord, form: RecordForm) -> bool:
    """Store the form, and submit it when that button was pressed; the outcome goes to the messages.

    False when the figures fail the importer's checks: the form, now carrying its messages, is shown again.
    `StaleRecord` when the record was saved since the form was opened.
    """
    try:
        services.update_record(
            user=request.user,
            record=record,
            values=form.values(),
            reason=form.cleaned_data["reason"],
            version=form.version(),
        )
    except InvalidData as exc:
        form.add_issues(exc.issues)
        return False
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return True
    if request.POST.get("action") != "submit":
        messages.success(request, "已保存")
        return True
    try:
        services.submit(user=request.user, record=record)
    except WorkflowError as exc:
        messages.error(request, f"已保存，但未能提交：{exc}")
    else:
        messages.success(request, "已提交，等待县级督导室审核；审核前如需修改，请联系县级督导室退回")
    return True


@login_required
@require_POST
def validate(request: HttpRequest, school_id: int, year: int) -> JsonResponse:
    """The importer's messages for the figures typed so far, per field: {"errors": {key: [...]}, "general": [...]}."""
    checked_year(year)
    school = lookups.visible_school(request.user, school_id)
    if not scope.can_edit(request.user, school):
        raise PermissionDenied("您无权修改该学校的数据")
    form = RecordForm(request.POST)
    form.is_valid()
    issues: Sequence[DataIssue] = ()
    try:
        services.validate_values(form.values(), county=lookups.county_above(school), school=school, year=year)
    except InvalidData as exc:
        issues = exc.issues
    errors, general = issues_by_field(issues)
    for key, django_errors in form.errors.items():
        errors.setdefault(key, []).extend(str(error) for error in django_errors)
    warnings = plausibility.by_field(plausibility.typed_numbers(request.POST), plausibility.last_year(school, year))
    return JsonResponse(
        {"valid": not errors and not general, "errors": errors, "general": general, "warnings": warnings}
    )


# The county's page: the round, the completion tracker, the workbook import.


@login_required
@require_GET
def county(request: HttpRequest, county_id: int) -> HttpResponse:
    """The county's collection of a year (?year=, else the latest round); the tracker filtered by
    ?state= (progress.State) and sorted by ?sort= (tracker.SORTS)."""
    county = lookups.visible_county(request.user, county_id)
    return _county_page(request, county, asked_year(request))


def _county_page(
    request: HttpRequest,
    county: Organisation,
    year: int | None,
    *,
    import_form: ImportForm | None = None,
    import_issues: Sequence[DataIssue] = (),
) -> HttpResponse:
    rounds = list(county.rounds.order_by("-year"))
    year = year or (rounds[0].year if rounds else None)
    context: dict[str, Any] = {
        "county": county,
        "rounds": rounds,
        "year": year,
        "can_manage": scope.can_manage(request.user, county),
        "can_review": scope.can_review(request.user, county),
        "round_form": RoundForm(initial={"year": rounds[0].year + 1 if rounds else timezone.localdate().year}),
    }
    if year is not None:
        context |= {
            "round": next((r for r in rounds if r.year == year), None),
            # the user's statistics import under way or awaiting confirmation, found again after leaving it
            "statistics_job": pending_import(user=request.user, county=county, year=year)
            if context["can_manage"]
            else None,
            "tracker": tracker_page.tracker_view(
                county,
                year,
                state=tracker.parse_state(request.GET.get("state")),
                sort=tracker.parse_sort(request.GET.get("sort")),
                can_review=context["can_review"],
            ),
            "import_form": import_form or ImportForm(initial={"year": year}),
            "import_issues": import_issues,
            "statistics_limits": stats_upload.size_note(),
        }
    return render(request, "collection/county.html", context)


@login_required
@require_POST
def open_round(request: HttpRequest, county_id: int) -> HttpResponse:
    """The county office opens a year's collection; every school gets its record to fill."""
    county = lookups.managed_county(request.user, county_id, refusal="只有县级督导室可以发布填报任务")
    form = RoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, "年度应为 1990 至 2100 之间的整数，例如 2025；请重新填写后发布")
        return _redirect("collection:county", county.pk)
    year = form.cleaned_data["year"]
    services.open_round(user=request.user, county_id=county.pk, year=year)
    messages.success(request, f"已发布 {year} 年度填报任务，全县学校可以开始填报")
    return _redirect("collection:county", county.pk, year=year)


@login_required
@require_POST
def import_workbook(request: HttpRequest, county_id: int) -> HttpResponse:
    """One workbook for all the county's schools: every problem per cell, or every record stored."""
    county = lookups.managed_county(request.user, county_id, refusal="只有县级督导室可以导入全县数据")
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _county_page(request, county, form.cleaned_data.get("year"), import_form=form)
    year: int = form.cleaned_data["year"]
    upload: UploadedFile[bytes] = form.cleaned_data["file"]
    try:
        imported = _import(request, county, year, upload)
    except InvalidData as exc:
        return _county_page(request, county, year, import_form=form, import_issues=exc.issues)
    stored = imported.stored
    messages.success(request, f"已导入“{upload.name}”：{stored} 所学校的 {year} 年度数据已保存，每项修改都已记录")
    if imported.warnings:
        messages.warning(request, f"请核对：有 {len(imported.warnings)} 行的学校名称与系统中该学校标识码的名称不一致")
    for warning in imported.warnings:
        messages.warning(request, f"第 {warning.row} 行：{warning.message}")
    return _redirect("collection:county", county.pk, year=year)


def _import(request: HttpRequest, county: Organisation, year: int, upload: UploadedFile[bytes]) -> services.Imported:
    name = upload.name or "上传文件"
    with tempfile.TemporaryDirectory() as folder:
        # The reader tells a workbook from a CSV by the suffix; the temporary name keeps only that.
        path = saved(upload, Path(folder), "upload")
        return services.import_workbook(user=request.user, county_id=county.pk, year=year, path=path, name=name)


@login_required
@require_POST
def bulk_approve(request: HttpRequest, county_id: int) -> HttpResponse:
    """Approve the records ticked in the tracker at once (each audited as its own approval), or none."""
    county = lookups.visible_county(request.user, county_id)
    year = parse_year(request.POST["year"]) if request.POST.get("year") else None
    ids = [int(pk) for pk in request.POST.getlist("record") if pk.isdigit()]
    try:
        approved = bulk.approve_many(user=request.user, county_id=county.pk, record_ids=ids)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已审核通过 {len(approved)} 所学校的数据，记录已锁定，每所学校都记入了修改记录")
    url = reverse("collection:county", args=[county.pk])
    query = {
        k: v for k, v in (("year", year), ("state", request.POST.get("state")), ("sort", request.POST.get("sort"))) if v
    }
    return HttpResponseRedirect(f"{url}?{urlencode(query)}" if query else url)


# Review: a submitted record's figures beside last year's, with the flags; approve or return.


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    value: str
    previous: str
    flags: tuple[Flag, ...]
    changed: bool  # differs from the figure carried from last year: the school changed it
    numeric: bool  # a count or an amount, aligned right; a choice (小学, 公办) reads as text


@login_required
def review(request: HttpRequest, county_id: int, record_id: int) -> HttpResponse:
    """A record of the county with its quality flags; reviewers approve it or return it with a comment."""
    county = lookups.visible_county(request.user, county_id)
    record = get_object_or_404(
        SchoolRecord.objects.select_related("school"), pk=record_id, school__path__startswith=county.path
    )
    if request.method == "POST":
        return _decide(request, county, record)
    flags = tracker_page.flags_on([record], tracker_page.flags_of(county, record.year))
    before = SchoolRecord.objects.filter(school=record.school_id, year=record.year - 1).first()
    changed = prefill.changed_since_carried(record)
    sections = [(title, [_figure(key, record, before, flags, changed) for key in keys]) for title, keys in GROUPS]
    context = {
        "county": county,
        "record": record,
        "state": state_of(record),
        "school": record.school,
        "previous": before,
        "flags": flags,
        "sections": sections,
        "changed": changed,
        "waiting": bulk.next_waiting(county, record.year, after=record.school),
        "can_decide": scope.can_review(request.user, record.school) and record.status == SchoolRecord.Status.SUBMITTED,
        "form": ReviewForm(),
    }
    return render(request, "collection/review.html", context)


def _figure(
    key: str, record: SchoolRecord, before: SchoolRecord | None, flags: Sequence[Flag], changed: frozenset[str]
) -> Figure:
    field = FIELDS_BY_KEY[key]
    return Figure(
        key,
        field.label,
        unit(field),
        figure_text(key, getattr(record, key)),
        "" if before is None else figure_text(key, getattr(before, key)),
        tuple(flag for flag in flags if flag.field == key),
        key in changed,
        field.kind in NUMERIC_KINDS,
    )


def _decide(request: HttpRequest, county: Organisation, record: SchoolRecord) -> HttpResponse:
    if not scope.can_review(request.user, record.school):
        raise PermissionDenied("您无权审核该学校的数据")
    here = _redirect("collection:review", county.pk, record.pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择“审核通过”或“退回修改”")
        return here
    name = f"{record.school.name} {record.year} 年度数据"
    try:
        if form.cleaned_data["decision"] == "approve":
            services.approve(user=request.user, record=record)
            messages.success(request, f"已审核通过{name}，记录已锁定")
        else:
            services.return_record(user=request.user, record=record, comment=form.cleaned_data["comment"])
            messages.success(request, f"已将{name}退回学校修改")
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return here
    following = bulk.next_waiting(county, record.year, after=record.school)
    if following is None:
        messages.info(request, f"{record.year} 年度已没有待审核的学校")
        return _redirect("collection:county", county.pk, year=record.year)
    messages.info(request, f"下一所待审核：{following.school.name}")
    return _redirect("collection:review", county.pk, following.pk)


# The audit trail.


@dataclass(frozen=True)
class AuditRow:
    change: Change
    label: str
    old: str
    new: str


@login_required
@require_GET
def history(request: HttpRequest, school_id: int) -> HttpResponse:
    """Every change to a school's records: who, when, which field, old → new, why; by field or year."""
    school = lookups.visible_school(request.user, school_id)
    filters, changes = _filtered_changes(request, school)
    page = Paginator(changes, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"school": school, "filters": filters, "page": page, "rows": audit_rows(page)}
    return render(request, "collection/history.html", context)


def _filtered_changes(request: HttpRequest, school: Organisation) -> tuple[HistoryFilter, QuerySet[Change]]:
    """The school's changes, newest first, narrowed by the page's filters (?field=, ?year=)."""
    years = list(school.records.order_by("-year").values_list("year", flat=True))
    filters = HistoryFilter(request.GET, years=years)
    changes = Change.objects.filter(record__school=school).select_related("user", "record")
    if filters.is_valid():
        if filters.cleaned_data["field"]:
            changes = changes.filter(field=filters.cleaned_data["field"])
        if filters.cleaned_data["year"] is not None:
            changes = changes.filter(record__year=filters.cleaned_data["year"])
    return filters, changes


def audit_rows(changes: Iterable[Change]) -> list[AuditRow]:
    """The changes as the audit trail shows them: the field's label, old and new values as text."""
    return [AuditRow(c, field_label(c.field), value_text(c.field, c.old), value_text(c.field, c.new)) for c in changes]


def _default_year(school: Organisation, county: Organisation) -> int | None:
    """The latest open round of the school's county, else the school's latest record."""
    open_year = (
        Round.objects.filter(county=county, status=Round.Status.OPEN)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if open_year is not None:
        return open_year
    return school.records.order_by("-year").values_list("year", flat=True).first()


def _redirect(name: str, *args: int, year: int | None = None) -> HttpResponseRedirect:
    url = reverse(name, args=args)
    return HttpResponseRedirect(url if year is None else f"{url}?year={year}")
