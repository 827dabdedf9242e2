"""Pages with third-party front-end code work under the Content-Security-Policy: the API documentation
(django-ninja's Swagger UI) and the admin's login, with no violation reported."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.web.browser.test_map_escape import RECORD_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_documentation_renders_under_the_policy(browser: Browser, live_server: Any) -> None:
    page = browser.new_context(locale="zh-CN").new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("均衡 junheng 数据接口")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert page.evaluate("window.violations") == []


def test_the_admin_login_renders_under_the_policy(browser: Browser, live_server: Any) -> None:
    page = browser.new_context(locale="zh-CN").new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/admin/login/")
    expect(page.locator("#login-form")).to_be_visible()
    assert page.evaluate("window.violations") == []
