"""More than one server (issue 14 §2): two `junheng serve` processes over one PostgreSQL and one Redis, as
behind a load balancer. A login on one is a login on the other (sessions in the database), and a change
made on one shows at once on both (data versions in the database, kept evaluations in Redis)."""

from __future__ import annotations

import http.cookiejar
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.web import kept_steps
from tests.web.html_forms import form_inputs, submitted
from tests.web.real_services import CACHE, DATABASE, needs_postgres_and_redis

YEAR = kept_steps.YEAR
pytestmark = needs_postgres_and_redis


@pytest.fixture
def database() -> Iterator[str]:
    """A database of its own on the PostgreSQL of JUNHENG_DATABASE_URL, dropped afterwards."""
    name = f"junheng_servers_{secrets.token_hex(4)}"
    server = urllib.parse.urlsplit(DATABASE)
    maintenance = server._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield server._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(environ: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "junheng", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            cwd=kept_steps.ROOT,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"port {port} did not answer: {log.read_text()}")


class Browser:
    """One browser, its cookies sent to whichever server answers (as behind a load balancer: same host)."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=60) as answer:
            return str(answer.read().decode())

    def post(self, url: str, data: dict[str, list[str]]) -> str:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        with self.opener.open(urllib.request.Request(url, data=body), timeout=60) as answer:
            return str(answer.read().decode())

    def post_form(self, url: str, holding: str, **changed: str) -> str:
        """Submit the page's form that holds `holding`, as shown, with `changed` values."""
        data = submitted(form_inputs(self.get(url), holding=holding))
        return self.post(url, data | {key: [value] for key, value in changed.items()})


def _verdict(page: str) -> str:
    found = re.search(r'class="card verdict (\w+)"', page)
    assert found is not None
    return found.group(1)


def test_two_servers_share_the_login_and_show_a_change_made_on_the_other_at_once(database: str, tmp_path: Path) -> None:
    environ = kept_steps.environment(
        tmp_path,
        JUNHENG_DATABASE_URL=database,
        JUNHENG_CACHE_URL=CACHE,
        JUNHENG_SECRET_KEY=secrets.token_urlsafe(48),
        JUNHENG_ALLOWED_HOSTS="127.0.0.1",
        JUNHENG_PLAIN_HTTP="1",  # no TLS in the test: cookies without Secure
    )
    assert kept_steps.run("prepare", environ) == {"loaded": True}
    office = kept_steps.run("office", environ)
    ports = [_free_port(), _free_port()]
    logs = [tmp_path / f"serve-{port}.log" for port in ports]
    servers = [_serve(environ, port, log) for port, log in zip(ports, logs, strict=True)]
    try:
        for port, server, log in zip(ports, servers, logs, strict=True):
            _wait(port, server, log)
        first, second = (f"http://127.0.0.1:{port}" for port in ports)
        county = f"/dashboards/county/{office['county']}/?year={YEAR}"
        browser = Browser()
        browser.post_form(f"{first}/login/", "username", username=office["username"], password=office["password"])
        assert [_verdict(browser.get(f"{server}{county}")) for server in (first, second)] == ["pass", "pass"]

        # on the second server, logged in on the first: one school's equipment corrected, the record approved
        form = f"{second}/collection/school/{office['school']}/?year={YEAR}"
        browser.post_form(form, "equipment_value_yuan", equipment_value_yuan="1", reason="核实后更正")
        review = f"{second}/collection/county/{office['county']}/review/{office['record']}/"
        browser.post_form(review, "comment", decision="approve")  # the button pressed

        assert [_verdict(browser.get(f"{server}{county}")) for server in (first, second)] == ["fail", "fail"]
        approved = browser.get(f"{first}/collection/county/{office['county']}/review/{office['record']}/")
        assert 'class="status state-approved"' in approved
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
