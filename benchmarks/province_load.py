"""A province on two servers (issue 14): 50 supervisors, offices and clerks at once while records change.

    python benchmarks/province_load.py [--database-url URL] [--cache-url URL] [--quick]

Loads a province of 150 counties × 300 schools × 5 years (`province_build`; kept in the database for the
next run) into PostgreSQL, starts two `junheng serve` on 127.0.0.1 over that database and one Redis
(the layout of docs/deployment.md, with this script as the load balancer: every request goes to either
server at random), clears the cache, times the province page with nothing kept, opens every page each
person may open once (the warm-up: a platform in use has them kept, and a write makes again what it
changed), and runs two phases:

1. **Think time**: 50 users (5 province supervisors, 10 city supervisors, 25 county offices, 10 school
   clerks), each requesting pages of their role with a pause of `--think` seconds (0.5–1.5×) between
   pages, as people read them;
2. **Stress**: the same users with no pause, for the most pages per second the servers give.

Throughout, a county office changes a school's figure through the API and approves the record on the
review page, once a second, in a county drawn at random; right after each approval the province
supervisor opens the province page (timed apart: "province page after a change").

Prints p50/p95/p99/max per page and the targets (p95 < 300 ms for every page and for the province
page after a change). Traffic goes to 127.0.0.1 only and stops by itself. `--quick` is a small smoke
run (3 counties × 20 schools, a few seconds per phase).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from benchmarks.province_build import PASSWORD, Province, province  # noqa: E402
from benchmarks.web_load import free_port  # noqa: E402

TARGET_P95_MS = 300.0
DATABASE_URL = "postgresql://junheng:junheng@127.0.0.1:5432/junheng_province"
CACHE_URL = "redis://127.0.0.1:6379/5"
# Who the 50 users are: (role, how many).
MIX = (("province", 5), ("city", 10), ("county", 25), ("school", 10))
CHANGED_FIELD = "sports_area_m2"


@dataclass
class Timings:
    """Milliseconds per page name, and the failed requests, filled by every user's thread."""

    pages: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, milliseconds: float) -> None:
        with self.lock:
            self.pages.setdefault(name, []).append(milliseconds)

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)


class Client:
    """A logged-in browser: one session (cookies) shared by both servers, as behind a load balancer."""

    def __init__(self, bases: list[str], username: str, seed: int) -> None:
        self.bases = bases
        self.random = random.Random(seed)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.open("/login/")
        token = _csrf(page)
        self.post("/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
        # Cookies are kept per host and port: the session cookie set by one server is sent to both.
        if not any(c.name == "sessionid" for c in self.jar):
            raise SystemExit(f"login failed for {username}")

    def base(self) -> str:
        return self.random.choice(self.bases)

    def open(self, path: str) -> str:
        with self.opener.open(self.base() + path, timeout=120) as answer:
            text: str = answer.read().decode()
            return text

    def post(self, path: str, fields: dict[str, str]) -> str:
        base = self.base()
        request = urllib.request.Request(
            base + path, data=urllib.parse.urlencode(fields).encode(), headers={"Referer": base + path}
        )
        with self.opener.open(request, timeout=120) as answer:
            text: str = answer.read().decode()
            return text


def _csrf(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if found is None:
        raise SystemExit("no CSRF token on the page")
    return found.group(1)


def role_pages(role: str, n: int, place: Province) -> Callable[[random.Random], tuple[str, str]]:
    """The pages the n-th user of `role` draws from, each request one of them at random."""

    def draw(rng: random.Random) -> tuple[str, str]:
        choices = role_choices(role, n, place, rng.randrange(len(place.counties)))
        return choices[rng.randrange(len(choices))]

    return draw


def role_choices(role: str, n: int, place: Province, some: int) -> list[tuple[str, str]]:
    """The (page, path) a user of `role` may open, with `some` the index of a county a supervisor looks at."""
    year = f"?year={place.year}"
    county_index = n % len(place.counties)
    county = place.counties[county_index]
    school = place.schools[county_index]
    city = place.city_of[county]
    if role == "province":
        return [
            ("province page", f"/dashboards/region/{place.province}/{year}"),
            ("province home", f"/{year}"),
            ("city page", f"/dashboards/region/{place.city_of[place.counties[some]]}/{year}"),
            ("county page", f"/dashboards/county/{place.counties[some]}/{year}"),
            ("assessment", f"/assessment/county/{place.counties[some]}/{year}"),
        ]
    if role == "city":
        mine = [c for c in place.counties if place.city_of[c] == city]
        other = mine[some % len(mine)]
        return [
            ("city page", f"/dashboards/region/{city}/{year}"),
            ("city home", f"/{year}"),
            ("county page", f"/dashboards/county/{other}/{year}"),
            ("assessment", f"/assessment/county/{other}/{year}"),
            ("school page", f"/dashboards/school/{place.schools[place.counties.index(other)]}/{year}"),
        ]
    if role == "county":
        return [
            ("county home", f"/{year}"),
            ("county page", f"/dashboards/county/{county}/{year}"),
            ("assessment", f"/assessment/county/{county}/{year}"),
            ("tracker", f"/collection/county/{county}/{year}"),
            ("school page", f"/dashboards/school/{school}/{year}"),
        ]
    return [
        ("school home", f"/{year}"),
        ("school form", f"/collection/school/{school}/{year}"),
        ("school page", f"/dashboards/school/{school}/{year}"),
    ]


def user_loop(
    client: Client, draw: Callable[[random.Random], tuple[str, str]], think: float, until: float, timings: Timings
) -> None:
    rng = client.random
    while time.monotonic() < until:
        if think > 0:
            time.sleep(think * rng.uniform(0.5, 1.5))
        name, path = draw(rng)
        start = time.perf_counter()
        try:
            client.open(path)
        except (OSError, urllib.error.HTTPError) as exc:
            timings.fail(f"{name} {path}: {exc}")
            continue
        timings.add(name, (time.perf_counter() - start) * 1000)


class Writer:
    """A county office changing one school's figure and approving the record, once a second."""

    def __init__(self, bases: list[str], place: Province, tokens: dict[int, str], seed: int) -> None:
        self.bases = bases
        self.place = place
        self.tokens = tokens
        self.random = random.Random(seed)
        # Every county's office logs in before the phases (logging in costs the servers a password hash).
        with ThreadPoolExecutor(8) as pool:
            logins = pool.map(lambda n: Client(bases, f"bench-county-{n}", seed + n), range(1, len(place.counties) + 1))
            self.offices = dict(zip(place.counties, logins, strict=True))
        self.supervisor = Client(bases, "bench-province", seed)
        self.waiting = _submitted(place)
        self.lock = threading.Lock()
        self.changes = 0
        self.missed = 0

    def loop(self, until: float, timings: Timings) -> None:
        """A change and its approval started every second, whether or not the previous one has finished (as
        many offices at work do), at most 8 under way; a second with 8 under way is counted as missed."""
        tick = time.monotonic()
        under_way: list[Future[None]] = []
        with ThreadPoolExecutor(8) as pool:
            while time.monotonic() < until:
                under_way = [f for f in under_way if not f.done()]
                if len(under_way) < 8:
                    under_way.append(pool.submit(self.one, timings))
                else:
                    self.missed += 1
                tick += 1.0
                time.sleep(max(0.0, tick - time.monotonic()))

    def one(self, timings: Timings) -> None:
        try:
            self.change_and_approve(timings)
        except (OSError, urllib.error.HTTPError, KeyError, IndexError) as exc:
            timings.fail(f"change: {exc}")

    def change_and_approve(self, timings: Timings) -> None:
        with self.lock:  # several changes under way at once: each takes its own record
            county = self.random.choice([c for c in self.place.counties if self.waiting.get(c)])
            record, school, value = self.waiting[county].pop()
            base = self.random.choice(self.bases)
        body = json.dumps({CHANGED_FIELD: round(value + 1.0, 2)}).encode()
        request = urllib.request.Request(
            f"{base}/api/schools/{school}?year={self.place.year}&reason=benchmark",
            data=body,
            method="PATCH",
            headers={"Authorization": f"Bearer {self.tokens[county]}", "Content-Type": "application/json"},
        )
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as answer:
            answer.read()
        timings.add("change (API)", (time.perf_counter() - start) * 1000)
        office = self.offices[county]
        review = f"/collection/county/{county}/review/{record}/"
        start = time.perf_counter()
        page = office.open(review)
        timings.add("review page", (time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        office.post(review, {"decision": "approve", "comment": "", "csrfmiddlewaretoken": _csrf(page)})
        timings.add("approve", (time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        verdicts = self.supervisor.open(f"/dashboards/region/{self.place.province}/?year={self.place.year}")
        timings.add("province page after a change", (time.perf_counter() - start) * 1000)
        if "基准" not in verdicts:
            raise OSError("the province page did not show the province")
        with self.lock:
            self.changes += 1


def _submitted(place: Province) -> dict[int, list[tuple[int, int, float]]]:
    """Each county's submitted records of the latest year: (record id, school id, the changed field's value)."""
    from junheng.web.collection.models import SchoolRecord

    waiting: dict[int, list[tuple[int, int, float]]] = {}
    county_of_school = dict(zip(place.schools, place.counties, strict=True))
    rows = SchoolRecord.objects.filter(
        year=place.year, status=SchoolRecord.Status.SUBMITTED, school__parent__in=place.counties
    ).values_list("pk", "school", "school__parent", CHANGED_FIELD)
    for record, school, county, value in rows.iterator():
        if school in county_of_school:  # the clerks' schools are left to the clerks
            continue
        waiting.setdefault(county, []).append((record, school, float(value or 0)))
    return waiting


def api_tokens(place: Province) -> dict[int, str]:
    from junheng.web.api.tokens import issue_token

    return {c: issue_token(username=f"bench-county-{n}", name="benchmark") for n, c in enumerate(place.counties, 1)}


def start_servers(
    database_url: str, cache_url: str, media: Path, count: int
) -> list[tuple[str, subprocess.Popen[bytes]]]:
    environ = dict(os.environ)
    environ.update(
        JUNHENG_DATABASE_URL=database_url,
        JUNHENG_CACHE_URL=cache_url,
        JUNHENG_DATA_DIR=str(media),
        JUNHENG_SECRET_KEY="province-load-secret-" + "x" * 32,
        JUNHENG_ALLOWED_HOSTS="127.0.0.1",
        JUNHENG_PLAIN_HTTP="1",  # the benchmark talks plain HTTP to 127.0.0.1: cookies without Secure
        PYTHONPATH=str(ROOT / "src"),
    )
    servers = []
    for _ in range(count):
        port = free_port()
        command = [sys.executable, "-m", "junheng", "serve", "--host", "127.0.0.1", "--port", str(port)]
        process = subprocess.Popen(command, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        servers.append((f"http://127.0.0.1:{port}", process))
    deadline = time.monotonic() + 90
    for base, process in servers:
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    stop(servers)
                    raise SystemExit(f"the server at {base} did not start") from None
                time.sleep(0.3)
    return servers


def stop(servers: list[tuple[str, subprocess.Popen[bytes]]]) -> None:
    for _, process in servers:
        process.terminate()
    for _, process in servers:
        process.wait(timeout=60)


def phase(
    bases: list[str], place: Province, users: int, think: float, seconds: float, writer: Writer
) -> tuple[Timings, float]:
    """Every user and the writer for `seconds`; the timings and the wall-clock seconds."""
    timings = Timings()
    clients = [
        (Client(bases, username, 1000 + n), role_pages(role, n, place)) for n, role, username in people(place, users)
    ]
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=user_loop, args=(c, draw, think, until, timings)) for c, draw in clients]
    threads.append(threading.Thread(target=writer.loop, args=(until, timings)))
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, time.perf_counter() - start


def people(place: Province, users: int) -> list[tuple[int, str, str]]:
    """(n, role, username) of each of the `users` people at work, in MIX's shares."""
    roles = [role for role, count in MIX for _ in range(round(count * users / 50))][:users]
    found = []
    for n, role in enumerate(roles):
        index = n % len(place.counties)
        username = {
            "province": "bench-province",
            "city": f"bench-city-{place.cities.index(place.city_of[place.counties[index]]) + 1}",
            "county": f"bench-county-{index + 1}",
            "school": f"bench-school-{index + 1}",
        }[role]
        found.append((n, role, username))
    return found


def warm_up(bases: list[str], place: Province, users: int) -> tuple[int, float]:
    """Every page each person may open, opened once (by 4 at a time), as the day's work before would have:
    the phases then measure a platform in use, where what a write changes is made again on write. The
    number of pages and the seconds taken."""
    todo: dict[tuple[str, str], str] = {}
    for n, role, username in people(place, users):
        for some in range(len(place.counties)):
            for _, path in role_choices(role, n, place, some):
                todo.setdefault((username, path), username)
    by_user: dict[str, list[str]] = {}
    for username, path in todo:
        by_user.setdefault(username, []).append(path)
    batches = [(username, paths[i : i + 30]) for username, paths in by_user.items() for i in range(0, len(paths), 30)]
    start = time.perf_counter()

    def visit(batch: tuple[str, list[str]]) -> None:
        username, paths = batch
        client = Client(bases, username, 1)
        for path in paths:
            client.open(path)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(visit, batches))
    return len(todo), time.perf_counter() - start


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


WRITES = ("change (API)", "review page", "approve")


def report(title: str, timings: Timings, wall: float) -> float:
    """Print the phase's table; the worst p95 among the pages people read."""
    print(f"\n{title}")
    print(f"{'page':<30} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    worst = 0.0
    for name in sorted(timings.pages, key=lambda n: (n in WRITES, n)):
        values = timings.pages[name]
        p95 = percentile(values, 95)
        if name not in WRITES:
            worst = max(worst, p95)
        print(
            f"{name:<30} {len(values):>8} {percentile(values, 50):>8.0f} {p95:>8.0f} "
            f"{percentile(values, 99):>8.0f} {max(values):>8.0f}"
        )
    pages = sum(len(v) for n, v in timings.pages.items() if n not in WRITES)
    print(f"{pages / wall:.1f} pages/s over {wall:.0f} s; {len(timings.failures)} failed requests")
    for failure in timings.failures[:3]:
        print(f"  failed: {failure}")
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DATABASE_URL, help=f"a PostgreSQL database (default {DATABASE_URL})")
    parser.add_argument("--cache-url", default=CACHE_URL, help=f"a Redis database, emptied first (default {CACHE_URL})")
    parser.add_argument("--counties", type=int, default=150)
    parser.add_argument("--schools", type=int, default=300, help="schools per county")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--think", type=float, default=5.0, help="mean seconds between a user's pages")
    parser.add_argument("--seconds", type=float, default=120.0, help="length of each phase")
    parser.add_argument("--quick", action="store_true", help="3 counties × 20 schools, 10 users, 8 s per phase")
    args = parser.parse_args()
    if args.quick:
        args.counties, args.schools, args.users, args.seconds, args.think = 3, 20, 10, 8.0, 0.5
    if not args.database_url.startswith("postgres"):
        raise SystemExit("the province benchmark runs on PostgreSQL (--database-url postgresql://…)")
    os.environ["JUNHENG_DATABASE_URL"] = args.database_url
    os.environ["JUNHENG_CACHE_URL"] = args.cache_url
    with tempfile.TemporaryDirectory() as media:
        os.environ["JUNHENG_DATA_DIR"] = media
        _create_database(args.database_url)
        from django.core.cache import cache

        from junheng.web import server

        server.setup()
        server.migrate()
        place = province(args.counties, args.schools, tuple(range(2021, 2026)))
        cache.clear()
        tokens = api_tokens(place)
        servers = start_servers(args.database_url, args.cache_url, Path(media), 2)
        bases = [base for base, _ in servers]
        try:
            start = time.perf_counter()
            warm = Client(bases, "bench-province", 1)
            warm.open(f"/dashboards/region/{place.province}/?year={place.year}")
            print(f"province page with nothing kept yet (every county evaluated): {time.perf_counter() - start:.1f} s")
            for city in place.cities:
                warm.open(f"/dashboards/region/{city}/?year={place.year}")
            warm.open(f"/?year={place.year}")
            pages, seconds = warm_up(bases, place, args.users)
            print(f"warm-up: every page each person may open, once ({pages} pages in {seconds:.0f} s)")
            writer = Writer(bases, place, tokens, 7)
            shape = f"{args.counties} counties × {args.schools} schools × 5 years, PostgreSQL + Redis, 2 servers"
            think, think_wall = phase(bases, place, args.users, args.think, args.seconds, writer)
            stress, stress_wall = phase(bases, place, args.users, 0.0, args.seconds, writer)
        finally:
            stop(servers)
    mean = f"{args.think:g} s mean think time (0.5–1.5×)"
    worst = report(f"{shape}; {args.users} users, {mean}; one change + approval per second", think, think_wall)
    report(f"Stress: {args.users} users with no think time; one change + approval per second", stress, stress_wall)
    after = percentile(think.pages.get("province page after a change", [0.0]), 95)
    met = "met" if worst < TARGET_P95_MS else "NOT MET"
    print(f"\ntarget p95 < {TARGET_P95_MS:.0f} ms for every page (think time): {met} ({worst:.0f} ms)")
    met = "met" if after < TARGET_P95_MS else "NOT MET"
    print(f"target province page after a change p95 < {TARGET_P95_MS:.0f} ms: {met} ({after:.0f} ms)")
    print(f"{writer.changes} records changed and approved ({writer.missed} seconds missed with 8 changes under way)")


def _create_database(url: str) -> None:
    """Create the benchmark's database on its server when it is not there yet."""
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    server = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
