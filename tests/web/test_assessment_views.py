"""The evaluation page, its forms, evidence downloads and the API route: every role × own and foreign county."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from junheng.web.api.tokens import issue_token
from junheng.web.assessment import services
from junheng.web.assessment.models import Evidence, VetoCheck
from junheng.web.orgs.models import Organisation, Role
from tests.web.conftest import Tree

YEAR = 2025
ROLES = [Role.CLERK, Role.COUNTY_OFFICE, Role.SUPERVISOR, Role.OBSERVER]
# The county page (GET) and its forms (POST), for `tree.county` ("own") and a county of another city.
READ: dict[str, int] = {Role.CLERK: 404, Role.COUNTY_OFFICE: 200, Role.SUPERVISOR: 200, Role.OBSERVER: 200}
WRITE: dict[str, int] = {Role.CLERK: 404, Role.COUNTY_OFFICE: 302, Role.SUPERVISOR: 403, Role.OBSERVER: 403}


@pytest.fixture
def far_county(tree: Tree) -> Organisation:
    far_city = Organisation.objects.create(kind="city", name="远方市", code="4522", parent=tree.province)
    return Organisation.objects.create(kind="county", name="远方县", code="452201", parent=far_city)


@pytest.fixture
def evidence(tree: Tree, far_county: Organisation, settings: Any, tmp_path: Any) -> dict[str, Evidence]:
    """One evidence file in the own county and one in the far county."""
    settings.MEDIA_ROOT = tmp_path
    admin = User.objects.create_superuser("admin")
    found = {}
    for name, county in (("own", tree.county), ("far", far_county)):
        upload = SimpleUploadedFile(f"{name}.txt", b"evidence of " + name.encode())
        check = services.set_veto_check(
            user=admin, county_id=county.pk, year=YEAR, key="exam_admission", applies=False, files=[upload]
        )
        found[name] = Evidence.objects.get(veto=check)
    return found


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(county: Organisation) -> str:
    return f"/assessment/county/{county.pk}/?year={YEAR}"


def posts(county: Organisation) -> list[tuple[str, dict[str, Any]]]:
    base = f"/assessment/county/{county.pk}/{YEAR}"
    return [
        (f"{base}/figures/", {"teachers_rotated": "30"}),
        (f"{base}/judgement/G1/", {"decision": "pass", "note": "合理"}),
        (f"{base}/veto/exam_admission/", {"applies": "no"}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_the_county_page_by_role_own_and_foreign(
    role: str, tree: Tree, users: dict[str, User], far_county: Organisation
) -> None:
    client = client_of(users[role])
    assert client.get(page(tree.county)).status_code == READ[role]
    assert client.get(page(far_county)).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_the_forms_by_role_own_and_foreign(
    role: str, tree: Tree, users: dict[str, User], far_county: Organisation
) -> None:
    client = client_of(users[role])
    for url, data in posts(tree.county):
        assert client.post(url, data).status_code == WRITE[role], url
    for url, data in posts(far_county):
        assert client.post(url, data).status_code == 404, url
    stored = VetoCheck.objects.filter(county=tree.county).exists()
    assert stored is (role == Role.COUNTY_OFFICE)


def test_the_county_office_cannot_edit_the_neighbouring_county(tree: Tree, users: dict[str, User]) -> None:
    client = client_of(users[Role.COUNTY_OFFICE])
    assert client.get(page(tree.other_county)).status_code == 404
    for url, data in posts(tree.other_county):
        assert client.post(url, data).status_code == 404, url


def test_readers_see_no_forms_and_the_office_does(tree: Tree, users: dict[str, User]) -> None:
    office = client_of(users[Role.COUNTY_OFFICE]).get(page(tree.county)).content.decode()
    supervisor = client_of(users[Role.SUPERVISOR]).get(page(tree.county)).content.decode()
    assert "保存县级数据" in office and "保存认定" in office
    assert "保存县级数据" not in supervisor and "保存认定" not in supervisor
    assert "尚待判定是否达到县域义务教育优质均衡发展要求" in supervisor
    assert "一票否决项未核查" in supervisor


def test_with_nothing_entered_every_dimension_is_pending_and_nothing_is_said_to_fail(
    tree: Tree, users: dict[str, User]
) -> None:
    html = client_of(users[Role.SUPERVISOR]).get(page(tree.county)).content.decode()
    summary = html[html.index('id="verdict"') : html.index('id="resources"')]
    assert summary.count('<td class="undecided">待判定') == 4  # the four dimensions
    assert "未达标（" not in summary  # no list of failures: nothing has failed
    assert "待判定（" in summary and "项待判定" in summary
    assert "未核查（6 项）" in summary


def test_a_refused_figure_comes_back_in_the_form(tree: Tree, users: dict[str, User]) -> None:
    response = client_of(users[Role.COUNTY_OFFICE]).post(
        f"/assessment/county/{tree.county.pk}/{YEAR}/figures/", {"teachers_rotated": "-3"}
    )
    assert response.status_code == 422
    assert "本年度交流轮岗教师数：“-3”无效，应为不小于 0 的数值" in response.content.decode()


def test_a_judgement_with_evidence_shows_on_the_page(
    tree: Tree, users: dict[str, User], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_of(users[Role.COUNTY_OFFICE])
    upload = SimpleUploadedFile("章程.pdf", b"%PDF charter")
    response = client.post(
        f"/assessment/county/{tree.county.pk}/{YEAR}/judgement/Q3/",
        {"decision": "fail", "note": "两所学校无章程", "files": [upload]},
    )
    assert response.status_code == 302
    html = client.get(page(tree.county)).content.decode()
    stored = Evidence.objects.get()
    assert f'href="/assessment/evidence/{stored.pk}/">章程.pdf</a>' in html
    assert "教育质量：Q3 未达标——认定未达标：两所学校无章程" in html


@pytest.mark.parametrize("role", ROLES)
def test_evidence_downloads_by_role_own_and_foreign(
    role: str, users: dict[str, User], evidence: dict[str, Evidence]
) -> None:
    client = client_of(users[role])
    own = client.get(f"/assessment/evidence/{evidence['own'].pk}/")
    assert own.status_code == READ[role]
    if own.status_code == 200:
        assert b"".join(own.streaming_content) == b"evidence of own"  # type: ignore[attr-defined]
    assert client.get(f"/assessment/evidence/{evidence['far'].pk}/").status_code == 404
    assert client.get("/assessment/evidence/999999/").status_code == 404


def test_media_is_not_served_publicly(evidence: dict[str, Evidence]) -> None:
    assert Client().get(f"/media/{evidence['own'].file.name}").status_code == 404


def test_anonymous_users_are_sent_to_log_in(tree: Tree) -> None:
    response = Client().get(page(tree.county))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_links_to_the_page(tree: Tree, users: dict[str, User]) -> None:
    client = client_of(users[Role.COUNTY_OFFICE])
    assert f'href="/assessment/county/{tree.county.pk}/?year=' in client.get("/").content.decode()
    dashboard = client.get(f"/dashboards/county/{tree.county.pk}/").content.decode()
    assert f'href="/assessment/county/{tree.county.pk}/"' in dashboard


def test_the_survey_is_reached_from_home_and_from_the_recognition_dimension(tree: Tree, users: dict[str, User]) -> None:
    client = client_of(users[Role.COUNTY_OFFICE])
    survey = f'href="/survey/county/{tree.county.pk}/"'
    assert survey in client.get("/").content.decode()
    assert survey in client.get(f"/assessment/county/{tree.county.pk}/?year=2025").content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_the_verdict_api_by_role_own_and_foreign(
    role: str, tree: Tree, users: dict[str, User], far_county: Organisation
) -> None:
    client = Client(headers={"Authorization": f"Bearer {issue_token(username=users[role].username)}"})
    own = client.get(f"/api/counties/{tree.county.pk}/verdict?year={YEAR}")
    assert own.status_code == (404 if role == Role.CLERK else 200)
    if own.status_code == 200:
        body = json.loads(own.content)
        assert (body["county"], body["year"], body["pass"], body["state"]) == ("示范县", YEAR, False, "待判定")
        assert [d["name"] for d in body["dimensions"]] == ["资源配置", "政府保障程度", "教育质量", "社会认可度"]
        g14 = next(i for d in body["dimensions"] for i in d["items"] if i["id"] == "G14")
        assert (g14["state"], g14["pass"], g14["checks"][0]["value"], g14["checks"][0]["reason"]) == (
            "待判定",
            None,
            None,
            "未填报：分配到初中的优质高中招生名额、优质高中招生名额总数",
        )
        assert (g14["checks"][0]["bound"], g14["checks"][0]["unit"]) == (0.5, "%")
        assert [v["key"] for v in body["vetoes"]][:2] == ["exam_admission", "illegal_school_choice"]
    assert client.get(f"/api/counties/{far_county.pk}/verdict?year={YEAR}").status_code == 404


def test_the_verdict_api_needs_a_token(tree: Tree) -> None:
    assert Client().get(f"/api/counties/{tree.county.pk}/verdict?year={YEAR}").status_code == 401


def test_an_item_is_named_first_with_its_code_beside_it(tree: Tree, users: dict[str, User]) -> None:
    html = client_of(users[Role.SUPERVISOR]).get(page(tree.county)).content.decode()
    assert '<td>县域内义务教育学校规划布局合理，符合国家规定要求 <span class="muted">G1</span></td>' in html
    assert "<strong>G1</strong>" not in html
