"""One service function per thing done with the social-recognition survey (standard.md §7).

Management functions take the acting user and check scope.py inside; a county office manages its
county's surveys, supervisors and observers read them. The respondent's functions take only the
link's token: a respondent has no account. Errors: `PermissionDenied` (403), `Http404`,
`WorkflowError` for a step the survey's state forbids, `LinkError` for a refused link.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from junheng.assessment.recognition import (
    Recognition,
    RecognitionSettings,
    SamplePlan,
    Tally,
    pooled,
    recognition,
    sample_plan,
)
from junheng.io.csv_text import csv_text
from junheng.standards import load_standard
from junheng.web.errors import WorkflowError
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User
from junheng.web.survey import defaults
from junheng.web.survey.models import Answer, Group, Invitation, Question, Questionnaire, Response, Survey

MAX_LINKS_PER_ISSUE = 2000
GROUPS: tuple[str, ...] = tuple(Group.values)


class LinkError(Exception):
    """A respondent's link that cannot be answered: unknown, already used, or its survey not open."""


class LinkUsed(LinkError):
    def __init__(self) -> None:
        super().__init__("该链接已经提交过，感谢参与")


class InvalidAnswers(Exception):
    """A submission missing an answer or carrying an option the scale does not have; nothing stored."""

    def __init__(self, problems: Mapping[int, str]) -> None:
        super().__init__("；".join(problems.values()))
        self.problems = dict(problems)


def settings_for(county: Organisation) -> RecognitionSettings:
    """The recognition settings of the standard in force in `county`."""
    return RecognitionSettings.from_standard(load_standard(county.standard_name()))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Reading and managing, for signed-in users.


def visible_surveys(user: User) -> QuerySet[Survey]:
    """The surveys of the counties `user` may see."""
    return Survey.objects.filter(county__in=scope.visible(user)).select_related("county")


def get_survey(*, user: User, survey_id: int) -> Survey:
    """The survey if `user` may see its county; 404 otherwise, whether or not it exists."""
    try:
        return visible_surveys(user).get(pk=survey_id)
    except Survey.DoesNotExist as exc:
        raise Http404("没有找到该调查，或您无权查看") from exc


def _managed(user: User, survey_id: int) -> Survey:
    survey = get_survey(user=user, survey_id=survey_id)
    if not scope.can_manage(user, survey.county):
        raise PermissionDenied("只有县级督导室可以管理本县的社会认可度调查")
    return survey


@transaction.atomic
def create_survey(*, user: User, county_id: int, year: int, title: str, resident_population: int) -> Survey:
    """A draft survey with every group's questionnaire made from the default questions."""
    county = lookups.managed_county(user, county_id, refusal="只有县级督导室可以发起本县的社会认可度调查")
    if Survey.objects.filter(county=county, year=year).exists():
        raise WorkflowError(f"{county.name} {year} 年度的调查已经存在，请在原调查中继续")
    survey = Survey.objects.create(county=county, year=year, title=title, resident_population=resident_population)
    for group in GROUPS:
        questionnaire = Questionnaire.objects.create(survey=survey, group=group)
        Question.objects.bulk_create(
            Question(questionnaire=questionnaire, position=i, text=text)
            for i, text in enumerate(defaults.QUESTIONS[group], start=1)
        )
    return survey


@transaction.atomic
def edit_questions(*, user: User, survey_id: int, group: str, texts: Sequence[str]) -> Questionnaire:
    """Replace a group's questions, in order; only while the survey is a draft."""
    survey = _managed(user, survey_id)
    if survey.status != Survey.Status.DRAFT:
        raise WorkflowError("调查已发布，问卷不能再修改")
    cleaned = [text.strip() for text in texts if text.strip()]
    if not cleaned:
        raise WorkflowError("问卷至少要有一道题")
    questionnaire = Questionnaire.objects.get(survey=survey, group=group)
    questionnaire.questions.all().delete()
    Question.objects.bulk_create(
        Question(questionnaire=questionnaire, position=i, text=text) for i, text in enumerate(cleaned, start=1)
    )
    return questionnaire


def set_status(*, user: User, survey_id: int, status: str) -> Survey:
    """Open a draft survey, or close an open one; a closed survey stays closed."""
    survey = _managed(user, survey_id)
    allowed = {Survey.Status.OPEN: Survey.Status.DRAFT, Survey.Status.CLOSED: Survey.Status.OPEN}
    if allowed.get(Survey.Status(status)) != survey.status:
        raise WorkflowError(f"调查当前为“{survey.get_status_display()}”，不能改为该状态")
    survey.status = status
    survey.save(update_fields=["status"])
    return survey


def plan(*, user: User, survey_id: int) -> SamplePlan:
    """The sample plan from the county's resident population (standard.md §7)."""
    survey = get_survey(user=user, survey_id=survey_id)
    return sample_plan(survey.resident_population, GROUPS, settings_for(survey.county))


@transaction.atomic
def issue_links(*, user: User, survey_id: int, group: str, count: int) -> list[str]:
    """`count` new one-time links for a group. The tokens are returned this once; only hashes are kept."""
    survey = _managed(user, survey_id)
    if survey.status == Survey.Status.CLOSED:
        raise WorkflowError("调查已结束，不能再发放链接")
    if group not in GROUPS:
        raise WorkflowError(f"未知的调查对象“{group}”")
    if not 1 <= count <= MAX_LINKS_PER_ISSUE:
        raise WorkflowError(f"每次可发放 1 至 {MAX_LINKS_PER_ISSUE} 个链接")
    tokens = [secrets.token_urlsafe(18) for _ in range(count)]
    Invitation.objects.bulk_create(Invitation(survey=survey, group=group, token_hash=token_hash(t)) for t in tokens)
    return tokens


# The results.


@dataclass(frozen=True, slots=True)
class GroupResult:
    group: str
    label: str
    planned: int
    recognition: Recognition


@dataclass(frozen=True, slots=True)
class Results:
    """Progress and rates per group and overall; the overall rate pools every group's answers."""

    settings: RecognitionSettings
    plan: SamplePlan
    groups: tuple[GroupResult, ...]
    overall: Recognition


def results(*, user: User, survey_id: int) -> Results:
    """Live progress (issued, answered, valid-return rate) and the recognition rates, in three queries."""
    survey = get_survey(user=user, survey_id=survey_id)
    return survey_results(survey)


def survey_results(survey: Survey) -> Results:
    settings = settings_for(survey.county)
    tallies = _tallies(survey)
    sample = sample_plan(survey.resident_population, GROUPS, settings)
    planned = dict(sample.per_group)
    groups = tuple(GroupResult(g, str(Group(g).label), planned[g], recognition(tallies[g], settings)) for g in GROUPS)
    return Results(settings, sample, groups, recognition(pooled(list(tallies.values())), settings))


def _tallies(survey: Survey) -> dict[str, Tally]:
    """Each group's links issued, valid responses and answers by option, in three queries."""
    issued = dict(
        Invitation.objects.filter(survey=survey).values_list("group").annotate(n=Count("id")).values_list("group", "n")
    )
    responses = dict(
        Response.objects.filter(survey=survey).values_list("group").annotate(n=Count("id")).values_list("group", "n")
    )
    answers: dict[str, dict[str, int]] = {}
    for group, option, n in (
        Answer.objects.filter(response__survey=survey)
        .values_list("response__group", "option")
        .annotate(n=Count("id"))
        .values_list("response__group", "option", "n")
    ):
        answers.setdefault(group, {})[option] = n
    return {g: Tally(issued.get(g, 0), responses.get(g, 0), answers.get(g, {})) for g in GROUPS}


def survey_tally(*, county: Organisation, year: int) -> Tally | None:
    """The answers of a county's survey of a year, every group pooled, for its assessment; None without a survey.

    The caller has already decided that the county is visible (the assessment's service does).
    """
    survey = Survey.objects.filter(county=county, year=year).first()
    return None if survey is None else pooled(list(_tallies(survey).values()))


# The respondent, with a link and no account.


@dataclass(frozen=True, slots=True)
class Invited:
    """What a respondent's link opens: the survey's title, the group and its questions."""

    survey: Survey
    group: str
    questions: tuple[Question, ...]
    options: tuple[str, ...]


def open_link(*, token: str) -> Invited:
    """The questionnaire behind a link, or LinkError saying why it cannot be answered."""
    invitation = (
        Invitation.objects.filter(token_hash=token_hash(token)).select_related("survey", "survey__county").first()
    )
    if invitation is None:
        raise LinkError("该链接无效，请核对二维码或链接是否完整")
    if invitation.used_at is not None:
        raise LinkUsed()
    survey = invitation.survey
    if survey.status != Survey.Status.OPEN:
        raise LinkError("该调查尚未开始或已经结束，感谢关注")
    questions = tuple(Question.objects.filter(questionnaire__survey=survey, questionnaire__group=invitation.group))
    return Invited(survey, invitation.group, questions, settings_for(survey.county).options)


@transaction.atomic
def submit_answers(*, token: str, answers: Mapping[int, str]) -> Response:
    """Store one response for a link: every question answered with an option of the scale, exactly once.

    The link is claimed by a conditional UPDATE (used_at IS NULL → now) inside the transaction, so of
    two concurrent submissions of one link exactly one claims it and the other is refused with LinkUsed.
    """
    invited = open_link(token=token)
    problems = {
        q.pk: f"第 {q.position} 题：请选择一个选项"
        for q in invited.questions
        if answers.get(q.pk) not in invited.options
    }
    if problems:
        raise InvalidAnswers(problems)
    claimed = Invitation.objects.filter(token_hash=token_hash(token), used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if claimed != 1:
        raise LinkUsed()
    response = Response.objects.create(survey=invited.survey, group=invited.group)
    Answer.objects.bulk_create(Answer(response=response, question=q, option=answers[q.pk]) for q in invited.questions)
    return response


# Export.

EXPORT_HEADER = ("答卷编号", "调查对象", "提交日期", "题号", "题目", "选项")


def export_answers(*, user: User, survey_id: int) -> tuple[str, bytes]:
    """The raw answers as CSV (UTF-8 with BOM, for Excel and WPS): one row per answer, no personal data;
    text that begins like a formula is written so that the spreadsheet shows it and does not run it.

    A response is identified only by its position in the export; the date is kept, the time of day not.
    """
    survey = get_survey(user=user, survey_id=survey_id)
    rows = (
        Answer.objects.filter(response__survey=survey)
        .order_by("response__submitted_at", "response_id", "question__position")
        .values_list(
            "response_id", "response__group", "response__submitted_at", "question__position", "question__text", "option"
        )
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    numbers: dict[int, int] = {}
    for response_id, group, submitted_at, position, text, option in rows:
        number = numbers.setdefault(response_id, len(numbers) + 1)
        day = timezone.localtime(submitted_at).date().isoformat()
        writer.writerow((number, Group(group).label, day, position, csv_text(text), csv_text(option)))
    return f"{survey.county.name}{survey.year}年度社会认可度调查原始答卷.csv", out.getvalue().encode("utf-8-sig")
