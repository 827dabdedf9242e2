"""The ledger page, a row's measures, the import form, planned intakes and the review of a close (销号).

Views stay thin: `classes.services` checks who may do what and keeps the ledger.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from junheng.engine.class_size import ClassSizeRules, InvalidIntake
from junheng.web.classes import charts, imports, intakes, services
from junheng.web.classes.forms import ImportForm, IntakeFileForm, IntakeForm, MeasuresForm, RejectForm
from junheng.web.datafiles import saved
from junheng.web.errors import InvalidData, WorkflowError
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation


@login_required
def county_ledger(request: HttpRequest, county_id: int) -> HttpResponse:
    """The county's ledger: rows with status, overdue and rebounds marked, and the shares per snapshot."""
    ledger = services.ledger(user=request.user, county_id=county_id)
    rows = [(row, services.is_overdue(row, ledger.today)) for row in ledger.rows]
    latest = ledger.shares.tail(1).row(0, named=True) if ledger.shares.height else None
    context = {
        "county": ledger.county,
        "rows": rows,
        "overdue": sum(overdue for _, overdue in rows),
        "rebounds": sum(row.status == services.Status.REBOUND for row in ledger.rows),
        "snapshots": ledger.snapshots,
        "latest": latest,
        "latest_targets": [
            {
                "key": t.key,
                "label": t.label,
                "count": latest[t.key],
                "share": latest[f"{t.key}_share"],
                "max": t.max_share,
                "meets": latest[f"{t.key}_meets"],
            }
            for t in ledger.rules.targets
        ]
        if latest
        else [],
        "chart": charts.shares_by_snapshot(ledger.shares, ledger.rules) if latest else None,
        "bands": ledger.rules.bands,
        "targets": ledger.rules.targets,
        "by_township": _breakdown_rows(ledger.by_township, ledger.rules),
        # schools with a class over 45/50 first, in full; the others folded away (a county has hundreds)
        "by_school": [g for g in _breakdown_rows(ledger.by_school, ledger.rules) if g["over_limit"]],
        "by_school_within": [g for g in _breakdown_rows(ledger.by_school, ledger.rules) if not g["over_limit"]],
        "intakes": ledger.intakes,
        "flagged": sum(check.over_limit for check in ledger.intakes),
        "can_manage": scope.can_manage(request.user, ledger.county),
    }
    return render(request, "classes/county.html", context)


def _breakdown_rows(table: pl.DataFrame, rules: ClassSizeRules) -> list[dict[str, Any]]:
    """Rows of a breakdown for the template: the group's cells, its band counts and its targets in order."""
    return [
        {
            **group,
            "band_counts": [group[f"band_{b.key}"] for b in rules.bands],
            "targets": [{"share": group[f"{t.key}_share"], "meets": group[f"{t.key}_meets"]} for t in rules.targets],
        }
        for group in table.iter_rows(named=True)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def row(request: HttpRequest, row_id: int) -> HttpResponse:
    """A ledger row: its measures (editable by the county office) and its history."""
    found = services.ledger_row(user=request.user, row_id=row_id)
    rules = services.rules_for(found.county)
    form = MeasuresForm(request.POST or None, instance=found, measures=rules.measures)
    can_manage = scope.can_manage(request.user, found.county)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("只有县级督导室可以填写整改措施")
        # Validation writes onto `found`; the service compares with the stored row, so the audit is right.
        if form.is_valid():
            try:
                services.record_measures(user=request.user, row_id=row_id, details=form.details())
            except WorkflowError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "整改措施已保存")
                return redirect("classes:county", found.county_id)
    found = services.ledger_row(user=request.user, row_id=row_id)
    context = {
        "row": found,
        "form": form,
        "can_manage": can_manage,
        "can_review": scope.can_review(request.user, found.county),
        "reject_form": RejectForm(),
        "changes": services.changes_of([found]).get(found.pk, []),
    }
    return render(request, "classes/row.html", context)


@login_required
@require_POST
def close_row(request: HttpRequest, row_id: int) -> HttpResponse:
    """A reviewer confirms a proposed close."""
    try:
        closed = services.confirm_close(user=request.user, row_id=row_id)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("classes:row", row_id)
    messages.success(request, f"{closed.school.name} {closed.grade}年级{closed.class_name} 已销号")
    return redirect("classes:county", closed.county_id)


@login_required
@require_POST
def reject_row(request: HttpRequest, row_id: int) -> HttpResponse:
    """A reviewer sends a proposed close back to 整改中, with a reason."""
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        rejected = services.reject_close(user=request.user, row_id=row_id, reason=reason)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("classes:row", row_id)
    messages.success(
        request, f"{rejected.school.name} {rejected.grade}年级{rejected.class_name} 已驳回销号，退回整改中"
    )
    return redirect("classes:row", row_id)


@login_required
@require_http_methods(["GET", "POST"])
def plan_intake(request: HttpRequest, county_id: int) -> HttpResponse:
    """The county office enters a school's planned grade-1 or grade-7 intake."""
    county = lookups.managed_county(request.user, county_id, refusal=intakes.PLANNERS_ONLY)
    if request.method == "POST" and "file" in request.FILES:
        return _import_intakes(request, county)
    form = IntakeForm(request.POST or None, county=county)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            intakes.plan_intake(
                user=request.user,
                county_id=county.pk,
                school_id=data["school"].pk,
                year=data["year"],
                level=data["level"],
                grade=data["grade"],
                students=data["students"],
                classes=data["classes"],
            )
        except InvalidIntake as exc:
            for problem in exc.problems:
                form.add_error(problem.column, problem.message)
        else:
            messages.success(request, f"已保存 {data['school'].name} {data['year']} 年的招生计划")
            return redirect("classes:county", county.pk)
    return render(request, "classes/intake.html", {"county": county, "form": form, "file_form": IntakeFileForm()})


def _import_intakes(request: HttpRequest, county: Organisation) -> HttpResponse:
    """Many schools' planned intakes from a file; problems listed cell by cell, nothing stored."""
    file_form = IntakeFileForm(request.POST, request.FILES)
    issues: tuple[object, ...] = ()
    if file_form.is_valid():
        upload = file_form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = saved(upload, Path(folder), "intakes")
            try:
                count = intakes.import_intakes(
                    user=request.user, county_id=county.pk, path=path, name=upload.name or "上传文件"
                )
            except InvalidData as exc:
                issues = exc.issues
            else:
                messages.success(request, f"已导入 {count} 条起始年级招生计划")
                return redirect("classes:county", county.pk)
    context = {"county": county, "form": IntakeForm(county=county), "file_form": file_form, "issues": issues}
    return render(request, "classes/intake.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_classes(request: HttpRequest, county_id: int) -> HttpResponse:
    """The county office imports a term's class lists; problems are listed cell by cell, nothing stored."""
    county = lookups.managed_county(request.user, county_id, refusal=imports.IMPORTERS_ONLY)
    form = ImportForm(request.POST or None, request.FILES or None)
    issues: tuple[object, ...] = ()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = saved(upload, Path(folder), "classes")
            try:
                snapshot = imports.import_snapshot(
                    user=request.user,
                    county_id=county.pk,
                    term=form.cleaned_data["term"],
                    date=form.cleaned_data["date"],
                    path=path,
                    name=upload.name or "上传文件",
                )
            except InvalidData as exc:
                issues = exc.issues
            except WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                count = snapshot.classes.count()
                messages.success(request, f"已导入 {snapshot.term} 的 {count} 个班级，台账已更新")
                return redirect("classes:county", county.pk)
    return render(request, "classes/import.html", {"county": county, "form": form, "issues": issues})
