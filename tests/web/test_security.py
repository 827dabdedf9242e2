"""What the server tells the browser: the Content-Security-Policy on every kind of page, no inline script
anywhere it could be allowed, HTTPS-only cookies and HSTS on a production server (`junheng serve`), and a
traceback in the log for every 500 (issue 10 §2 and §4)."""

from __future__ import annotations

import io
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from junheng.web.orgs.models import Role
from junheng.web.settings import WEB_DIR
from tests.web.conftest import Tree

REPO = Path(__file__).resolve().parents[2]


def _policy(response: Any) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.mark.parametrize(
    "page",
    [
        "/login/",
        "/",
        "/dashboards/county/{county}/",
        "/places/county/{county}/map/",
        "/collection/county/{county}/",
        "/admin/login/",
        "/api/docs",
    ],
)
def test_every_kind_of_page_forbids_inline_and_foreign_script(page: str, tree: Tree, users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users[Role.COUNTY_OFFICE])
    response = client.get(page.format(county=tree.county.pk))
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other host
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]  # ECharts' tooltip markers
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


TEMPLATES = sorted(WEB_DIR.glob("**/templates/**/*.html"))
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", re.I),
    "event-handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(WEB_DIR)))
def test_no_template_has_inline_script_or_style(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert [kind for kind, pattern in INLINE.items() if pattern.search(text)] == []


def test_the_survey_sheet_prints_from_a_static_script(tree: Tree, users: dict[str, Any]) -> None:
    assert "data-print" in (WEB_DIR / "survey/templates/survey/links.html").read_text(encoding="utf-8")
    assert "window.print()" in (WEB_DIR / "static/junheng/print.js").read_text(encoding="utf-8")


def test_the_demo_and_the_tests_send_cookies_over_plain_http(db: None) -> None:
    response = Client().get("/login/")
    assert not response.cookies["csrftoken"]["secure"]
    assert "Strict-Transport-Security" not in response


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _production_environment(tmp_path: Path) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("JUNHENG_")}
    environ.update(
        JUNHENG_DATA_DIR=str(tmp_path),
        JUNHENG_SECRET_KEY="s" * 48,
        JUNHENG_ALLOWED_HOSTS="127.0.0.1",
        JUNHENG_BEHIND_PROXY="1",
        PYTHONPATH=str(REPO / "src"),
    )
    return environ


def _get(url: str, headers: dict[str, str]) -> Any:
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10)


def test_junheng_serve_behind_a_proxy_sends_https_only_cookies_and_hsts(tmp_path: Path) -> None:
    environ = _production_environment(tmp_path)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "junheng", "serve", "--port", str(port), "--workers", "1"],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{base}/healthz", {})
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "junheng serve did not answer within 60 s"
                time.sleep(0.3)
        # What the reverse proxy forwards for a visitor on https://
        answer = _get(f"{base}/login/", {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
        headers = answer.headers
        assert headers["Strict-Transport-Security"] == "max-age=31536000"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        csrf_cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("csrftoken="))
        assert "Secure" in csrf_cookie.split("; ")
        plain = _get(f"{base}/login/", {})  # not through the proxy's https: no HSTS on plain HTTP
        assert "Strict-Transport-Security" not in plain.headers
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_a_production_session_cookie_is_https_only(db: None, settings: Any, tree: Tree, users: dict[str, Any]) -> None:
    from junheng.web.settings import build_settings

    production = build_settings({"JUNHENG_PRODUCTION": "1", "JUNHENG_BEHIND_PROXY": "1"})
    for key in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER"):
        setattr(settings, key, production[key])
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.get("/login/")
    response = client.post("/login/", {"username": "county", "password": "pw-county"})
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"]
    assert response.cookies["sessionid"]["httponly"]


def test_plain_http_on_a_closed_network_is_a_stated_choice() -> None:
    from junheng.web.settings import build_settings

    plain = build_settings({"JUNHENG_PRODUCTION": "1", "JUNHENG_PLAIN_HTTP": "1"})
    assert (plain["SESSION_COOKIE_SECURE"], plain["CSRF_COOKIE_SECURE"], plain["SECURE_HSTS_SECONDS"]) == (
        False,
        False,
        0,
    )
    https = build_settings({"JUNHENG_PRODUCTION": "1", "JUNHENG_HSTS_SECONDS": "3600"})
    assert (https["SESSION_COOKIE_SECURE"], https["SECURE_HSTS_SECONDS"], https["SECURE_PROXY_SSL_HEADER"]) == (
        True,
        3600,
        None,
    )


def broken_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("学校数据读不出来")


urlpatterns = [path("broken/", broken_view)]


def test_a_500_leaves_its_traceback_in_the_server_log(db: None, settings: Any) -> None:
    settings.ROOT_URLCONF = __name__
    # the stderr handler of settings.LOGGING, which gunicorn writes to its log (pytest adds its own beside it)
    [handler] = [h for h in logging.getLogger("django").handlers if type(h) is logging.StreamHandler]
    log = io.StringIO()
    previous = handler.setStream(log)
    try:
        response = Client(raise_request_exception=False).get("/broken/")
    finally:
        handler.setStream(previous)
    assert response.status_code == 500
    written = log.getvalue()
    assert "ERROR django.request: Internal Server Error: /broken/" in written
    assert "Traceback (most recent call last):" in written
    assert 'raise RuntimeError("学校数据读不出来")' in written


def test_every_security_setting_is_documented_in_the_deployment_guide() -> None:
    source = (WEB_DIR / "security.py").read_text(encoding="utf-8")
    variables = set(re.findall(r'environ\.get\("(JUNHENG_[A-Z_]+)"', source))
    assert len(variables) == 5
    guide = (REPO / "docs" / "deployment.md").read_text(encoding="utf-8")
    section = guide[guide.index("## 安全与反向代理") :]
    assert [v for v in sorted(variables) if f"`{v}`" not in section] == []
