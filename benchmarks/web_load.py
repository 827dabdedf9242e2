"""Load on the platform's county and city pages: a real server on localhost, concurrent logged-in users.

    python benchmarks/web_load.py [--quick] [--database-url URL]

Builds a city of 10 counties × 300 schools × 5 years (synthetic) in a fresh database (SQLite in a
temporary folder unless --database-url names a PostgreSQL database), starts `junheng serve` on
127.0.0.1, logs 20 users in as the city supervisor and has each request the county page and the city
page in turn for a fixed number of requests, pausing `--think` seconds between pages as a person
does (uniformly 0.5–1.5 × that; 0 for a stress run with no pause). Prints latency percentiles per page.
Target (issue 3): p95 under 300 ms. Traffic goes to 127.0.0.1 only and stops by itself.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

USERS = 20
TARGET_P95_MS = 300.0
PASSWORD = "junheng-demo"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def build_city(database_url: str, data_dir: Path, counties: int, schools: int, years: range) -> dict[str, int]:
    """Migrate and load the city in a subprocess-free way: this process only prepares the database."""
    os.environ["JUNHENG_DATABASE_URL"] = database_url
    os.environ["JUNHENG_DATA_DIR"] = str(data_dir)
    from junheng.web import server

    server.setup()
    server.migrate()
    from junheng.web.demo import load_demo
    from junheng.web.orgs.models import Organisation

    start = time.perf_counter()
    load_demo(counties=counties, schools_per_county=schools, years=tuple(years), seed=7)
    print(f"loaded {counties} counties × {schools} schools × {len(years)} years in {time.perf_counter() - start:.1f} s")
    county = Organisation.objects.filter(kind="county").order_by("pk").first()
    city = Organisation.objects.get(kind="city")
    assert county is not None
    return {"county": county.pk, "city": city.pk}


def start_server(database_url: str, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    environ = dict(os.environ)
    environ.update(
        JUNHENG_DATABASE_URL=database_url,
        JUNHENG_DATA_DIR=str(data_dir),
        JUNHENG_SECRET_KEY="load-test-secret-" + "x" * 32,
        JUNHENG_ALLOWED_HOSTS="127.0.0.1",
        JUNHENG_PLAIN_HTTP="1",  # the benchmark talks plain HTTP to 127.0.0.1: cookies without Secure
        PYTHONPATH=str(ROOT / "src"),
    )
    command = [sys.executable, "-m", "junheng", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not start within 60 s")


def logged_in(base: str, username: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)})
    request = urllib.request.Request(f"{base}/login/", data=body.encode(), headers={"Referer": f"{base}/login/"})
    opener.open(request, timeout=10).read()
    assert any(c.name == "sessionid" for c in jar), f"login failed for {username}"
    return opener


def run_load(base: str, pages: dict[str, str], requests_per_user: int, think: float) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name in pages}
    errors: list[str] = []
    lock = threading.Lock()
    openers = [logged_in(base, "demo-city") for _ in range(USERS)]

    def user(opener: urllib.request.OpenerDirector, seed: int) -> None:
        names = list(pages)
        pause = random.Random(seed)
        for i in range(requests_per_user):
            if think > 0:
                time.sleep(think * pause.uniform(0.5, 1.5))
            name = names[i % len(names)]
            start = time.perf_counter()
            try:
                with opener.open(base + pages[name], timeout=60) as answer:
                    answer.read()
                    ok = answer.status == 200
            except OSError as exc:
                ok = False
                with lock:
                    errors.append(f"{name}: {exc}")
            elapsed = (time.perf_counter() - start) * 1000
            if ok:
                with lock:
                    timings[name].append(elapsed)

    threads = [threading.Thread(target=user, args=(o, n)) for n, o in enumerate(openers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"{len(errors)} failed requests, first: {errors[0]}")
    return timings


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a small city and few requests (a smoke run)")
    parser.add_argument("--database-url", help="a PostgreSQL URL; default: SQLite in a temporary folder")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a user's pages (0: no pause)")
    args = parser.parse_args()
    counties, schools, years, per_user = (
        (2, 30, range(2024, 2026), 4) if args.quick else (10, 300, range(2021, 2026), 20)
    )
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        database_url = args.database_url or f"sqlite:///{data_dir / 'load.sqlite3'}"
        ids = build_city(database_url, data_dir, counties, schools, years)
        port = free_port()
        server = start_server(database_url, data_dir, port)
        try:
            base = f"http://127.0.0.1:{port}"
            year = years[-1]
            pages = {
                "county page": f"/dashboards/county/{ids['county']}/?year={year}",
                "city page": f"/dashboards/region/{ids['city']}/?year={year}",
            }
            for path in pages.values():  # warm up each worker's imports
                logged_in(base, "demo-city").open(base + path, timeout=120).read()
            start = time.perf_counter()
            timings = run_load(base, pages, per_user, args.think)
            wall = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(timeout=30)
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"\n{counties} counties × {schools} schools × {len(years)} years, {backend}, "
        "`junheng serve` (2 workers × 4 threads)"
    )
    pause = f"{args.think:g} s think time (0.5–1.5×)" if args.think > 0 else "no think time"
    print(f"{USERS} concurrent users, {pause}, {per_user} requests each; {wall:.1f} s wall clock")
    print(f"{'page':<12} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    worst = 0.0
    for name, values in timings.items():
        p95 = percentile(values, 95)
        worst = max(worst, p95)
        print(
            f"{name:<12} {len(values):>8} {percentile(values, 50):>8.0f} {p95:>8.0f} {percentile(values, 99):>8.0f} "
            f"{max(values):>8.0f}"
        )
    total = sum(len(v) for v in timings.values())
    print(
        f"throughput {total / wall:.1f} requests/s; target p95 < {TARGET_P95_MS:.0f} ms: "
        f"{'met' if worst < TARGET_P95_MS else 'NOT MET'} ({worst:.0f} ms)"
    )


if __name__ == "__main__":
    main()
