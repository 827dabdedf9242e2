"""Every POST of the site asks scope.py for a role that may do it before doing any work: the observer, who
only reads, is refused with 403 and nothing changes (issue 10 §4: the observer could start the 11-second
report generation)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from junheng.web.classes.models import LedgerRow
from junheng.web.collection.models import SchoolRecord
from junheng.web.demo import load_demo
from junheng.web.groups.models import (
    Activity,
    Group,
    GroupType,
    Membership,
    Pairing,
    PairingReview,
    ScorecardItem,
    TeacherExchange,
)
from junheng.web.orgs.models import Organisation
from junheng.web.survey.models import Survey

YEAR = 2025


@dataclass(frozen=True)
class Demo:
    """The demo's first county and one object of each kind in it, for the routes' arguments."""

    county: Organisation
    school: Organisation
    record: SchoolRecord
    row: LedgerRow
    group: Group
    membership: Membership
    pairing: Pairing
    activity: Activity
    exchange: TeacherExchange
    review: PairingReview
    item: ScorecardItem
    own_type: GroupType
    survey: Survey


Route = Callable[[Demo], str]

# Every route that changes something or costs work when posted, with what a real form would post where the
# form is read before the role is asked (so that the refusal, not the form, answers).
POSTS: dict[str, tuple[Route, dict[str, str]]] = {
    "collection:school": (lambda d: f"/collection/school/{d.school.pk}/?year={YEAR}", {}),
    "collection:validate": (lambda d: f"/collection/school/{d.school.pk}/validate/{YEAR}/", {}),
    "collection:open_round": (lambda d: f"/collection/county/{d.county.pk}/rounds/", {"year": "2026"}),
    "collection:import": (lambda d: f"/collection/county/{d.county.pk}/import/", {"year": str(YEAR)}),
    "collection:review": (lambda d: f"/collection/county/{d.county.pk}/review/{d.record.pk}/", {"action": "approve"}),
    "collection:statistics_upload": (lambda d: f"/collection/county/{d.county.pk}/statistics/", {"year": str(YEAR)}),
    "collection:statistics": (
        lambda d: f"/collection/county/{d.county.pk}/statistics/0123456789abcdef/",
        {"action": "confirm"},
    ),
    "collection:bulk_approve": (
        lambda d: f"/collection/county/{d.county.pk}/approve/",
        {"year": str(YEAR), "record": "1"},
    ),
    "assessment:figures": (lambda d: f"/assessment/county/{d.county.pk}/{YEAR}/figures/", {}),
    "assessment:judgement": (lambda d: f"/assessment/county/{d.county.pk}/{YEAR}/judgement/Q3/", {"decision": "pass"}),
    "assessment:veto": (lambda d: f"/assessment/county/{d.county.pk}/{YEAR}/veto/exam_admission/", {"applies": "no"}),
    "assessment:report": (lambda d: f"/assessment/county/{d.county.pk}/{YEAR}/report/", {}),
    "classes:row": (lambda d: f"/classes/row/{d.row.pk}/", {}),
    "classes:close": (lambda d: f"/classes/row/{d.row.pk}/close/", {}),
    "classes:reject": (lambda d: f"/classes/row/{d.row.pk}/reject/", {}),
    "classes:intake": (lambda d: f"/classes/county/{d.county.pk}/intake/", {}),
    "classes:import": (lambda d: f"/classes/county/{d.county.pk}/import/", {}),
    "groups:new": (lambda d: f"/groups/county/{d.county.pk}/new/", {}),
    "groups:edit": (lambda d: f"/groups/{d.group.pk}/edit/", {}),
    "groups:new_member": (lambda d: f"/groups/{d.group.pk}/members/new/", {}),
    "groups:member": (lambda d: f"/groups/{d.group.pk}/members/{d.membership.pk}/", {}),
    "groups:group_activity": (lambda d: f"/groups/{d.group.pk}/activities/new/", {}),
    "groups:new_pairing": (lambda d: f"/groups/county/{d.county.pk}/pairings/new/", {}),
    "groups:edit_pairing": (lambda d: f"/groups/pairing/{d.pairing.pk}/edit/", {}),
    "groups:pairing_activity": (lambda d: f"/groups/pairing/{d.pairing.pk}/activities/new/", {}),
    "groups:new_exchange": (lambda d: f"/groups/{d.group.pk}/exchanges/new/", {}),
    "groups:exchange": (lambda d: f"/groups/{d.group.pk}/exchanges/{d.exchange.pk}/", {}),
    "groups:add_evidence": (lambda d: f"/groups/activity/{d.activity.pk}/evidence/new/", {}),
    "groups:new_review": (lambda d: f"/groups/pairing/{d.pairing.pk}/reviews/new/", {}),
    "groups:review": (lambda d: f"/groups/pairing/{d.pairing.pk}/reviews/{d.review.pk}/", {}),
    "groups:lists": (lambda d: f"/groups/county/{d.county.pk}/lists/", {"kind": "type", "name": "新类型"}),
    "groups:delete_entry": (lambda d: f"/groups/county/{d.county.pk}/lists/type/{d.own_type.pk}/delete/", {}),
    "groups:new_item": (lambda d: f"/groups/county/{d.county.pk}/scorecard/items/new/", {}),
    "groups:enter_value": (lambda d: f"/groups/county/{d.county.pk}/scorecard/entries/new/", {}),
    "groups:item": (lambda d: f"/groups/scorecard/items/{d.item.pk}/", {}),
    "groups:delete_item": (lambda d: f"/groups/scorecard/items/{d.item.pk}/delete/", {}),
    "places:upload": (lambda d: f"/places/county/{d.county.pk}/upload/births/", {}),
    "places:catchments": (lambda d: f"/places/county/{d.county.pk}/upload/catchments/", {}),
    "planning:county": (lambda d: f"/planning/county/{d.county.pk}/?year={YEAR}", {}),
    "planning:whatif-evaluate": (
        lambda d: f"/planning/county/{d.county.pk}/whatif/{d.school.pk}/?year={YEAR}",
        {"multimedia_rooms": "40"},
    ),
    "survey:county": (lambda d: f"/survey/county/{d.county.pk}/", {"year": "2026"}),
    "survey:status": (lambda d: f"/survey/{d.survey.pk}/status/", {"status": "open"}),
    "survey:questions": (lambda d: f"/survey/{d.survey.pk}/questions/parents/", {"questions": "一\n二"}),
    "survey:links": (lambda d: f"/survey/{d.survey.pk}/links/", {"group": "parents", "count": "3"}),
}

# Routes that only read (a POST to them changes nothing), and those outside the roles: signing in and out,
# the respondent's page by one-time link, the administration and the API (tests/web/test_api.py).
READ_ONLY = {
    "home",
    "home:organisation",
    "home:counties",
    "healthz",
    "collection:history",
    "collection:county",
    "collection:export",
    "dashboards:county",
    "dashboards:indicator",
    "dashboards:school",
    "dashboards:region",
    "assessment:county",
    "assessment:evidence",
    "classes:county",
    "groups:county",
    "groups:group",
    "groups:pairing",
    "groups:evidence",
    "groups:scorecard",
    "places:county",
    "places:map",
    "places:map_json",
    "planning:excel",
    "planning:whatif",
    "jobs:status",
    "jobs:download",
    "survey:survey",
    "survey:export",
    # the tables' "导出 Excel" (GET only)
    "collection:tracker_excel",
    "collection:history_excel",
    "dashboards:county_excel",
    "dashboards:indicator_excel",
    "dashboards:school_excel",
    "dashboards:region_excel",
    "classes:excel",
    "groups:excel",
    "groups:group_excel",
    "groups:scorecard_excel",
    "places:excel",
}
NOT_BY_ROLE = {"login", "logout", "survey:respond"}


def _names(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("admin", "api"):
                continue
            yield from _names(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Demo]:
    """The demo (two counties of ten schools), loaded once for the module in a transaction rolled back
    after it (each test's own transaction nests inside, as in Django's setUpTestData)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(counties=2, schools_per_county=10)
        county = Organisation.objects.filter(kind=Organisation.Kind.COUNTY).order_by("pk")[0]
        group = Group.objects.filter(county=county).order_by("pk")[0]
        pairing = Pairing.objects.filter(county=county).order_by("pk")[0]
        yield Demo(
            county=county,
            school=SchoolRecord.objects.filter(school__parent=county, year=YEAR).order_by("pk")[0].school,
            record=SchoolRecord.objects.filter(school__parent=county, year=YEAR).order_by("pk")[0],
            row=LedgerRow.objects.filter(county=county).order_by("pk")[0],
            group=group,
            membership=group.memberships.order_by("pk")[0],
            pairing=pairing,
            activity=Activity.objects.filter(group=group).order_by("pk")[0],
            exchange=TeacherExchange.objects.filter(group=group).order_by("pk")[0],
            review=PairingReview.objects.create(pairing=pairing, year=YEAR),
            item=ScorecardItem.objects.filter(county=county).order_by("pk")[0],
            own_type=GroupType.objects.create(county=county, name="本县自定类型"),
            survey=Survey.objects.create(county=county, year=YEAR, title="满意度调查", resident_population=300000),
        )
        transaction.set_rollback(True)


def _rows() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_every_route_is_either_a_post_that_asks_for_a_role_or_read_only() -> None:
    assert set(_names(get_resolver())) == POSTS.keys() | READ_ONLY | NOT_BY_ROLE


@pytest.mark.django_db
@pytest.mark.parametrize("name", POSTS)
def test_the_observer_is_refused_every_post_before_any_work(demo: Demo, name: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username="demo-observer"))
    url, data = POSTS[name]
    before = _rows()
    response = client.post(url(demo), data)
    assert response.status_code == 403
    assert _rows() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["assessment:report", "planning:whatif-evaluate"])
def test_a_supervisor_may_still_generate_the_report_and_try_a_what_if(demo: Demo, name: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username="demo-city"))
    url, data = POSTS[name]
    # the report is a background job: its POST leads back to the county page, which shows it done
    assert client.post(url(demo), data, follow=True).status_code == 200
