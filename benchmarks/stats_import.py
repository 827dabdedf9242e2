"""Reading a county's 300 per-school statistics workbooks into a data file, as `junheng stats-import` does.

    python benchmarks/stats_import.py [--schools N] [--generation jiaoji|jiben]

Writes `--schools` per-school workbooks (the sample county's schools over and over, each with an id of
its own; tests/stats/workbooks.py) in a temporary folder, then times the whole command: finding the files,
reading every sheet with python-calamine, finding each figure by its labels, writing the data file with
its 数据来源 and 待补填 sheets. Target (issue 13): under 10 s for 300 workbooks.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--generation", choices=["jiaoji", "jiben"], default="jiaoji")
    args = parser.parse_args()
    from tests.stats.test_stats_import import county
    from tests.stats.workbooks import school_workbook

    from junheng.cli import main as junheng

    records = county(args.generation)
    with tempfile.TemporaryDirectory() as folder:
        for number in range(args.schools):
            record = {**records[number % len(records)], "school_id": f"45210{number:05d}"}
            record["school_name"] = f"{record['school_name']}{number}"
            school_workbook(Path(folder) / f"{number}.xlsx", record, args.generation, suffix=True)
        started, cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = junheng(["stats-import", folder, "--out", str(Path(folder) / "data.xlsx")])
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    verdict = "within" if seconds < TARGET_SECONDS else "OVER"
    summary = f"CPU {cpu:.2f} s; exit {code}; {verdict} {TARGET_SECONDS:.0f} s"
    print(f"stats-import of {args.schools} per-school workbooks: {seconds:.2f} s ({summary})")


if __name__ == "__main__":
    main()
