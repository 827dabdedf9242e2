"""The assessment is computed once, in the core (issue 11 §2): for every demo county the page, the API,
the report and `junheng assess` on the county's exported files give the same states and figures."""

from __future__ import annotations

import csv
import io
import json
import math
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from junheng.assessment import Assessment
from junheng.cli import main
from junheng.io.assessment_json import assessment_to_json
from junheng.web.api.tokens import issue_token
from junheng.web.assessment import reports, services
from junheng.web.assessment.models import CountyFigures, Judgement, VetoCheck
from junheng.web.collection import services as collection
from junheng.web.demo import load_demo
from junheng.web.orgs.models import Organisation, Role
from junheng.web.survey import services as surveys
from junheng.web.survey.models import Survey
from junheng.web.survey.services import survey_tally
from tests.web.test_assessment_services import JUDGEMENT_ITEMS, PASSING, VETOES

YEAR = 2025


def _figures(folder: Path, county: Organisation, assessment: Assessment) -> list[str]:
    """The county's stored figures, decisions, veto checks and survey answers as `junheng assess` files."""
    args: list[str] = []
    stored = CountyFigures.objects.filter(county=county, year=YEAR).first()
    if stored is not None and stored.figures:
        path = folder / "figures.csv"
        rows = [("figure", "value")] + [
            (k, "是" if v is True else "否" if v is False else str(v)) for k, v in stored.figures.items()
        ]
        _write(path, rows)
        args += ["--figures", str(path)]
    decisions = [("item", "decision", "note")]
    decisions += [
        (j.item_id, "达标" if j.decision == Judgement.Decision.PASS else "未达标", j.note)
        for j in Judgement.objects.filter(county=county, year=YEAR)
    ]
    decisions += [
        (v.key, "存在" if v.applies else "不存在", v.note) for v in VetoCheck.objects.filter(county=county, year=YEAR)
    ]
    if len(decisions) > 1:
        path = folder / "decisions.csv"
        _write(path, decisions)
        args += ["--decisions", str(path)]
    tally = survey_tally(county=county, year=YEAR)
    if tally is not None:
        options = list(assessment_options(county))
        path = folder / "survey.csv"
        _write(
            path,
            [
                ("issued", "responses", *options),
                (tally.issued, tally.responses, *(tally.answers.get(o, 0) for o in options)),
            ],
        )
        args += ["--survey", str(path)]
    return args


def assessment_options(county: Organisation) -> tuple[str, ...]:
    from junheng.web.collection.services import standard_for

    settings = standard_for(county).recognition
    assert settings is not None
    return settings.options


def _write(path: Path, rows: list[tuple[Any, ...]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _states(document: dict[str, Any]) -> dict[str, Any]:
    """What every road must agree on: the states and the figures as numbers, item by item."""
    return {
        "state": document["state"],
        "dimensions": [
            (
                d["key"],
                d["state"],
                [
                    (i["id"], i["state"], [(c["state"], _number(c["value"]), c["bound"]) for c in i["checks"]])
                    for i in d["items"]
                ],
            )
            for d in document["dimensions"]
        ],
        "vetoes": [(v["key"], v["state"]) for v in document["vetoes"]],
    }


def _number(value: float | None) -> float | None:
    return None if value is None else round(value, 9) if math.isfinite(value) else None


def _enter(county: Organisation) -> None:
    """What a county office enters by hand: figures (G14 failing, Q2 missing), some judgements (Q8 failed),
    veto checks, and a survey answered through its links (one link unused)."""
    office = User.objects.filter(memberships__organisation=county, memberships__role=Role.COUNTY_OFFICE).first()
    assert office is not None
    figures = {k: v for k, v in PASSING.items() if k != "disabled_children"}
    figures["quota_places_allocated_to_junior_schools"] = 40
    services.save_county_figures(user=office, county_id=county.pk, year=YEAR, figures=figures)
    for item in JUDGEMENT_ITEMS[:5]:
        services.record_judgement(user=office, county_id=county.pk, year=YEAR, item_id=item, passed=True)
    services.record_judgement(
        user=office, county_id=county.pk, year=YEAR, item_id="Q8", passed=False, note="作业量超标"
    )
    for key in VETOES[:4]:
        services.set_veto_check(user=office, county_id=county.pk, year=YEAR, key=key, applies=False)
    survey = surveys.create_survey(
        user=office, county_id=county.pk, year=YEAR, title="满意度调查", resident_population=300_000
    )
    surveys.set_status(user=office, survey_id=survey.pk, status=Survey.Status.OPEN)
    tokens = surveys.issue_links(user=office, survey_id=survey.pk, group="parents", count=4)
    for token, option in zip(tokens[:3], ("满意", "比较满意", "不满意"), strict=True):
        questions = surveys.open_link(token=token).questions
        surveys.submit_answers(token=token, answers={q.pk: option for q in questions})


@pytest.mark.django_db
def test_every_road_gives_the_demo_counties_the_same_assessment(tmp_path: Path) -> None:
    load_demo()
    first = Organisation.objects.filter(kind="county").order_by("path").first()
    assert first is not None
    _enter(first)
    city = User.objects.get(username="demo-city")
    api = Client(headers={"Authorization": f"Bearer {issue_token(username=city.username)}"})
    page = Client()
    page.force_login(city)
    counties = Organisation.objects.filter(kind="county").order_by("path")
    assert counties.count() >= 2
    states: list[dict[str, Any]] = []
    for county in counties:
        found = services.county_assessment(user=city, county_id=county.pk, year=YEAR)
        by_core = _states(assessment_to_json(found))

        by_api = _states(api.get(f"/api/counties/{county.pk}/verdict?year={YEAR}").json())

        html = page.get(f"/assessment/county/{county.pk}/?year={YEAR}").content.decode()
        for dimension in found.dimensions:
            section = html[html.index(f'id="{dimension.key}"') :]
            assert f'<span class="{_css(dimension.state)}">{dimension.state}</span>' in section[:400], county.name

        report = reports.county_report(user=city, county_id=county.pk, year=YEAR)
        summary = report.sections[0].tables[0].rows
        assert [(row[0], row[1]) for row in summary[:4]] == [(d.name, str(d.state)) for d in found.dimensions]
        assert report.state == found.state

        folder = tmp_path / county.code
        folder.mkdir()
        name, content = collection.county_workbook(user=city, county_id=county.pk, year=YEAR)
        (folder / name).write_bytes(content)
        printed = io.StringIO()
        with redirect_stdout(printed):
            assert main(["assess", str(folder / name), *_figures(folder, county, found), "--format", "json"]) == 0
        (by_file,) = json.loads(printed.getvalue())["assessments"]
        by_cli = _states(by_file)

        assert by_core == by_api == by_cli, county.name
        states.append(by_core)
    entered = {item: (state, checks) for _, _, items in states[0]["dimensions"] for item, state, checks in items}
    assert entered["G14"] == ("未达标", [("未达标", 0.4, 0.5)])
    assert entered["Q8"][0] == "未达标" and entered["Q2"][0] == "待判定" and entered["G1"][0] == "达标"
    assert entered["S1"] == ("未达标", [("未达标", round(2 / 3, 9), 0.85), ("达标", 0.75, 0.7)])
    assert [state for _, state in states[0]["vetoes"]] == ["达标"] * 4 + ["待判定"] * 2


def _css(state: str) -> str:
    return {"达标": "good", "未达标": "bad", "待判定": "undecided"}[state]
