"""The social-recognition survey through its services and pages (standard.md §7)."""

from __future__ import annotations

import csv
import io
import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection
from django.http import Http404
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from junheng.web.errors import WorkflowError
from junheng.web.orgs.models import Membership, Role
from junheng.web.survey import services
from junheng.web.survey.models import Answer, Invitation, Question, Response, Survey
from tests.web.conftest import Tree

YEAR = 2025


def _survey(tree: Tree, users: dict[str, User], *, status: str = Survey.Status.OPEN) -> Survey:
    survey = services.create_survey(
        user=users[Role.COUNTY_OFFICE],
        county_id=tree.county.pk,
        year=YEAR,
        title="示范县满意度调查",
        resident_population=300_000,
    )
    if status != Survey.Status.DRAFT:
        services.set_status(user=users[Role.COUNTY_OFFICE], survey_id=survey.pk, status=Survey.Status.OPEN)
    if status == Survey.Status.CLOSED:
        services.set_status(user=users[Role.COUNTY_OFFICE], survey_id=survey.pk, status=Survey.Status.CLOSED)
    survey.refresh_from_db()
    return survey


def _issue(survey: Survey, users: dict[str, User], group: str = "parents", count: int = 1) -> list[str]:
    return services.issue_links(user=users[Role.COUNTY_OFFICE], survey_id=survey.pk, group=group, count=count)


def _answers(token: str, option: str) -> dict[int, str]:
    return {q.pk: option for q in services.open_link(token=token).questions}


def test_a_new_survey_has_every_groups_default_questions(tree: Tree, users: dict[str, User]) -> None:
    survey = _survey(tree, users, status=Survey.Status.DRAFT)
    groups = set(survey.questionnaires.values_list("group", flat=True))
    assert groups == {"parents", "students", "teachers", "principals", "deputies", "cppcc", "residents"}
    assert Question.objects.filter(questionnaire__survey=survey, questionnaire__group="parents").count() == 5


def test_questions_are_editable_only_while_draft(tree: Tree, users: dict[str, User]) -> None:
    office = users[Role.COUNTY_OFFICE]
    survey = _survey(tree, users, status=Survey.Status.DRAFT)
    services.edit_questions(user=office, survey_id=survey.pk, group="teachers", texts=["甲？", "", " 乙？ "])
    texts = list(
        Question.objects.filter(questionnaire__survey=survey, questionnaire__group="teachers").values_list(
            "position", "text"
        )
    )
    assert texts == [(1, "甲？"), (2, "乙？")]
    services.set_status(user=office, survey_id=survey.pk, status=Survey.Status.OPEN)
    with pytest.raises(WorkflowError, match="问卷不能再修改"):
        services.edit_questions(user=office, survey_id=survey.pk, group="teachers", texts=["丙？"])


def test_links_are_stored_only_as_hashes(tree: Tree, users: dict[str, User]) -> None:
    survey = _survey(tree, users)
    tokens = _issue(survey, users, count=3)
    assert len(set(tokens)) == 3
    stored = set(Invitation.objects.filter(survey=survey).values_list("token_hash", flat=True))
    assert stored == {services.token_hash(t) for t in tokens}
    assert not stored & set(tokens)


def test_one_answer_per_link_and_the_second_is_refused_in_chinese(tree: Tree, users: dict[str, User]) -> None:
    survey = _survey(tree, users)
    [token] = _issue(survey, users)
    answers = _answers(token, "满意")
    services.submit_answers(token=token, answers=answers)
    with pytest.raises(services.LinkUsed, match="该链接已经提交过，感谢参与"):
        services.submit_answers(token=token, answers=answers)
    assert Response.objects.filter(survey=survey).count() == 1
    assert Answer.objects.filter(response__survey=survey).count() == len(answers)


def test_a_stale_read_cannot_claim_a_link_twice(
    tree: Tree, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race in slow motion: both submissions read the link unused; only the conditional UPDATE decides."""
    survey = _survey(tree, users)
    [token] = _issue(survey, users)
    answers = _answers(token, "满意")
    invited = services.open_link(token=token)
    services.submit_answers(token=token, answers=answers)
    monkeypatch.setattr(services, "open_link", lambda *, token: invited)  # the second saw the link unused
    with pytest.raises(services.LinkUsed):
        services.submit_answers(token=token, answers=answers)
    assert Response.objects.filter(survey=survey).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_link_store_exactly_one(tree: Tree, users: dict[str, User]) -> None:
    """Eight threads, each with its own database connection, submit one link at the same moment.

    On PostgreSQL every loser is refused with LinkUsed. The tests' in-memory SQLite (shared cache)
    answers a concurrent writer with "table is locked" instead of waiting; that writer's transaction
    is rolled back, which is also a refusal, so there it is allowed too.
    """
    survey = _survey(tree, users)
    [token] = _issue(survey, users)
    answers = _answers(token, "比较满意")
    threads_n = 8
    start = threading.Barrier(threads_n)
    outcomes: list[str] = []

    def submit() -> None:
        start.wait()
        try:
            services.submit_answers(token=token, answers=answers)
            outcomes.append("stored")
        except services.LinkUsed:
            outcomes.append("refused")
        except OperationalError as exc:
            outcomes.append("locked" if "locked" in str(exc) else repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    losers = {"refused", "locked"} if connection.vendor == "sqlite" else {"refused"}
    assert outcomes.count("stored") == 1
    assert set(outcomes) - {"stored"} <= losers and len(outcomes) == threads_n
    assert Response.objects.filter(survey=survey).count() == 1
    assert Answer.objects.filter(response__survey=survey).count() == len(answers)
    assert Invitation.objects.get(survey=survey).used_at is not None


def test_an_incomplete_or_foreign_answer_stores_nothing(tree: Tree, users: dict[str, User]) -> None:
    survey = _survey(tree, users)
    [token] = _issue(survey, users)
    answers = _answers(token, "满意")
    first = next(iter(answers))
    with pytest.raises(services.InvalidAnswers):
        services.submit_answers(token=token, answers={**answers, first: "非常满意"})
    with pytest.raises(services.InvalidAnswers):
        services.submit_answers(token=token, answers={k: v for k, v in answers.items() if k != first})
    assert not Response.objects.exists()
    services.submit_answers(token=token, answers=answers)  # the link is still good


def test_a_draft_or_closed_survey_takes_no_answers(tree: Tree, users: dict[str, User]) -> None:
    survey = _survey(tree, users, status=Survey.Status.DRAFT)
    [token] = _issue(survey, users)
    with pytest.raises(services.LinkError, match="尚未开始或已经结束"):
        services.open_link(token=token)
    with pytest.raises(services.LinkError, match="链接无效"):
        services.open_link(token="not-a-token")


def test_results_per_group_and_overall_leave_unknown_out(tree: Tree, users: dict[str, User]) -> None:
    survey = _survey(tree, users)
    parents = _issue(survey, users, "parents", 4)
    [teacher] = _issue(survey, users, "teachers", 1)
    for token, option in zip(parents[:3], ["满意", "基本满意", "不了解"], strict=True):
        services.submit_answers(token=token, answers=_answers(token, option))
    services.submit_answers(token=teacher, answers=_answers(teacher, "比较满意"))
    results = services.results(user=users[Role.OBSERVER], survey_id=survey.pk)
    by_group = {g.group: g for g in results.groups}
    # Parents: 5 questions each; 5 满意 counted, 5 基本满意 not, 5 不了解 out: 5 ÷ 10.
    p = by_group["parents"].recognition
    assert (p.issued, p.responses, p.counted, p.valid, p.rate) == (4, 3, 5, 10, Decimal("0.5"))
    assert p.return_rate == Decimal("0.75")
    assert by_group["parents"].planned == 300
    t = by_group["teachers"].recognition
    assert (t.counted, t.valid, t.rate) == (4, 4, Decimal(1))
    assert by_group["students"].recognition.rate is None
    # Overall: (5 + 4) ÷ (10 + 4); 4 of 5 links returned.
    assert results.overall.rate == Decimal(9) / Decimal(14)
    assert results.overall.return_rate == Decimal("0.8")
    assert not results.overall.passed


def test_the_assessment_reads_the_survey_answers_pooled(tree: Tree, users: dict[str, User]) -> None:
    from junheng.web.assessment.services import county_assessment

    assert services.survey_tally(county=tree.county, year=YEAR) is None
    survey = _survey(tree, users)
    [token] = _issue(survey, users)
    services.submit_answers(token=token, answers=_answers(token, "基本满意"))
    tally = services.survey_tally(county=tree.county, year=YEAR)
    assert tally is not None and (tally.issued, tally.responses) == (1, 1) and set(tally.answers) == {"基本满意"}
    office = users[Role.COUNTY_OFFICE]
    found = county_assessment(user=office, county_id=tree.county.pk, year=YEAR).dimension("recognition").items[0]
    assert (found.state, found.checks[0].value, found.checks[0].figure) == ("未达标", 0.0, "0%")


def test_export_holds_answers_and_no_personal_data(tree: Tree, users: dict[str, User]) -> None:
    survey = _survey(tree, users)
    [token] = _issue(survey, users)
    services.submit_answers(token=token, answers=_answers(token, "满意"))
    name, content = services.export_answers(user=users[Role.SUPERVISOR], survey_id=survey.pk)
    assert name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["答卷编号", "调查对象", "提交日期", "题号", "题目", "选项"]
    assert len(rows) == 1 + 5
    assert {row[1] for row in rows[1:]} == {"家长"} and {row[5] for row in rows[1:]} == {"满意"}
    text = content.decode("utf-8-sig")
    assert token not in text and services.token_hash(token) not in text
    assert not any(user.username in text for user in users.values())
    assert ":" not in text  # a date, never a time of day that could be matched to a person


# Scope: every function asks scope.py.


def test_another_countys_survey_is_not_found(tree: Tree, users: dict[str, User]) -> None:
    other_office = User.objects.create_user("other-office")
    Membership.objects.create(user=other_office, organisation=tree.other_county, role=Role.COUNTY_OFFICE)
    survey = _survey(tree, users)
    with pytest.raises(Http404):
        services.results(user=other_office, survey_id=survey.pk)
    with pytest.raises(Http404):
        services.issue_links(user=other_office, survey_id=survey.pk, group="parents", count=1)
    client = Client()
    client.force_login(other_office)
    assert client.get(reverse("survey:survey", args=[survey.pk])).status_code == 404
    assert client.get(reverse("survey:export", args=[survey.pk])).status_code == 404


def test_observers_and_supervisors_read_but_cannot_manage(tree: Tree, users: dict[str, User]) -> None:
    survey = _survey(tree, users, status=Survey.Status.DRAFT)
    for role in (Role.OBSERVER, Role.SUPERVISOR):
        with pytest.raises(PermissionDenied):
            services.issue_links(user=users[role], survey_id=survey.pk, group="parents", count=1)
        client = Client()
        client.force_login(users[role])
        assert client.get(reverse("survey:survey", args=[survey.pk])).status_code == 200
        assert (
            client.post(reverse("survey:links", args=[survey.pk]), {"group": "parents", "count": 1}).status_code == 403
        )
        assert client.post(reverse("survey:status", args=[survey.pk]), {"status": "open"}).status_code == 403
        assert client.get(reverse("survey:questions", args=[survey.pk, "parents"])).status_code == 403
        page = client.get(reverse("survey:county", args=[tree.county.pk]))
        assert page.status_code == 200 and "发起新调查" not in page.content.decode()
    assert not Invitation.objects.exists()


def test_a_school_clerk_does_not_even_see_the_county(tree: Tree, users: dict[str, User]) -> None:
    with pytest.raises(Http404):
        services.create_survey(
            user=users[Role.CLERK], county_id=tree.county.pk, year=YEAR, title="x", resident_population=1
        )


# Pages.


def test_the_county_office_creates_opens_and_issues_printable_qr_codes(tree: Tree, users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users[Role.COUNTY_OFFICE])
    created = client.post(
        reverse("survey:county", args=[tree.county.pk]),
        {"year": YEAR, "title": "示范县调查", "resident_population": 300_000},
    )
    survey = Survey.objects.get(county=tree.county, year=YEAR)
    assert created.status_code == 302 and created["Location"] == reverse("survey:survey", args=[survey.pk])
    page = client.get(created["Location"]).content.decode()
    assert "应抽样 <strong>600</strong> 份" in page
    edited = client.post(reverse("survey:questions", args=[survey.pk, "parents"]), {"questions": "题一？\n题二？"})
    assert edited.status_code == 302
    assert client.post(reverse("survey:status", args=[survey.pk]), {"status": "open"}).status_code == 302
    printed = client.post(reverse("survey:links", args=[survey.pk]), {"group": "parents", "count": 3})
    html = printed.content.decode()
    assert html.count("<svg") == 3
    assert html.count("http://testserver/survey/r/") == 6  # each link as text and as its href
    assert Invitation.objects.filter(survey=survey, group="parents").count() == 3


def test_the_respondent_page_needs_no_login_and_refuses_a_second_answer(tree: Tree, users: dict[str, User]) -> None:
    survey = _survey(tree, users)
    [token] = _issue(survey, users)
    url = reverse("survey:respond", args=[token])
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "csrfmiddlewaretoken" in html and "不了解" in html and 'name="viewport"' in html
    data = {f"q{q.pk}": "满意" for q in services.open_link(token=token).questions}
    data["csrfmiddlewaretoken"] = page.context["csrf_token"]
    thanks = client.post(url, data)
    assert "感谢您的参与" in thanks.content.decode()
    again = client.post(url, data)
    assert "该链接已经提交过，感谢参与" in again.content.decode()
    assert "该链接已经提交过，感谢参与" in client.get(url).content.decode()
    assert Response.objects.count() == 1


def test_the_respondent_form_needs_csrf(tree: Tree, users: dict[str, User]) -> None:
    survey = _survey(tree, users)
    [token] = _issue(survey, users)
    data = {f"q{q.pk}": "满意" for q in services.open_link(token=token).questions}
    refused = Client(enforce_csrf_checks=True).post(reverse("survey:respond", args=[token]), data)
    assert refused.status_code == 403
    assert not Response.objects.exists()


def test_a_missing_answer_is_shown_and_nothing_stored(tree: Tree, users: dict[str, User]) -> None:
    survey = _survey(tree, users)
    [token] = _issue(survey, users)
    questions = services.open_link(token=token).questions
    data = {f"q{q.pk}": "满意" for q in questions[1:]}
    page = Client().post(reverse("survey:respond", args=[token]), data)
    assert "请选择一个选项" in page.content.decode()
    assert not Response.objects.exists()


def test_an_unknown_link_is_404_in_chinese(db: None) -> None:
    page = Client().get(reverse("survey:respond", args=["nope"]))
    assert page.status_code == 404 and "该链接无效" in page.content.decode()


def test_the_survey_page_shows_rates_in_a_fixed_number_of_queries(
    tree: Tree, users: dict[str, User], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    survey = _survey(tree, users)
    for group in ("parents", "teachers", "residents"):
        for token in _issue(survey, users, group, 3):
            services.submit_answers(token=token, answers=_answers(token, "满意"))
    client = Client()
    client.force_login(users[Role.OBSERVER])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("survey:survey", args=[survey.pk]))
    html = page.content.decode()
    assert 'id="overall-rate">100.00%' in html
    assert 'id="overall-return">100.00%' in html
    assert "发放一次性链接" not in html  # an observer reads, never issues


def test_the_recognition_tests_use_the_survey_s_own_groups() -> None:
    from junheng.web.survey.models import Group
    from tests.assessment.test_recognition import GROUPS

    assert tuple(Group.values) == GROUPS
