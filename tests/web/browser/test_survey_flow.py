"""A respondent on a phone, in a real browser: open a one-time link, answer, submit; the link is spent and
the county office sees the rate move."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, ViewportSize, expect

from junheng.web.orgs.models import Membership, Organisation, Role
from junheng.web.survey import services
from junheng.web.survey.models import Response, Survey
from tests.web.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-browser-test"
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def office() -> User:
    city = Organisation.objects.create(kind="city", name="示范市", code="4521")
    county = Organisation.objects.create(kind="county", name="示范县", code="452101", parent=city)
    user = User.objects.create_user("office", password=PASSWORD)
    Membership.objects.create(user=user, organisation=county, role=Role.COUNTY_OFFICE)
    return user


def test_a_parent_answers_on_a_phone_once_and_the_county_sees_the_rate_move(
    browser: Browser, live_server: Any, office: User
) -> None:
    base = live_server.url
    county = Organisation.objects.get(code="452101")
    survey = services.create_survey(
        user=office, county_id=county.pk, year=2025, title="示范县义务教育满意度调查", resident_population=300_000
    )
    services.set_status(user=office, survey_id=survey.pk, status=Survey.Status.OPEN)
    [token] = services.issue_links(user=office, survey_id=survey.pk, group="parents", count=1)

    desk = browser.new_context(locale="zh-CN").new_page()
    log_in(desk, base, "office", PASSWORD)
    desk.goto(f"{base}/survey/{survey.pk}/")
    expect(desk.locator("#overall-rate")).to_have_text("—")

    phone_context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    phone.goto(f"{base}/survey/r/{token}/")  # no login
    expect(phone.get_by_role("heading", name="示范县义务教育满意度调查")).to_be_visible()
    questions = phone.locator("fieldset")
    count = questions.count()
    assert count == 5
    # Large touch targets: every option is a whole-width row at least 44 px high, and nothing scrolls sideways.
    box = questions.first.get_by_text("比较满意", exact=True).bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for i in range(count):
        option = "满意" if i < 3 else "不了解"  # 3 counted, 2 leave the denominator: 3 ÷ 3
        questions.nth(i).get_by_text(option, exact=True).tap()
    phone.get_by_role("button", name="提交问卷").tap()
    expect(phone.get_by_role("heading", name="提交成功，感谢您的参与！")).to_be_visible()

    phone.goto(f"{base}/survey/r/{token}/")
    expect(phone.get_by_role("heading")).to_have_text("该链接已经提交过，感谢参与")
    assert phone.locator("form").count() == 0
    assert Response.objects.filter(survey=survey).count() == 1
    phone_context.close()

    desk.reload()
    expect(desk.locator("#overall-rate")).to_have_text("100.00%")
    expect(desk.locator('tr[data-group="parents"] .rate-cell')).to_have_text("100.00%")
