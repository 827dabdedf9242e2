"""The API does what its OpenAPI schema says (issue 10 §2): schemathesis makes requests from the schema,
both well-formed ones and ones made to break it, sends them with a county office's token, and checks
every answer against the schema: no server error, only documented status codes, headers and bodies.

Bounded to 20 examples per operation (and schemathesis' boundary cases); the hypothesis profile of
tests/conftest.py makes the run repeat exactly in CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from junheng.web.api.tokens import issue_token
from junheng.web.collection import services
from junheng.web.collection.models import SchoolRecord
from junheng.web.orgs.models import Role
from tests.web.conftest import Tree
from tests.web.test_services import FIGURES

YEAR = 2025
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# What a county's readers ask for after a school's figures change: each must still be answered.
AFTER_A_CHANGE = ("/api/counties/{id}/evaluation", "/api/counties/{id}/verdict")

# Read from the app itself, as a client reads it; the requests then go to the same WSGI app.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def connection_kept() -> Iterator[None]:
    """Keep the test's database connection across requests, as Django's test client does: the WSGI
    handler closes it after each request, and with it the test's transaction (on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(tree: Tree, users: dict[str, User]) -> str:
    """The county office's token, over a county whose 2025 round is open and whose schools have figures."""
    office = users[Role.COUNTY_OFFICE]
    services.open_round(user=office, county_id=tree.county.pk, year=YEAR)
    for record in SchoolRecord.objects.all():
        services.update_record(user=office, record=record, values=FIGURES)
    return issue_token(username=office.username)


def _on_own_records(case: Any, tree: Tree) -> None:
    """A well-formed request names, in all likelihood, nothing that exists (a random id and year: 404).
    Name the county's own objects and year instead, so that its values reach the checks and the stored
    data; a request made to break the schema is sent as made."""
    if case.meta is not None and case.meta.generation.mode is not GenerationMode.POSITIVE:
        return
    if case.headers:
        case.headers.pop("If-Match", None)  # a random tag is refused (412) before the body is read
    place = tree.school if case.path.startswith("/api/schools/") else tree.county
    if "id" in (case.path_parameters or {}):
        case.path_parameters["id"] = place.pk
    for name, value in (("year", YEAR), ("county", tree.county.pk)):
        if case.query is not None and name in case.query:
            case.query[name] = value


# The county's data is made once per operation and every example runs against the same database, as
# requests to a server do: a PATCH's change stays for the next example.
@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_api_answers_as_its_schema_says(case: Any, token: str, tree: Tree) -> None:
    _on_own_records(case, tree)
    headers = {"Authorization": f"Bearer {token}"}
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    if case.method == "PATCH" and response.status_code == 200:
        for path in AFTER_A_CHANGE:
            after = schema[path]["GET"].Case(path_parameters={"id": tree.county.pk}, query={"year": YEAR})
            after.call_and_validate(headers=headers, checks=CHECKS)


# What the schema says, read as a client reads it


def _documented(path: str, method: str) -> set[str]:
    return set(schema.raw_schema["paths"][path][method]["responses"])


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/api/me", "get", {"200", "401"}),
        ("/api/counties", "get", {"200", "401"}),
        ("/api/counties/{id}/evaluation", "get", {"200", "401", "404", "422"}),
        ("/api/counties/{id}/verdict", "get", {"200", "401", "404", "422"}),
        ("/api/schools", "get", {"200", "401", "404", "422"}),
        ("/api/schools/{id}", "get", {"200", "401", "404", "422"}),
        ("/api/schools/{id}", "patch", {"200", "400", "401", "403", "404", "409", "412", "422"}),
    ],
)
def test_every_status_an_operation_answers_is_documented(path: str, method: str, statuses: set[str]) -> None:
    """A missing `year` is 422, a body that is not JSON 400, a stale If-Match 412: each in the schema."""
    assert _documented(path, method) == statuses


def test_the_patch_schema_says_which_fields_may_be_null() -> None:
    body = schema.raw_schema["paths"]["/api/schools/{id}"]["patch"]["requestBody"]["content"]["application/json"]
    reference = body["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = schema.raw_schema["components"]["schemas"][reference]["properties"]
    nullable = {key for key, spec in fields.items() if {"type": "null"} in spec.get("anyOf", [])}
    # null clears what some standard may do without; what every record or every standard needs takes no null.
    assert {"ownership", "books", "multimedia_rooms", "full_time_teachers_primary"} <= nullable
    assert not {"school_type", "students_primary", "sports_area_m2", "teachers_above_degree_junior"} & nullable
    assert "default" not in fields["school_type"]


@pytest.fixture
def office_api(token: str) -> Any:
    from django.test import Client

    return Client(headers={"Authorization": f"Bearer {token}"})


def test_null_clears_an_optional_figure_and_is_refused_for_a_required_one(
    office_api: Any, tree: Tree, token: str
) -> None:
    url = f"/api/schools/{tree.school.pk}?year={YEAR}"
    cleared = office_api.patch(url, '{"multimedia_rooms": 14, "books": null}', content_type="application/json")
    assert (cleared.status_code, cleared.json()["books"]) == (200, None)
    refused = office_api.patch(url, '{"sports_area_m2": null}', content_type="application/json")
    assert refused.status_code == 422
    assert refused.json() == {
        "detail": [{"field": "sports_area_m2", "message": "“sports_area_m2”为必填项，不能为 null；没有的请填 0"}]
    }
