"""Views of the social-recognition survey: thin, calling services.py for every action and figure.

The county's pages need an account (and scope.py decides what it may do); the respondent's page,
reached by a one-time link or its QR code, needs none.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from junheng.web.errors import WorkflowError
from junheng.web.orgs import lookups, scope
from junheng.web.survey import services
from junheng.web.survey.forms import AnswerForm, IssueForm, QuestionsForm, SurveyForm
from junheng.web.survey.models import Group, Survey

# The management pages.


@login_required
def county(request: HttpRequest, county_id: int) -> HttpResponse:
    """A county's surveys, and (for the county office) the form that starts one."""
    county = lookups.visible_county(request.user, county_id)
    can_manage = scope.can_manage(request.user, county)
    form = SurveyForm(request.POST or None, initial={"title": f"{county.name}义务教育优质均衡发展社会认可度调查"})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("只有县级督导室可以发起本县的社会认可度调查")
        if form.is_valid():
            try:
                created = services.create_survey(user=request.user, county_id=county.pk, **form.cleaned_data)
            except WorkflowError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "已创建调查草稿：请检查各类对象的问卷，然后发布")
                return _redirect("survey:survey", created.pk)
    surveys = Survey.objects.filter(county=county)
    context = {"county": county, "surveys": surveys, "can_manage": can_manage, "form": form}
    return render(request, "survey/county.html", context)


@login_required
@require_GET
def survey(request: HttpRequest, survey_id: int) -> HttpResponse:
    """One survey: its state, sample plan, questionnaires, progress and rates per group and overall."""
    found = services.get_survey(user=request.user, survey_id=survey_id)
    questionnaires = found.questionnaires.prefetch_related("questions")
    context: dict[str, Any] = {
        "survey": found,
        "county": found.county,
        "can_manage": scope.can_manage(request.user, found.county),
        "results": services.survey_results(found),
        "questionnaires": sorted(questionnaires, key=lambda q: services.GROUPS.index(q.group)),
        "issue_form": IssueForm(),
    }
    return render(request, "survey/survey.html", context)


@login_required
@require_POST
def status(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The county office opens a draft survey or closes an open one."""
    target = request.POST.get("status", "")
    if target not in (Survey.Status.OPEN, Survey.Status.CLOSED):
        raise Http404("未知的调查状态")
    try:
        services.set_status(user=request.user, survey_id=survey_id, status=target)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "调查已发布，可以发放链接" if target == Survey.Status.OPEN else "调查已结束")
    return _redirect("survey:survey", survey_id)


@login_required
def questions(request: HttpRequest, survey_id: int, group: str) -> HttpResponse:
    """A group's questionnaire, one question a line; editable while the survey is a draft."""
    found = services.get_survey(user=request.user, survey_id=survey_id)
    if group not in services.GROUPS:
        raise Http404("未知的调查对象")
    if not scope.can_manage(request.user, found.county):
        raise PermissionDenied("只有县级督导室可以修改问卷")
    questionnaire = found.questionnaires.get(group=group)
    current = "\n".join(q.text for q in questionnaire.questions.all())
    form = QuestionsForm(request.POST or None, initial={"questions": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_questions(user=request.user, survey_id=found.pk, group=group, texts=form.texts())
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已保存“{Group(group).label}”问卷")
        return _redirect("survey:survey", found.pk)
    context = {"survey": found, "county": found.county, "group_label": Group(group).label, "form": form}
    return render(request, "survey/questions.html", context)


@login_required
@require_POST
def links(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Issue links and show them once, each with its QR code, on a page made to be printed."""
    found = services.get_survey(user=request.user, survey_id=survey_id)
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"请选择调查对象，并填写 1 至 {services.MAX_LINKS_PER_ISSUE} 之间的份数")
        return _redirect("survey:survey", found.pk)
    group = form.cleaned_data["group"]
    try:
        tokens = services.issue_links(
            user=request.user, survey_id=found.pk, group=group, count=form.cleaned_data["count"]
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return _redirect("survey:survey", found.pk)
    cards = []
    for token in tokens:
        url = request.build_absolute_uri(reverse("survey:respond", args=[token]))
        # segno writes the SVG itself from the URL alone: no user text reaches the markup.
        svg = segno.make(url, error="m").svg_inline(scale=4, omitsize=True)
        cards.append({"url": url, "svg": mark_safe(svg)})
    context = {"survey": found, "county": found.county, "group_label": Group(group).label, "cards": cards}
    return render(request, "survey/links.html", context)


@login_required
@require_GET
def export(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The raw answers as CSV, without personal data."""
    name, content = services.export_answers(user=request.user, survey_id=survey_id)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# The respondent's page: no account, a phone, one submission.


@never_cache
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """The questionnaire behind a one-time link; on submit, thanks, and the link is spent."""
    try:
        invited = services.open_link(token=token)
    except services.LinkError as exc:
        used = isinstance(exc, services.LinkUsed)
        return render(request, "survey/closed.html", {"message": str(exc), "used": used}, status=200 if used else 404)
    form = AnswerForm(request.POST or None, questions=invited.questions, options=invited.options)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_answers(token=token, answers=form.answers())
        except services.LinkError as exc:
            return render(request, "survey/closed.html", {"message": str(exc), "used": True})
        except services.InvalidAnswers as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "survey/thanks.html", {"survey": invited.survey})
    context = {"invited": invited, "group_label": Group(invited.group).label, "form": form}
    return render(request, "survey/respond.html", context)


def _redirect(name: str, *args: object) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(name, args=args))
