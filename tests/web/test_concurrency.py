"""Two people editing the same school's record (issue 10 §1): the later save made on an older version is
refused with what changed meanwhile, whether through the form or the API (ETag / If-Match, 412)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from junheng.web.api.tokens import issue_token
from junheng.web.collection import services
from junheng.web.collection.models import Change, SchoolRecord
from junheng.web.collection.versions import StaleRecord
from junheng.web.orgs.models import Role
from tests.web.conftest import Tree, make_user
from tests.web.html_forms import form_inputs, submitted
from tests.web.test_services import FIGURES

YEAR = 2025


@pytest.fixture
def record(tree: Tree, users: dict[str, User]) -> SchoolRecord:
    """实验小学's 2025 record, filled by its clerk: 12,000 books, 60 computers; version 2."""
    services.open_round(user=users[Role.COUNTY_OFFICE], county_id=tree.county.pk, year=YEAR)
    found = SchoolRecord.objects.get(school=tree.school, year=YEAR)
    return services.update_record(
        user=users[Role.CLERK], record=found, values=FIGURES | {"books": 12000, "computers": 60}
    )


@pytest.fixture
def second_clerk(tree: Tree) -> User:
    user = make_user("clerk2", tree.school, Role.CLERK)
    user.first_name = "王老师"
    user.save()
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(tree: Tree) -> str:
    return reverse("collection:school", args=[tree.school.pk]) + f"?year={YEAR}"


def _opened(client: Client, tree: Tree) -> dict[str, list[str]]:
    """The school's form as a browser holds it once opened."""
    return submitted(form_inputs(client.get(_url(tree)).content.decode(), holding="books"))


def _stored() -> SchoolRecord:
    return SchoolRecord.objects.get(year=YEAR, school__code="4521010001")


def _figures(*keys: str) -> tuple[object, ...]:
    """The stored record's figures of `keys` (the data fields are added to the model from the schema)."""
    values = _stored().values()
    return tuple(values[key] for key in keys)


# The form


def test_the_form_carries_the_version_it_was_opened_on(
    record: SchoolRecord, tree: Tree, users: dict[str, User]
) -> None:
    assert record.version == 2
    assert _opened(_client(users[Role.CLERK]), tree)["version"] == ["2"]


def test_the_later_of_two_saves_on_the_same_version_is_refused_with_what_changed(
    record: SchoolRecord, tree: Tree, users: dict[str, User], second_clerk: User
) -> None:
    """The issue's example: A saves books 44444; B, who opened the form before, saves computers 555."""
    a, b = _client(users[Role.CLERK]), _client(second_clerk)
    a_form, b_form = _opened(a, tree), _opened(b, tree)
    assert a.post(_url(tree), a_form | {"books": ["44444"]}).status_code == 302

    response = b.post(_url(tree), b_form | {"computers": ["555"], "reason": ["新购计算机"]})
    page = response.content.decode()
    assert response.status_code == 200 and "已保存" not in page.replace("已保存的值", "")
    assert _figures("books", "computers") == (44444, 60)
    conflicts = page[page.index('id="conflicts"') : page.index("</section>", page.index('id="conflicts"'))]
    assert "未保存" in conflicts
    assert "<td>图书册数</td><td>12000</td><td>44444</td><td>clerk</td>" in conflicts
    kept = submitted(form_inputs(page, holding="books"))
    assert (kept["computers"], kept["books"], kept["version"]) == (["555"], ["44444"], ["3"])
    assert kept["reason"] == ["新购计算机"]

    assert b.post(_url(tree), kept).status_code == 302
    assert _figures("books", "computers") == (44444, 555) and _stored().version == 4
    assert list(Change.objects.filter(field__in=["books", "computers"], version__gt=2).values_list("field", "new")) == [
        ("computers", "555"),
        ("books", "44444"),
    ]


def test_a_field_both_changed_shows_both_values_and_stores_neither_until_resaved(
    record: SchoolRecord, tree: Tree, users: dict[str, User], second_clerk: User
) -> None:
    a, b = _client(users[Role.CLERK]), _client(second_clerk)
    a_form, b_form = _opened(a, tree), _opened(b, tree)
    a.post(_url(tree), a_form | {"books": ["44444"]})
    page = b.post(_url(tree), b_form | {"books": ["50000"]}).content.decode()
    assert "<td>图书册数</td><td>50000</td><td>44444</td>" in page
    assert _figures("books") == (44444,)


# Every path that saves the record makes a new version


def test_every_save_of_the_record_makes_a_new_version(
    record: SchoolRecord, tree: Tree, users: dict[str, User], tmp_path: Path
) -> None:
    clerk, office = users[Role.CLERK], users[Role.COUNTY_OFFICE]
    versions = [record.version]
    services.update_record(user=clerk, record=record, values={"books": 13000})
    versions.append(_stored().version)
    token = issue_token(username="clerk")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    api_url = f"/api/schools/{tree.school.pk}?year={YEAR}"
    assert api.patch(api_url, json.dumps({"books": 14000}), content_type="application/json").status_code == 200
    versions.append(_stored().version)
    services.submit(user=clerk, record=_stored())
    versions.append(_stored().version)
    services.return_record(user=office, record=_stored(), comment="请核对图书册数")
    versions.append(_stored().version)
    name, content = services.county_workbook(user=office, county_id=tree.county.pk, year=YEAR)
    workbook = tmp_path / "county.xlsx"
    workbook.write_bytes(content)
    services.import_workbook(user=office, county_id=tree.county.pk, year=YEAR, path=workbook, name=name)
    versions.append(_stored().version)
    services.submit(user=clerk, record=_stored())
    services.approve(user=office, record=_stored())
    versions.append(_stored().version)
    assert versions == [2, 3, 4, 5, 6, 7, 9]


def test_a_service_edit_on_an_older_version_stores_nothing(record: SchoolRecord, users: dict[str, User]) -> None:
    services.update_record(user=users[Role.CLERK], record=record, values={"books": 44444})
    with pytest.raises(StaleRecord) as refused:
        services.update_record(user=users[Role.CLERK], record=record, values={"computers": 555}, version=2)
    assert [(m.field, m.saved, m.by) for m in refused.value.meanwhile] == [("books", 44444, "clerk")]
    assert _figures("computers") == (60,) and _stored().version == 3


# The API: ETag on GET, If-Match on PATCH, 412 on a stale version


@pytest.fixture
def api(users: dict[str, User]) -> Client:
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {issue_token(username='clerk')}"})


def _patch(client: Client, tree: Tree, body: dict[str, Any], **headers: str) -> Any:
    path = f"/api/schools/{tree.school.pk}?year={YEAR}"
    return client.patch(path, json.dumps(body), content_type="application/json", headers=headers)


def test_get_answers_the_records_version_as_its_etag(record: SchoolRecord, tree: Tree, api: Client) -> None:
    response = api.get(f"/api/schools/{tree.school.pk}?year={YEAR}")
    assert (response.status_code, response["ETag"]) == (200, '"2"')


def test_a_patch_on_the_current_etag_is_saved_and_answers_the_next(
    record: SchoolRecord, tree: Tree, api: Client
) -> None:
    response = _patch(api, tree, {"books": 44444}, **{"If-Match": '"2"'})
    assert (response.status_code, response["ETag"], response.json()["books"]) == (200, '"3"', 44444)


def test_a_patch_on_a_stale_etag_is_412_says_what_changed_and_stores_nothing(
    record: SchoolRecord, tree: Tree, api: Client, second_clerk: User
) -> None:
    services.update_record(user=second_clerk, record=record, values={"books": 44444})
    response = _patch(api, tree, {"computers": 555}, **{"If-Match": '"2"'})
    assert (response.status_code, response["ETag"]) == (412, '"3"')
    detail = response.json()["detail"]
    assert detail.startswith(
        '示范县实验小学 2025 年度数据在您读取之后已被修改，当前 ETag 为 "3"，与请求头 If-Match 不符，本次修改未保存。'
    )
    assert "期间的修改：books（图书册数）由王老师于 " in detail
    assert detail.endswith("请重新读取（GET）该记录，核对后带上新的 ETag 再修改")
    assert _figures("computers") == (60,) and _stored().version == 3


@pytest.mark.parametrize("if_match", ['W/"2"', "2", '"abc"', '"1"', ""])
def test_an_if_match_naming_no_current_strong_version_is_412(
    record: SchoolRecord, tree: Tree, api: Client, if_match: str
) -> None:
    assert _patch(api, tree, {"computers": 555}, **{"If-Match": if_match}).status_code == 412
    assert _figures("computers") == (60,)


@pytest.mark.parametrize("if_match", ["*", '"1", "2"', None])
def test_any_version_star_a_list_naming_it_or_no_if_match_is_saved(
    record: SchoolRecord, tree: Tree, api: Client, if_match: str | None
) -> None:
    headers = {} if if_match is None else {"If-Match": if_match}
    assert _patch(api, tree, {"computers": 555}, **headers).status_code == 200
    assert _figures("computers") == (555,)


def test_the_openapi_schema_documents_etag_if_match_and_412(db: None) -> None:
    schema = Client().get("/api/openapi.json").json()
    one = schema["paths"]["/api/schools/{id}"]
    assert "ETag" in one["get"]["responses"]["200"]["headers"]
    assert "ETag" in one["patch"]["responses"]["200"]["headers"]
    assert "412" in one["patch"]["responses"]
    parameters = {(p["in"], p["name"]) for p in one["patch"]["parameters"]}
    assert ("header", "If-Match") in parameters
