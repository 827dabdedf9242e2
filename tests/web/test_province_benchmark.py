"""The province benchmark (issue 14 §3) runs through: `benchmarks/province_load.py --quick` loads a small
province into PostgreSQL, starts two `junheng serve` over it and Redis, has users read pages of every
role while a county office changes and approves records, and prints every figure the README quotes.
A smoke run: its figures come from a tiny province, so only their presence and the absence of failed
requests are checked here, not the targets."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.web.real_services import CACHE, DATABASE, needs_postgres_and_redis

ROOT = Path(__file__).resolve().parents[2]
pytestmark = needs_postgres_and_redis


@pytest.fixture
def database() -> Iterator[str]:
    """The URL of a database of its own (the benchmark creates it), dropped afterwards."""
    name = f"junheng_province_{secrets.token_hex(4)}"
    parsed = urllib.parse.urlsplit(DATABASE)
    yield parsed._replace(path=f"/{name}").geturl()
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_quick_province_run_reports_every_page_and_the_targets(database: str) -> None:
    cache = urllib.parse.urlsplit(CACHE)._replace(path="/7").geturl()  # a Redis database of its own: it is emptied
    run = subprocess.run(
        [sys.executable, "benchmarks/province_load.py", "--quick", "--database-url", database, "--cache-url", cache],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    assert "loaded 3 counties × 20 schools × 5 years (300 records)" in out
    pages = ("province page", "province home", "city page", "city home", "county page", "county home", "assessment")
    for page in (*pages, "tracker", "school page", "school form", "school home"):
        assert re.search(rf"^{page} +\d+ ", out, re.MULTILINE), f"{page} missing from:\n{out}"
    assert re.search(r"^province page after a change +\d+ ", out, re.MULTILINE), out
    assert out.count(" 0 failed requests") == 2, out
    assert re.search(r"target p95 < 300 ms for every page \(think time\): (met|NOT MET)", out), out
    assert re.search(r"target province page after a change p95 < 300 ms: (met|NOT MET)", out), out
    changed = re.search(r"^(\d+) records changed and approved", out, re.MULTILINE)
    assert changed is not None and int(changed.group(1)) >= 5, out
