"""The API's tokens and authentication, `/api/me`, and the published OpenAPI schema (contracts.md §4)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from junheng.schema import FIELDS, SchoolType
from junheng.web.api.models import ApiToken
from junheng.web.api.tokens import TokenError, issue_token
from junheng.web.orgs.models import Role
from tests.web.conftest import Tree

NO_TOKEN = "需要有效的接口令牌：请在请求头中加上“Authorization: Bearer 令牌”；令牌可用“junheng token 用户名”生成"
CORE_PATHS = ["/api/counties", "/api/counties/{id}/evaluation", "/api/schools", "/api/schools/{id}"]


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def every_endpoint(tree: Tree) -> list[tuple[str, str]]:
    school = f"/api/schools/{tree.school.pk}?year=2025"
    return [
        ("get", "/api/me"),
        ("get", "/api/counties"),
        ("get", f"/api/counties/{tree.county.pk}/evaluation?year=2025"),
        ("get", f"/api/schools?county={tree.county.pk}&year=2025"),
        ("get", school),
        ("patch", school),
    ]


# Issuing tokens


def test_a_token_is_shown_once_and_only_its_sha256_is_stored(users: dict[str, User]) -> None:
    token = issue_token(username="clerk", name="报表脚本")
    stored = ApiToken.objects.get()
    assert token.startswith("jh_") and len(token) > 40
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert (stored.user, stored.name, stored.last_used_at) == (users[Role.CLERK], "报表脚本", None)
    assert token not in {stored.digest, stored.name}


def test_every_token_is_new(users: dict[str, User]) -> None:
    first, second = issue_token(username="clerk"), issue_token(username="clerk")
    assert first != second
    assert bearer(first).get("/api/me").status_code == bearer(second).get("/api/me").status_code == 200


def test_an_unknown_user_gets_no_token_and_a_chinese_error(users: dict[str, User]) -> None:
    with pytest.raises(TokenError) as error:
        issue_token(username="nobody")
    assert str(error.value) == "没有用户名为“nobody”的有效用户；请检查用户名，或先在管理后台创建该用户"
    assert error.value.username == "nobody"
    assert not ApiToken.objects.exists()


def test_an_inactive_user_gets_no_token(users: dict[str, User]) -> None:
    User.objects.filter(username="clerk").update(is_active=False)
    with pytest.raises(TokenError):
        issue_token(username="clerk")


# Authentication


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer jh_not-a-token", "Bearer ", "Token {token}", "Basic Y2xlcms6cHctY2xlcms=", "{token}"],
)
def test_every_endpoint_is_401_without_a_valid_bearer_token(
    tree: Tree, users: dict[str, User], authorization: str | None
) -> None:
    token = issue_token(username="county")
    headers = {} if authorization is None else {"Authorization": authorization.format(token=token)}
    for method, path in every_endpoint(tree):
        response = getattr(Client(headers=headers), method)(path)
        assert (method, path, response.status_code, response.json()) == (method, path, 401, {"detail": NO_TOKEN})
        assert response["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_or_a_deactivated_user_is_401(users: dict[str, User]) -> None:
    revoked, kept = issue_token(username="clerk"), issue_token(username="county")
    ApiToken.objects.filter(user__username="clerk").delete()
    assert bearer(revoked).get("/api/me").status_code == 401
    assert bearer(kept).get("/api/me").status_code == 200
    User.objects.filter(username="county").update(is_active=False)
    assert bearer(kept).get("/api/me").status_code == 401


def test_a_logged_in_browser_session_is_not_a_token(users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users[Role.COUNTY_OFFICE])
    assert client.get("/api/me").status_code == 401


def test_a_token_notes_when_it_was_last_used_to_the_minute(users: dict[str, User]) -> None:
    client = bearer(issue_token(username="clerk"))
    client.get("/api/me")
    first = ApiToken.objects.get().last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=10)
    recently = timezone.now() - timedelta(seconds=20)
    ApiToken.objects.update(last_used_at=recently)
    client.get("/api/me")
    assert ApiToken.objects.get().last_used_at == recently
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=2))
    client.get("/api/me")
    last = ApiToken.objects.get().last_used_at
    assert last is not None and timezone.now() - last < timedelta(seconds=10)


# GET /api/me


@pytest.mark.parametrize(
    ("role", "organisation", "label"),
    [
        (Role.CLERK, "示范县实验小学", "学校填报员"),
        (Role.COUNTY_OFFICE, "示范县", "县级督导室"),
        (Role.SUPERVISOR, "示范市", "市/省级督学"),
        (Role.OBSERVER, "示范市", "观察员（只读）"),
    ],
)
def test_me_is_the_tokens_user_and_their_roles(
    users: dict[str, User], role: str, organisation: str, label: str
) -> None:
    user = users[role]
    response = bearer(issue_token(username=user.username)).get("/api/me")
    assert response.status_code == 200
    membership = user.memberships.get()
    assert response.json() == {
        "username": user.username,
        "memberships": [
            {
                "organisation_id": membership.organisation.pk,
                "organisation_kind": membership.organisation.kind,
                "organisation_name": organisation,
                "role": role,
                "role_label": label,
            }
        ],
    }


# The published schema and its documentation


def test_the_openapi_schema_lists_the_core_routes_with_bearer_authentication(db: None) -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "均衡 junheng 数据接口"
    paths = schema["paths"]
    assert [p for p in paths if p in CORE_PATHS] == CORE_PATHS
    assert {p: sorted(paths[p]) for p in CORE_PATHS} == {
        "/api/counties": ["get"],
        "/api/counties/{id}/evaluation": ["get"],
        "/api/schools": ["get"],
        "/api/schools/{id}": ["get", "patch"],
    }
    assert schema["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert all(op["security"] == [{"BearerToken": []}] for p in CORE_PATHS for op in paths[p].values())


def test_the_schema_names_every_field_of_the_data_file(db: None) -> None:
    components = Client().get("/api/openapi.json").json()["components"]["schemas"]
    record = components["SchoolRecord"]["properties"]
    assert list(record) == ["id", *(f.key for f in FIELDS), "status"]
    assert record["students_primary"]["description"] == "小学在校生数"
    # Choices by the data file's English keys; null where a record has not been filled in yet.
    assert record["school_type"]["anyOf"] == [{"$ref": "#/components/schemas/SchoolType"}, {"type": "null"}]
    assert components["SchoolType"]["enum"] == [t.value for t in SchoolType]
    assert record["ownership"]["anyOf"][0]["enum"] == ["public", "private"]
    identity = {"year", "county", "county_code", "school_id", "school_name"}
    assert set(components["SchoolRecordPatch"]["properties"]) == {f.key for f in FIELDS} - identity


def test_the_documentation_page_uses_no_cdn(db: None) -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
