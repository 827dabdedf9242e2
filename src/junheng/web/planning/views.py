"""The plan page, its Excel download, and the what-if view with its JSON endpoint (issue 5 §5).

Views stay thin: planning.services checks who may do what and computes; tables shapes what is shown.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from junheng.plan import PlanError
from junheng.schema import FIELDS_BY_KEY
from junheng.web.assessment import services as assessment
from junheng.web.collection.models import RECORD_FIELDS
from junheng.web.collection.services import county_records, standard_for
from junheng.web.dashboards.queries import years_with_data
from junheng.web.errors import InvalidData
from junheng.web.jobs import services as jobs
from junheng.web.jobs.models import Job
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation
from junheng.web.planning import plan_jobs, services, tables
from junheng.web.planning.forms import BudgetForm
from junheng.web.years import asked_or_latest

RECORD_KEYS = frozenset(f.key for f in RECORD_FIELDS)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request: HttpRequest, county: Organisation) -> tuple[list[int], int | None]:
    """The years with figures and the one asked for (else the latest); 400 for a malformed year (years.py)."""
    years = years_with_data(county)
    return years, asked_or_latest(request, years)


@login_required
@require_http_methods(["GET", "POST"])
def county_plan(request: HttpRequest, county_id: int) -> HttpResponse:
    """Readers see the form; the county office posts it, which queues the plan as a background job, and
    sees its progress, then the plan (the user's latest for the county and year, also after a reload)."""
    county = lookups.visible_county(request.user, county_id)
    years, year = _year(request, county)
    can_plan = scope.can_manage(request.user, county)
    if request.method == "POST" and not can_plan:
        raise PermissionDenied("只有县级督导部门可以制定达标规划")
    form = BudgetForm(request.POST if request.method == "POST" else None, year=year)
    if request.method == "POST" and year is not None and form.is_valid():
        plan_jobs.start_plan(
            user=request.user,
            county=county,
            year=year,
            budget=form.budget_yuan(),
            target_year=form.cleaned_data.get("target_year"),
            yearly_budget=form.yearly_budget_yuan(),
        )
        return redirect(reverse("planning:county", args=[county.pk]) + "?" + urlencode({"year": year}) + "#plan-form")
    job = None if year is None else jobs.latest(kind=Job.Kind.PLAN, county=county, year=year, user=request.user)
    if job is not None and request.method == "GET":
        form = BudgetForm(initial={k: v for k, v in job.params.items() if v is not None}, year=year)
    context: dict[str, object] = {
        "county": county,
        "years": years,
        "year": year,
        "form": form,
        "can_plan": can_plan,
        "job": job,
    }
    if job is not None and job.state == Job.State.DONE:
        shown = plan_jobs.shown_plan(job)
        if shown is None:
            context["error"] = "上次的规划结果已无法读取（程序已更新），请重新制定规划。"
        elif isinstance(shown, services.AheadResult):
            context |= _ahead_context(request, shown)
        else:
            context |= _plan_context(shown) | _after_context(request, shown)
    return render(request, "planning/county.html", context)


def _ahead_context(request: HttpRequest, result: services.AheadResult) -> dict[str, object]:
    """The target year's plan as on the single-year page, plus its phases: the actions of each year."""
    ahead = result.ahead
    if ahead is None:
        return {"empty": True}
    planned = services.PlanResult(result.county, ahead.target_year, result.projected, result.before, ahead.plan)
    context = _plan_context(planned) | _after_context(request, planned)
    context["target_year"] = ahead.target_year
    context["phases"] = tables.phase_rows(ahead, result.projected)
    context["unscheduled"] = tables.actions_by_school_of(ahead.unscheduled, result.projected)
    return context


def _plan_context(result: services.PlanResult) -> dict[str, object]:
    plan = result.plan
    if plan is None:
        return {"empty": True}
    before_passing, schools = tables.passing_schools(result.before)
    after_passing, _ = tables.passing_schools(plan.after)
    return {
        "plan": plan,
        "status": tables.STATUS_WORDS.get(plan.status, plan.status),
        "search_note": plan.search.note() if plan.search is not None else None,
        "total_cost": plan.total_cost,
        "by_school": tables.actions_by_school(plan, result.table),
        "cvs": tables.cv_rows(result.before, plan.after),
        "passing": {"before": before_passing, "after": after_passing, "schools": schools},
        "after_passed": bool(plan.after.counties["pass"][0]),
    }


def _after_context(request: HttpRequest, result: services.PlanResult) -> dict[str, object]:
    """The plan covers resource allocation only: the other dimensions as they would stand after it (G3–G5
    from the same school data; the county figures, decisions and survey as recorded)."""
    if result.plan is None:
        return {}
    after = assessment.assessment_after(
        user=request.user,
        county_id=result.county.pk,
        year=result.year,
        table=result.table,
        evaluation=result.plan.after,
    )
    others = [d for d in after.dimensions if d.key != "resources"]
    return {
        "after_others": others,
        "after_failures": [item.sentence(d.name) for d in others for item in d.failed],
        "after_pending": sum(len(d.pending) for d in others),
    }


@login_required
@require_GET
def plan_excel(request: HttpRequest, county_id: int) -> HttpResponse:
    """The plan of the page, solved again from the same inputs, as the CLI's Excel workbook."""
    county = lookups.visible_county(request.user, county_id)
    _, year = _year(request, county)
    form = BudgetForm(request.GET)
    if year is None or not form.is_valid():
        raise Http404("年度或预算不正确")
    try:
        name, content = services.plan_workbook(
            user=request.user, county_id=county.pk, year=year, budget=form.budget_yuan()
        )
    except PlanError as exc:
        # The plan page says why, as it does when the plan is asked for there.
        messages.error(request, str(exc))
        return redirect(reverse("planning:county", args=[county.pk]) + "?" + urlencode({"year": year}))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_GET
def what_if(request: HttpRequest, county_id: int) -> HttpResponse:
    """Pick a school; its figures appear in a form whose changes planning.js sends to `what_if_evaluate`."""
    county = lookups.visible_county(request.user, county_id)
    years, year = _year(request, county)
    context: dict[str, object] = {"county": county, "years": years, "year": year}
    if not scope.can_analyse(request.user, county):
        context["refused"] = "只有县级督导室和督学可以试算；观察员可以查看评估结果"
    elif year is not None:
        records = county_records(county, year)
        context["schools"] = sorted((r.school for r in records), key=lambda s: s.code)
        chosen = request.GET.get("school") or ""
        if chosen.isdigit():
            _, figures = services.school_figures(
                user=request.user, county_id=county.pk, school_id=int(chosen), year=year
            )
            keys = services.what_if_fields(standard_for(county), figures)
            context["school_pk"] = int(chosen)
            context["fields"] = [
                {"key": k, "label": FIELDS_BY_KEY[k].label, "value": "" if figures[k] is None else figures[k]}
                for k in keys
            ]
    return render(request, "planning/whatif.html", context)


@login_required
@require_POST
def what_if_evaluate(request: HttpRequest, county_id: int, school_id: int) -> JsonResponse:
    """The county evaluated with one school's posted figures, in memory: JSON, or 422 with the importer's messages."""
    county = lookups.visible_county(request.user, county_id)
    _, year = _year(request, county)
    if year is None:
        raise Http404("本县尚无已填报的数据")
    values = {k: v for k, v in request.POST.items() if k in RECORD_KEYS}
    try:
        result = services.what_if(user=request.user, county_id=county.pk, school_id=school_id, year=year, values=values)
    except InvalidData as exc:
        errors = [{"field": i.column, "message": i.message, "text": i.format()} for i in exc.issues]
        return JsonResponse({"errors": errors}, status=422)
    return JsonResponse(tables.what_if_answer(result))
