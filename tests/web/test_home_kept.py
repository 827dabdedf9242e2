"""A city's or province's home composes its counties' kept states (issue 14 §1): a fixed number of queries
whatever the number of counties, and a change to anything one county's assessment reads (its records,
county figures, judgements, veto checks, survey links or answers) assesses that county alone, at once."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from junheng import assessment as core
from junheng.web.assessment import many
from junheng.web.assessment import services as assessment
from junheng.web.collection import services as collection
from junheng.web.collection.models import SchoolRecord
from junheng.web.home import kept_states, overview, progress
from junheng.web.orgs.models import Organisation, Role
from junheng.web.survey import services as survey
from junheng.web.survey.models import Survey
from tests.web.conftest import Tree, make_user
from tests.web.test_dashboards import figures, school, store

YEAR = 2025


def _office(county: Organisation) -> User:
    return User.objects.get(username=f"office-{county.code}")


def _answer(county: Organisation, links: int, answered: int, option: str = "满意") -> None:
    """Issue `links` parents' links of the county's survey and answer `answered` of them, every question `option`."""
    found = Survey.objects.get(county=county, year=YEAR)
    tokens = survey.issue_links(user=_office(county), survey_id=found.pk, group="parents", count=links)
    for token in tokens[:answered]:
        questions = survey.open_link(token=token).questions
        survey.submit_answers(token=token, answers={q.pk: option for q in questions})


def _county(city: Organisation, n: int) -> Organisation:
    """A county of three primary schools, their records submitted, and every other input of its assessment:
    one county figure, a judgement, a veto check, and an open survey whose three links were all answered 满意."""
    county = Organisation.objects.create(kind="county", name=f"新县{n}", code=f"4521{10 + n}", parent=city)
    for k in range(3):
        found = school(f"新县{n}第{k + 1}小学", f"{county.code}{k:04d}", county)
        store(found, YEAR, SchoolRecord.Status.SUBMITTED, **figures(200 + 50 * k))
    office = make_user(f"office-{county.code}", county, Role.COUNTY_OFFICE)
    assessment.save_county_figures(
        user=office, county_id=county.pk, year=YEAR, figures={"small_schools_funded_as_minimum": True}
    )
    assessment.record_judgement(user=office, county_id=county.pk, year=YEAR, item_id="G1", passed=True)
    assessment.set_veto_check(user=office, county_id=county.pk, year=YEAR, key="exam_admission", applies=False)
    made = survey.create_survey(
        user=office, county_id=county.pk, year=YEAR, title=f"新县{n}满意度调查", resident_population=300_000
    )
    survey.set_status(user=office, survey_id=made.pk, status="open")
    _answer(county, 3, 3)
    return county


def _province(tree: Tree) -> User:
    return make_user("province", tree.province, Role.SUPERVISOR)


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The counties assessed for the home pages, from now on."""
    calls: list[int] = []

    def counted(counties: Sequence[Organisation], year: int) -> dict[int, core.Assessment]:
        calls.extend(county.pk for county in counties)
        return many.county_assessments(counties, year)

    monkeypatch.setattr(kept_states, "county_assessments", counted)
    return calls


def _page(client: Client) -> str:
    response = client.get(reverse("home") + f"?year={YEAR}")
    assert response.status_code == 200
    return str(response.content.decode())


def _row(page: str, county: Organisation) -> str:
    return page.split(f'<tr id="county-{county.pk}">', 1)[1].split("</tr>", 1)[0]


def _rows(page: str) -> list[str]:
    """Every county's row: the page but for its form's one-time token."""
    return re.findall(r'<tr id="county-.*?</tr>', page, flags=re.S)


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        _page(client)
    return len(captured)


@pytest.mark.parametrize("region", ["province", "city"])
def test_the_region_home_costs_the_same_queries_for_six_counties_as_for_two_once_they_are_kept(
    region: str, tree: Tree, users: dict[str, User]
) -> None:
    user = _province(tree) if region == "province" else users[Role.SUPERVISOR]
    client = Client()
    client.force_login(user)
    for n in range(2):
        _county(tree.city, n)
    _page(client)  # keeps them
    two = _queries(client)
    for n in range(2, 6):
        _county(tree.city, n)
    _page(client)
    six = _queries(client)
    assert two == six
    # The session, the user, their memberships, the counties, the five inputs of the states, the kept
    # collections and states (none with Redis), the schools and records of the two counties without a
    # record this year (counted anew each time), the years to choose from; a city's breadcrumbs, its province.
    assert six <= (14 if region == "province" else 15)


def test_a_record_changed_in_one_county_assesses_that_county_alone_and_the_page_shows_it_at_once(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    counties = [_county(tree.city, n) for n in range(3)]
    client = Client()
    client.force_login(_province(tree))
    calls = _counted(monkeypatch)
    first = _page(client)
    assert sorted(calls) == sorted([tree.county.pk, tree.other_county.pk, *(c.pk for c in counties)])
    calls.clear()
    assert _rows(_page(client)) == _rows(first)
    assert calls == []  # nothing changed: nothing assessed

    changed = counties[1]
    record = SchoolRecord.objects.filter(school__path__startswith=changed.path, year=YEAR).order_by("pk").first()
    assert record is not None
    assert "未达标" not in _row(first, changed).split("</td>", 2)[1]  # 资源配置 met before
    collection.update_record(user=_office(changed), record=record, values={"sports_area_m2": 1.0}, reason="核实后更正")
    after = _page(client)
    assert calls == [changed.pk]
    assert "未达标" in _row(after, changed).split("</td>", 2)[1]  # the schools' sports grounds now fall short
    for county in (c for c in counties if c != changed):
        assert _row(after, county) == _row(first, county)


def _rows_rendered(client: Client) -> list[str]:
    """The counties whose row on the home was rendered (not remembered from an earlier page)."""
    names: list[str] = []

    def rendered(sender: object, template: Template, context: Context, **kwargs: object) -> None:
        if template.name == "home/_county_row.html":
            names.append(context["row"].name)

    template_rendered.connect(rendered)
    try:
        _page(client)
    finally:
        template_rendered.disconnect(rendered)
    return names


def test_after_a_change_in_one_county_the_home_renders_that_countys_row_alone(tree: Tree) -> None:
    overview._county_row.cache_clear()
    counties = [_county(tree.city, n) for n in range(3)]
    client = Client()
    client.force_login(_province(tree))
    assert sorted(_rows_rendered(client)) == sorted(
        [tree.county.name, tree.other_county.name, *(c.name for c in counties)]
    )
    assert _rows_rendered(client) == []
    changed = counties[1]
    record = SchoolRecord.objects.filter(school__path__startswith=changed.path, year=YEAR).order_by("pk").first()
    assert record is not None
    collection.update_record(user=_office(changed), record=record, values={"sports_area_m2": 1.0}, reason="核实后更正")
    assert _rows_rendered(client) == [changed.name]
    changed.name = "新县1（更名）"
    changed.save()
    assert _rows_rendered(client) == ["新县1（更名）"]
    assert ">新县1（更名）</a>" in _row(_page(client), changed)


# Each input of a county's assessment beyond its records, written as the county office (or a respondent) does.
WRITES: dict[str, Callable[[Organisation], Any]] = {
    "county figures": lambda county: assessment.save_county_figures(
        user=_office(county),
        county_id=county.pk,
        year=YEAR,
        figures={"small_schools_funded_as_minimum": True, "performance_pay_fully_set": False},
    ),
    "judgement": lambda county: assessment.record_judgement(
        user=_office(county), county_id=county.pk, year=YEAR, item_id="G1", passed=False, note="经核查未达标"
    ),
    "new judgement": lambda county: assessment.record_judgement(
        user=_office(county), county_id=county.pk, year=YEAR, item_id="G2", passed=True
    ),
    "veto check": lambda county: assessment.set_veto_check(
        user=_office(county), county_id=county.pk, year=YEAR, key="exam_admission", applies=True
    ),
    "survey links issued": lambda county: _answer(county, 20, 0),  # valid returns 3 of 23, below 70%
    "survey answered": lambda county: _answer(county, 1, 1, "不满意"),  # 3 of 4 satisfied, below 85%
}


@pytest.mark.parametrize("write", WRITES)
def test_every_input_of_the_assessment_changed_in_one_county_is_on_the_home_at_once(
    write: str, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    counties = [_county(tree.city, n) for n in range(2)]
    client = Client()
    client.force_login(_province(tree))
    first = _page(client)
    calls = _counted(monkeypatch)
    changed = counties[0]
    WRITES[write](changed)
    after = _page(client)
    assert calls == [changed.pk]
    assert _row(after, changed) != _row(first, changed)
    cache.clear()
    assert _rows(_page(client)) == _rows(after)  # what was kept is what the inputs give


def test_a_county_without_records_of_the_year_is_kept_too_until_its_first_record(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    client.force_login(_province(tree))
    _page(client)
    calls = _counted(monkeypatch)
    first = _page(client)
    assert calls == []
    store(school("示范县第九小学", "4521010009", tree.county), YEAR, **figures(300))
    after = _page(client)
    assert calls == [tree.county.pk]
    assert ">0 / 2</a>" in _row(first, tree.county) and ">1 / 3</a>" in _row(after, tree.county)


def test_a_county_moved_to_another_standard_is_assessed_under_it(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    county = _county(tree.city, 0)
    client = Client()
    client.force_login(_province(tree))
    _page(client)
    calls = _counted(monkeypatch)
    county.standard = "basic-2012"
    county.save()
    _page(client)
    assert calls == [county.pk]


def test_a_county_given_records_without_a_data_version_is_assessed_on_every_page(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A school moved with its records into a county nobody wrote records of that year: the county has
    records but no data version, so its state is never kept under one (`kept_states.NO_RECORDS`)."""
    counties = [_county(tree.city, n) for n in range(2)]
    client = Client()
    client.force_login(_province(tree))
    first = _page(client)
    calls = _counted(monkeypatch)
    moved = Organisation.objects.get(code=f"{counties[0].code}0000")
    moved.parent = tree.other_county
    moved.save()
    after = _page(client)
    assert sorted(calls) == sorted([counties[0].pk, tree.other_county.pk])
    assert _row(after, tree.other_county) != _row(first, tree.other_county)
    calls.clear()
    assert _rows(_page(client)) == _rows(after)
    assert calls == [tree.other_county.pk]


def test_the_collection_counts_every_school_of_each_county_once_however_deep_it_is_placed(tree: Tree) -> None:
    """Counted by the database per school's parent: a school placed under another school counts for its county."""
    store(tree.school, YEAR, SchoolRecord.Status.APPROVED, **figures(200))
    store(tree.other_school, YEAR, SchoolRecord.Status.DRAFT)  # opened by the round, nobody has filled it
    annex = school("示范县实验小学分校", "4521010009", tree.school)
    store(annex, YEAR, SchoolRecord.Status.SUBMITTED, **figures(120))
    school("示范县第三小学", "4521010003", tree.county)  # no record yet
    store(tree.foreign_school, YEAR - 1, SchoolRecord.Status.APPROVED, **figures(90))  # another year
    found = progress.collection(tree.province, [tree.county, tree.other_county], YEAR)
    ours = found[tree.county.pk]
    assert (ours.schools, ours.records) == (4, 3)
    assert {s.key: s.count for s in ours.states} == {
        "not_started": 2,
        "draft": 0,
        "submitted": 1,
        "returned": 0,
        "approved": 1,
    }
    theirs = found[tree.other_county.pk]
    assert (theirs.schools, theirs.records, theirs.handed_in) == (1, 0, 0)


def test_the_collection_counts_are_kept_and_a_record_submitted_or_a_school_added_shows_at_once(tree: Tree) -> None:
    county = _county(tree.city, 0)
    client = Client()
    client.force_login(_province(tree))
    assert ">3 / 3</a>" in _row(_page(client), county)
    draft = SchoolRecord.objects.filter(school__parent=county, year=YEAR).first()
    assert draft is not None
    SchoolRecord.objects.filter(pk=draft.pk).update(status=SchoolRecord.Status.DRAFT)
    assert ">2 / 3</a>" in _row(_page(client), county)
    school("新县0第4小学", f"{county.code}0009", county)
    assert ">2 / 4</a>" in _row(_page(client), county)
    assert _rows(_page(client)) == _rows(_page_after_clearing(client))


def _page_after_clearing(client: Client) -> str:
    cache.clear()
    return _page(client)


def test_counties_assessed_together_are_assessed_as_each_one_alone(tree: Tree) -> None:
    """Records, county figures, judgements, veto checks and surveys of several counties read together give
    each county the assessment its own page computes, to the last figure."""
    counties = [_county(tree.city, n) for n in range(3)]
    SchoolRecord.objects.filter(school__parent=counties[1], year=YEAR).update(sports_area_m2=1.0)
    assessment.record_judgement(
        user=_office(counties[2]), county_id=counties[2].pk, year=YEAR, item_id="G1", passed=False
    )
    everyone = [tree.county, tree.other_county, *counties]
    together = many.county_assessments(everyone, YEAR)
    province = _province(tree)
    alone = {c.pk: assessment.county_assessment(user=province, county_id=c.pk, year=YEAR) for c in everyone}
    assert together == alone
    assert {a.state for a in together.values()} != {core.State.PASSED}  # not all trivially alike
