"""Steps of tests/web/test_kept.py, each run as its own process over one database and one cache.

`python -m tests.web.kept_steps STEP` with JUNHENG_DATA_DIR (and JUNHENG_DATABASE_URL, JUNHENG_CACHE_URL)
set: `prepare` migrates and loads the demo city; `city` prints, as JSON, the counties the city page's
figures evaluated and each county's verdict and progress; `change` has the last county's office spoil
its schools' sports grounds and approve a record, as a county office would in another server;
`office` makes that office's login and names a submitted primary school's record of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

YEAR = 2025
ROOT = Path(__file__).resolve().parents[2]


def environment(data_dir: Path, **settings: str) -> dict[str, str]:
    """This process's environment without its JUNHENG_ settings, then the data folder and `settings`."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("JUNHENG_", "DJANGO_"))}
    return environ | {
        "JUNHENG_DATA_DIR": str(data_dir),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        **settings,
    }


def run(step: str, environ: dict[str, str]) -> Any:
    """Run `step` in a process of its own; what it printed, read back."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.web.kept_steps", step],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare() -> dict[str, Any]:
    from django.core.cache import cache

    from junheng.web import server
    from junheng.web.demo import load_demo

    server.migrate()
    loaded = load_demo()
    cache.clear()  # what the demo's own last writes kept (home.refresh): the test starts from nothing kept
    return {"loaded": loaded}


def city() -> dict[str, Any]:
    import polars as pl

    from junheng.engine import Evaluation, evaluate
    from junheng.standards import Standard
    from junheng.web.dashboards import queries, region_kept
    from junheng.web.orgs.models import Organisation

    evaluated: list[str] = []

    def counted(schools: pl.DataFrame, standard: Standard) -> Evaluation:
        evaluated.extend(sorted(set(schools["county"].to_list())))
        return evaluate(schools, standard)

    region_kept.evaluate = counted  # type: ignore[attr-defined]  # this process counts the engine's calls
    region = Organisation.objects.get(kind=Organisation.Kind.CITY)
    counties = queries.counties_for_dashboard(region)
    figures = region_kept.region_figures(region, counties, YEAR)
    names = {str(c.pk): c.name for c in counties}
    return {
        "evaluated": [names[key] for key in evaluated],
        "counties": {
            c.name: [figures[c.pk].verdict, figures[c.pk].progress.handed_in, figures[c.pk].progress.approved]
            for c in counties
        },
    }


OFFICE = "office-of-the-last-county"


def _last_county_office() -> tuple[Any, Any]:
    from django.contrib.auth.models import User

    from junheng.web.demo import DEMO_PASSWORD
    from junheng.web.orgs.models import Membership, Organisation, Role

    county = Organisation.objects.filter(kind=Organisation.Kind.COUNTY).order_by("code").last()
    assert county is not None
    office, made = User.objects.get_or_create(username=OFFICE)
    if made:
        office.set_password(DEMO_PASSWORD)
        office.save()
        Membership.objects.create(user=office, organisation=county, role=Role.COUNTY_OFFICE)
    return county, office


def office() -> dict[str, Any]:
    from junheng.web.collection.models import SchoolRecord
    from junheng.web.demo import DEMO_PASSWORD

    county, _ = _last_county_office()
    record = (
        SchoolRecord.objects.filter(
            school__path__startswith=county.path, year=YEAR, status=SchoolRecord.Status.SUBMITTED, school_type="primary"
        )
        .order_by("school__code")
        .first()
    )
    assert record is not None
    return {
        "username": OFFICE,
        "password": DEMO_PASSWORD,
        "county": county.pk,
        "school": record.school_id,
        "record": record.pk,
    }


def change() -> dict[str, Any]:
    from junheng.web.collection import services
    from junheng.web.collection.models import SchoolRecord

    county, office = _last_county_office()
    records = SchoolRecord.objects.filter(school__path__startswith=county.path, year=YEAR).order_by("school__code")
    submitted = records.filter(status=SchoolRecord.Status.SUBMITTED)
    for record in submitted[:20]:
        services.update_record(user=office, record=record, values={"sports_area_m2": 1.0}, reason="核实后更正")
    approved = submitted.last()
    assert approved is not None
    services.approve(user=office, record=approved)
    return {"county": county.name}


if __name__ == "__main__":
    from junheng.web import server

    server.setup()
    steps = {"prepare": prepare, "city": city, "change": change, "office": office}
    print(json.dumps(steps[sys.argv[1]](), ensure_ascii=False))
