"""The county's evaluation page and its forms: thin, calling services.py for every action.

Reading is for everyone who sees the county; the forms are for its county office (the services
refuse anyone else with 403, and a county outside the user's reach is 404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from junheng.assessment.states import combined
from junheng.web.assessment import reports, services
from junheng.web.assessment.forms import FiguresForm, JudgementForm, VetoForm
from junheng.web.collection.models import SchoolRecord
from junheng.web.collection.services import standard_for
from junheng.web.evidence import HELP_TEXT, TYPES, download
from junheng.web.jobs import services as jobs
from junheng.web.jobs.models import Job
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation
from junheng.web.years import asked_year, checked_year


@login_required
@require_GET
def county(request: HttpRequest, county_id: int) -> HttpResponse:
    """The assessment over the four dimensions and the vetoes, one table per dimension, and the forms."""
    found = lookups.visible_county(request.user, county_id)
    return _page(request, found, _year(request, found))


def _year(request: HttpRequest, county: Organisation) -> int:
    """?year=, else the latest year with school records, else this year; 400 for a malformed year (years.py)."""
    asked = asked_year(request)
    if asked is not None:
        return asked
    latest = (
        SchoolRecord.objects.filter(school__path__startswith=county.path).order_by("-year").values_list("year").first()
    )
    return latest[0] if latest else timezone.localdate().year


def _page(
    request: HttpRequest, county: Organisation, year: int, figures_form: FiguresForm | None = None, status: int = 200
) -> HttpResponse:
    assessment = services.county_assessment(user=request.user, county_id=county.pk, year=year)
    vetoes_applying = [v for v in assessment.vetoes if v.applies]
    vetoes_unchecked = [v for v in assessment.vetoes if v.applies is None]
    catalogue = services.catalogue(standard_for(county))
    if figures_form is None:
        stored = services.county_figures(user=request.user, county_id=county.pk, year=year)
        figures_form = FiguresForm(initial=FiguresForm.initial_from(stored), catalogue=catalogue)
    context: dict[str, Any] = {
        "county": county,
        "year": year,
        "assessment": assessment,
        "vetoes_applying": vetoes_applying,
        "vetoes_unchecked": vetoes_unchecked,
        "veto_state": combined(v.state for v in assessment.vetoes),
        "editable": scope.can_manage(request.user, county),
        "can_report": scope.can_analyse(request.user, county),
        "report_job": jobs.latest(kind=Job.Kind.REPORT, county=county, year=year, user=request.user),
        "figures_form": figures_form,
        "judgement_form": JudgementForm(auto_id=False),  # one copy per item: no duplicate ids
        "veto_form": VetoForm(auto_id=False),
        "evidence_help": HELP_TEXT,
        "evidence_accept": ",".join(TYPES),
    }
    return render(request, "assessment/county.html", context, status=status)


def _back(county_id: int, year: int, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('assessment:county', args=[county_id])}?year={year}{anchor}")


@login_required
@require_POST
def figures(request: HttpRequest, county_id: int, year: int) -> HttpResponse:
    """Store the county figures; the form comes back with its messages when a value is refused."""
    checked_year(year)
    found = lookups.visible_county(request.user, county_id)
    catalogue = services.catalogue(standard_for(found))
    values = {key: request.POST.get(key) for key in catalogue}
    try:
        services.save_county_figures(user=request.user, county_id=found.pk, year=year, figures=values)
    except services.AssessmentError as exc:
        form = FiguresForm(request.POST, catalogue=catalogue)
        form.is_valid()
        for key, problem in exc.problems.items():
            # the service's message, which names the figure, replaces Django's generic one
            if key in form.fields:
                form.errors[key] = form.error_class([problem])
            else:
                form.add_error(None, problem)
    else:
        messages.success(request, "县级数据已保存")
        return _back(found.pk, year, "#figures")
    return _page(request, found, year, figures_form=form, status=422)


@login_required
@require_POST
def judgement(request: HttpRequest, county_id: int, year: int, item_id: str) -> HttpResponse:
    """Record the decision on a judgement item, with the evidence files uploaded beside it."""
    checked_year(year)
    lookups.managed_county(request.user, county_id, refusal=services.RECORDERS_ONLY)
    form = JudgementForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择认定结果")
        return _back(county_id, year, f"#item-{item_id}")
    try:
        services.record_judgement(
            user=request.user,
            county_id=county_id,
            year=year,
            item_id=item_id,
            passed=form.cleaned_data["decision"] == "pass",
            note=form.cleaned_data["note"],
            files=request.FILES.getlist("files"),
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{item_id} 的认定结果已保存")
    return _back(county_id, year, f"#item-{item_id}")


@login_required
@require_POST
def veto(request: HttpRequest, county_id: int, year: int, key: str) -> HttpResponse:
    """Record whether a veto item applies, with its evidence files."""
    checked_year(year)
    lookups.managed_county(request.user, county_id, refusal=services.RECORDERS_ONLY)
    form = VetoForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择是否存在该情形")
        return _back(county_id, year, "#vetoes")
    try:
        services.set_veto_check(
            user=request.user,
            county_id=county_id,
            year=year,
            key=key,
            applies=form.cleaned_data["applies"] == "yes",
            note=form.cleaned_data["note"],
            files=request.FILES.getlist("files"),
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "一票否决项核查结果已保存")
    return _back(county_id, year, "#vetoes")


@login_required
@require_POST
def report(request: HttpRequest, county_id: int, year: int) -> HttpResponse:
    """一键生成自评报告: queue the zip of the .docx, the .pdf and the Excel annex as a background job (the
    county office's also updates the rectification ledger; POST because it may); the page shows its progress."""
    checked_year(year)
    reports.start_report(user=request.user, county_id=county_id, year=year)
    return _back(county_id, year, "#report")


@login_required
@require_GET
def evidence(request: HttpRequest, evidence_id: int) -> FileResponse:
    """An evidence file, to users who see its county only (MEDIA_URL is never served publicly)."""
    found = services.evidence_file(user=request.user, evidence_id=evidence_id)
    return download(found.file, found.name)
