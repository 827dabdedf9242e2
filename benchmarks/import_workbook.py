"""Importing a county's workbook of 300 schools into the database, as the county office does on the web.

    python benchmarks/import_workbook.py [--schools N] [--database-url URL]

Registers a county of `--schools` schools (synthetic, seed 2025) in a fresh SQLite database in a
temporary folder, or in the PostgreSQL database `--database-url` names (its tables are made by the
migrations; the county gets a code of its own, so the database may hold other data), opens the
year's round (every school gets its empty record, as on the web) and times
`collection.services.import_workbook`: reading and checking the XLSX file, the locked check and the
stored records, the audit rows and the versions, in one transaction. Then it imports the same file
again (every record becomes a new version, no figure changes) and times that. Target (issue 11):
under 5 s on PostgreSQL for 300 schools.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

YEAR = 2025
TARGET_SECONDS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["JUNHENG_DATA_DIR"] = folder
        os.environ["JUNHENG_DATABASE_URL"] = args.database_url or f"sqlite:///{folder}/junheng.sqlite3"
        from junheng.web import server

        server.setup()
        server.migrate()
        first, again, queries = run(Path(folder), args.schools)
    database = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"import of a {args.schools}-school county workbook into {database}")
    print(f"    first import (into the round's empty records)   {first:.2f} s  {queries} queries")
    print(f"    the same file again (a new version of each)      {again:.2f} s")
    if database == "PostgreSQL":
        verdict = "met" if first < TARGET_SECONDS else "NOT MET"
        print(f"target < {TARGET_SECONDS:.0f} s on PostgreSQL: {first:.2f} s ({verdict})")


def run(folder: Path, schools: int) -> tuple[float, float, int]:
    """Seconds of the first import and of the same file again, and the first import's query count."""
    import polars as pl
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from junheng.io.datafile_writer import write_school_file
    from junheng.synth import synthesize
    from junheng.web.collection import services
    from junheng.web.orgs.models import Membership, Organisation, Role

    code = f"9{time.time_ns() % 10**5:05d}"  # a county code of its own in a database already used
    province = Organisation.objects.create(kind=Organisation.Kind.PROVINCE, name="测试省", code=code[:2] + code)
    county = Organisation.objects.create(kind=Organisation.Kind.COUNTY, name="测试县", code=code, parent=province)
    table = synthesize(counties=1, schools_per_county=schools, years=(YEAR,), seed=2025).with_columns(
        pl.lit(county.name).alias("county"),
        pl.lit(code).alias("county_code"),
        (pl.lit(code) + pl.int_range(pl.len()).cast(pl.String).str.zfill(4)).alias("school_id"),
    )
    for row in table.iter_rows(named=True):
        Organisation.objects.create(
            kind=Organisation.Kind.SCHOOL, name=row["school_name"], code=row["school_id"], parent=county
        )
    office = User.objects.create_user(f"bench-{code}")
    Membership.objects.create(user=office, organisation=county, role=Role.COUNTY_OFFICE)
    services.open_round(user=office, county_id=county.pk, year=YEAR)
    path = folder / "全县数据.xlsx"
    write_school_file(table, path, headers="zh")
    timings, counts = [], []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            services.import_workbook(user=office, county_id=county.pk, year=YEAR, path=path, name=path.name)
            timings.append(time.perf_counter() - start)
        counts.append(len(queries))
    return timings[0], timings[1], counts[0]


if __name__ == "__main__":
    main()
