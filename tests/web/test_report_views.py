"""一键生成自评报告 on the platform: the zip of three files, its scope, and the rectification ledger."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from docx import Document

from junheng.web.assessment import reports, services
from junheng.web.assessment.models import Problem
from junheng.web.collection import services as collection
from junheng.web.collection.models import SchoolRecord
from junheng.web.orgs.models import Role
from tests.web.conftest import Tree, make_user
from tests.web.test_assessment_services import JUDGEMENT_ITEMS, PASSING, SCHOOL_FIGURES, VETOES, YEAR, tally

G14_FAILING = PASSING | {"quota_places_allocated_to_junior_schools": 40}  # 40 % < 50 %
Q1_FAILING = PASSING | {"junior_graduates": 90}  # 90 % < 95 %


@pytest.fixture
def survey_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    """The survey's answers: 90 % recognition, 80 % returned (the survey app's tests store real answers)."""
    monkeypatch.setattr(services, "survey_tally", lambda *, county, year: tally(0.9))


@pytest.fixture
def prepare(tree: Tree, users: dict[str, User], survey_rate: None) -> Callable[[int, dict[str, Any]], User]:
    """A year of the county with passing school data, judgements and vetoes, and the given county figures."""
    admin = User.objects.create_superuser("admin")
    office = users[Role.COUNTY_OFFICE]

    def year_of(year: int, figures: dict[str, Any]) -> User:
        collection.open_round(user=admin, county_id=tree.county.pk, year=year)
        for record in SchoolRecord.objects.filter(school__parent=tree.county, year=year):
            collection.update_record(user=admin, record=record, values=SCHOOL_FIGURES)
        services.save_county_figures(user=office, county_id=tree.county.pk, year=year, figures=figures)
        for item in JUDGEMENT_ITEMS:
            services.record_judgement(user=office, county_id=tree.county.pk, year=year, item_id=item, passed=True)
        for key in VETOES:
            services.set_veto_check(user=office, county_id=tree.county.pk, year=year, key=key, applies=False)
        return office

    return year_of


def _post(user: User, county_id: int, year: int = YEAR) -> Any:
    """一键生成自评报告 as the button does it: the job is queued (and, in these tests, run at once), the
    county page shows it finished, and its link gives the zip; a refusal is the POST's own answer."""
    client = Client()
    client.force_login(user)
    response = client.post(f"/assessment/county/{county_id}/{year}/report/", follow=True)
    if response.status_code != 200:
        return response
    job = response.context["report_job"]
    assert job.state == "done", job.error
    assert f'href="/jobs/{job.pk}/download/"' in response.content.decode()
    return client.get(f"/jobs/{job.pk}/download/")


def _ledger(tree: Tree) -> dict[str, tuple[int, str, int | None]]:
    return {p.key: (p.year_found, p.status, p.closed_year) for p in Problem.objects.filter(county=tree.county)}


def test_the_county_office_downloads_three_files_with_the_pages_figures(
    tree: Tree, prepare: Callable[[int, dict[str, Any]], User]
) -> None:
    office = prepare(YEAR, G14_FAILING)
    response = _post(office, tree.county.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(archive.namelist())
    assert [n.rsplit(".", 1)[1] for n in names] == ["docx", "pdf", "xlsx"]
    document = Document(io.BytesIO(archive.read(next(n for n in names if n.endswith(".docx")))))
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assessment = services.county_assessment(user=office, county_id=tree.county.pk, year=YEAR)
    g14 = next(i for d in assessment.dimensions for i in d.items if i.id == "G14")
    assert g14.checks[0].figure == "40%"
    assert ["G14", g14.name, g14.checks[0].label, "40%", "≥ 50%", "未达标"] in cells
    assert _ledger(tree) == {"item:G14": (YEAR, "open", None)}


def test_the_page_links_to_the_report(tree: Tree, prepare: Callable[[int, dict[str, Any]], User]) -> None:
    client = Client()
    client.force_login(prepare(YEAR, PASSING))
    page = client.get(f"/assessment/county/{tree.county.pk}/?year={YEAR}").content.decode()
    assert f'action="/assessment/county/{tree.county.pk}/{YEAR}/report/"' in page
    assert "一键生成自评报告" in page


def test_an_unfixed_problem_is_carried_into_the_next_year_and_a_fixed_one_closed(
    tree: Tree, prepare: Callable[[int, dict[str, Any]], User]
) -> None:
    office = prepare(YEAR, G14_FAILING | {"junior_graduates": 90})
    reports.county_report(user=office, county_id=tree.county.pk, year=YEAR)
    assert _ledger(tree) == {"item:G14": (YEAR, "open", None), "item:Q1": (YEAR, "open", None)}
    prepare(YEAR + 1, Q1_FAILING)  # G14 fixed, Q1 not
    report = reports.county_report(user=office, county_id=tree.county.pk, year=YEAR + 1)
    assert _ledger(tree) == {"item:G14": (YEAR, "closed", YEAR + 1), "item:Q1": (YEAR, "open", None)}
    ledger = next(s for s in report.sections if s.title == "七、问题清单与整改")
    assert [r[2:] for r in ledger.tables[0].rows] == [(str(YEAR), "延续整改")]
    assert [r[2:] for r in ledger.tables[1].rows] == [(str(YEAR), str(YEAR + 1))]
    reports.county_report(user=office, county_id=tree.county.pk, year=YEAR + 1)  # again: nothing changes
    assert Problem.objects.count() == 2


def test_a_supervisor_downloads_but_does_not_touch_the_ledger(
    tree: Tree, users: dict[str, User], prepare: Callable[[int, dict[str, Any]], User]
) -> None:
    prepare(YEAR, G14_FAILING)
    response = _post(users[Role.SUPERVISOR], tree.county.pk)
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(response.content)).testzip() is None
    assert Problem.objects.count() == 0


def test_an_observer_cannot_start_the_report(
    tree: Tree, users: dict[str, User], prepare: Callable[[int, dict[str, Any]], User]
) -> None:
    prepare(YEAR, G14_FAILING)
    response = _post(users[Role.OBSERVER], tree.county.pk)
    assert response.status_code == 403
    assert "只有县级督导室和督学可以生成自评报告" in response.content.decode()


def test_a_county_out_of_reach_is_404_and_reading_by_get_is_refused(tree: Tree, users: dict[str, User]) -> None:
    neighbour = make_user("neighbour", tree.other_county, Role.COUNTY_OFFICE)
    assert _post(neighbour, tree.county.pk).status_code == 404
    client = Client()
    client.force_login(users[Role.COUNTY_OFFICE])
    assert client.get(f"/assessment/county/{tree.county.pk}/{YEAR}/report/").status_code == 405
    assert Problem.objects.count() == 0
