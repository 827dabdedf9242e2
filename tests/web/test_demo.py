"""The demo city and the production guard of `junheng serve` (contracts.md §4)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from junheng.web.collection.models import Round, SchoolRecord
from junheng.web.demo import DEMO_PASSWORD, demo_logins, load_demo
from junheng.web.orgs import scope
from junheng.web.orgs.models import Organisation
from junheng.web.server import ConfigurationError, check_production

DEMO_USERS = {"demo-province", "demo-city", "demo-county-1", "demo-county-2", "demo-school-1", "demo-observer"}


@pytest.mark.django_db
def test_the_demo_city_has_several_counties_three_years_and_one_user_per_role() -> None:
    assert load_demo(counties=3, schools_per_county=12) is True
    assert Organisation.objects.filter(kind="county").count() == 3
    assert sorted(SchoolRecord.objects.order_by().values_list("year", flat=True).distinct()) == [2023, 2024, 2025]
    assert {login.username for login in demo_logins()} == DEMO_USERS
    assert Round.objects.filter(status=Round.Status.OPEN).count() == 3
    for username in DEMO_USERS:
        # django-axes needs the request of a login to count it per account and address
        assert authenticate(RequestFactory().post("/login/"), username=username, password=DEMO_PASSWORD) is not None


@pytest.mark.django_db
def test_the_demo_shows_a_passing_county_beside_failing_ones() -> None:
    from junheng.engine import evaluate
    from junheng.standards import load_standard
    from junheng.web.collection.tables import county_table

    load_demo()  # what `junheng demo` loads
    verdicts = {
        county.name: bool(evaluate(county_table(county, 2025), load_standard("national-2017")).counties["pass"][0])
        for county in Organisation.objects.filter(kind="county").order_by("path")
    }
    assert list(verdicts.values()) == [False, False, False, True], verdicts


@pytest.mark.django_db
def test_the_demo_is_loaded_once() -> None:
    assert load_demo(counties=2, schools_per_county=10) is True
    assert load_demo(counties=2, schools_per_county=10) is False
    assert Organisation.objects.filter(kind="county").count() == 2


@pytest.mark.django_db
def test_the_demo_clerk_sees_only_their_draft_school() -> None:
    load_demo(counties=2, schools_per_county=10)
    from django.contrib.auth.models import User

    clerk = User.objects.get(username="demo-school-1")
    [school] = scope.visible(clerk)
    assert school.kind == "school"
    assert SchoolRecord.objects.get(school=school, year=2025).status == SchoolRecord.Status.DRAFT
    assert all(org.path.startswith(school.path) for org in scope.visible(clerk))


def test_schools_have_paths_under_their_county(db: None) -> None:
    load_demo(counties=2, schools_per_county=10)
    for school in Organisation.objects.filter(kind="school").select_related("parent"):
        assert school.parent is not None
        assert school.path == f"{school.parent.path}{school.pk}/"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "JUNHENG_SECRET_KEY"),
        ({"JUNHENG_SECRET_KEY": "short", "JUNHENG_ALLOWED_HOSTS": "x"}, "太短"),
        ({"JUNHENG_SECRET_KEY": "k" * 40}, "JUNHENG_ALLOWED_HOSTS"),
    ],
)
def test_serve_refuses_an_unsafe_configuration(
    monkeypatch: pytest.MonkeyPatch, settings: object, environ: dict[str, str], message: str
) -> None:
    for key in ("JUNHENG_SECRET_KEY", "JUNHENG_ALLOWED_HOSTS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    settings.SECRET_KEY = environ.get("JUNHENG_SECRET_KEY", "junheng-development-only-not-secret")  # type: ignore[attr-defined]
    with pytest.raises(ConfigurationError, match=message):
        check_production()


def test_serve_without_a_secret_exits_2_with_a_chinese_message(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("JUNHENG_")}
    environ["JUNHENG_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "junheng", "serve"], capture_output=True, text=True, env=environ, check=False, timeout=60
    )
    assert done.returncode == 2
    assert "JUNHENG_SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_without_its_data_folder_exits_2_naming_it(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("JUNHENG_")}
    missing = tmp_path / "没有的文件夹"
    environ |= {"JUNHENG_DATA_DIR": str(missing), "JUNHENG_SECRET_KEY": "s" * 48, "JUNHENG_ALLOWED_HOSTS": "x"}
    done = subprocess.run(
        [sys.executable, "-m", "junheng", "serve"], capture_output=True, text=True, env=environ, check=False, timeout=60
    )
    assert done.returncode == 2
    assert f"数据文件夹 {missing} 不存在" in done.stderr
    assert "Traceback" not in done.stderr
    assert not missing.exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_junheng_demo_serves_and_prints_the_logins(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "junheng", "demo", "--port", str(port), "--dir", str(tmp_path / "demo")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "the demo did not answer within 120 s"
                time.sleep(0.5)
        base = f"http://127.0.0.1:{port}"
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login = browser.open(f"{base}/login/", timeout=5).read().decode("utf-8")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login)
        assert token is not None and "登录" in login
        form = {"username": "demo-city", "password": "junheng-demo", "csrfmiddlewaretoken": token.group(1)}
        request = urllib.request.Request(
            f"{base}/login/", data=urllib.parse.urlencode(form).encode(), headers={"Referer": f"{base}/login/"}
        )
        home = browser.open(request, timeout=10).read().decode("utf-8")
        region = re.search(r'href="(/dashboards/region/\d+/)(?:\?year=\d+)?"', home)
        assert region is not None, home
        # the worker evaluates a whole city: Polars must work in a process gunicorn forked
        dashboard = browser.open(base + region.group(1), timeout=60).read().decode("utf-8")
        assert "示范市" in dashboard
        workers = _children(process.pid, "db_worker")
        assert len(workers) == 1, "junheng demo runs the task worker beside the web server"
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=30)
    assert "demo-school-1" in out
    assert "junheng-demo" in out
    assert not Path(f"/proc/{workers[0]}").exists(), "the worker stops with the web server"


def _children(parent: int, command: str) -> list[int]:
    """The processes `parent` started whose command line holds `command` (Linux's /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes().decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and command in cmdline:
            found.append(int(stat.parent.name))
    return found


def test_demo_on_a_taken_port_exits_2_with_a_chinese_message(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "junheng", "demo", "--port", str(port), "--dir", str(tmp_path)],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    assert done.returncode == 2
    assert f"端口 {port} 已被占用" in done.stderr


@pytest.fixture
def demo_county(db: None) -> Organisation:
    """A small demo city; its first county, the one with working ledgers (demo-county-1's)."""
    load_demo(counties=2, schools_per_county=24)
    return Organisation.objects.filter(kind="county").order_by("path").first()  # type: ignore[return-value]


def test_the_demo_county_has_groups_with_members_pairings_and_a_scorecard(demo_county: Organisation) -> None:
    from junheng.web.groups.models import Group, Pairing, ScorecardItem

    groups = Group.objects.filter(county=demo_county)
    assert {g.type.name for g in groups} == {"紧密型", "城乡共建"}
    assert all(g.memberships.count() >= 3 for g in groups)
    assert [m.left.year for g in groups for m in g.memberships.all() if m.left] == [2025]
    assert Pairing.objects.filter(county=demo_county, reviews__year=2024).count() == 2
    assert all(item.name.startswith("示例") for item in ScorecardItem.objects.filter(county=demo_county))


def test_the_demo_ledger_opens_rows_for_classes_over_the_limit_and_flags_an_intake(demo_county: Organisation) -> None:
    from django.contrib.auth.models import User

    from junheng.web.classes import services
    from junheng.web.classes.models import LedgerRow

    office = User.objects.get(username="demo-county-1")
    ledger = services.ledger(user=office, county_id=demo_county.pk)
    assert [s.term for s in ledger.snapshots] == ["2024春", "2024秋", "2025春"]
    limits = ledger.rules.limits
    assert any(row.students_found > limits[row.level] + 10 for row in ledger.rows)
    assert {row.status for row in ledger.rows} >= {
        LedgerRow.Status.OPEN,
        LedgerRow.Status.IN_PROGRESS,
        LedgerRow.Status.PROPOSED,
    }
    assert [c.over_limit for c in ledger.intakes].count(True) == 1
    assert Organisation.objects.filter(parent=demo_county, township="城关镇").exists()


def test_the_demo_places_have_a_catchment_short_of_places(demo_county: Organisation) -> None:
    from django.contrib.auth.models import User

    from junheng.web.places import services

    office = User.objects.get(username="demo-county-1")
    places = services.map_data(user=office, county_id=demo_county.pk)
    assert {c.warning for c in places.catchments} & {"red", "yellow"}
    assert sum(s.lat is None for s in places.schools) == 2
    view = services.county_places(user=office, county_id=demo_county.pk, method="户籍")
    assert view.gaps.height and view.per_1000.height


def test_every_ledger_page_of_the_demo_answers_demo_county_1(demo_county: Organisation) -> None:
    from django.test import Client

    from junheng.web.groups.models import Group

    client = Client()
    assert client.login(request=RequestFactory().post("/login/"), username="demo-county-1", password=DEMO_PASSWORD)
    pages = {
        f"/groups/county/{demo_county.pk}/": "教育集团",
        f"/groups/county/{demo_county.pk}/scorecard/": "示例：年度联合活动次数",
        f"/classes/county/{demo_county.pk}/": "2025春",
        f"/places/county/{demo_county.pk}/": "城关学区（小学）",
        f"/places/county/{demo_county.pk}/map/": "城关学区（小学）",
        f"/places/county/{demo_county.pk}/map.json": "城关学区（小学）",
    }
    pages |= {f"/groups/{g.pk}/": g.name for g in Group.objects.filter(county=demo_county)}
    for url, shown in pages.items():
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert shown in answer.content.decode(), url
