"""Cross-check: junheng's Theil decomposition against PySAL's `inequality.theil.TheilD` (issue 6 §1).

PySAL's TheilD weights every observation equally; junheng weights school parts by their students (a
county's inequality is among its pupils). With the same enrolment in every school the two must agree,
total, between and within. PySAL pulls in geopandas and scikit-learn, so it is not a dependency of the
project or its tests; run this by hand in a separate environment:

    python3 -m venv /tmp/pysal && /tmp/pysal/bin/pip install inequality polars
    /tmp/pysal/bin/python scripts/check_theil_pysal.py

It prints the largest difference found (last run: 5.27e-16 over 50 random counties × 2 indicators).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from inequality.theil import TheilD  # type: ignore[import-not-found]  # noqa: E402
from tests.builders import primary_school, table  # noqa: E402

from junheng.engine import evaluate  # noqa: E402
from junheng.engine.groups import theil_decomposition  # noqa: E402
from junheng.standards import load_standard  # noqa: E402

COUNTIES, STUDENTS, INDICATORS = 50, 500, ("L4", "L5")


def main() -> None:
    standard = load_standard("national-2017")
    rng = np.random.default_rng(3)
    worst = 0.0
    for _ in range(COUNTIES):
        n = int(rng.integers(4, 30))
        ids = [f"s{i:02d}" for i in range(n)]
        schools = [
            primary_school(
                school_id,
                students=STUDENTS,
                sports_area_m2=float(rng.uniform(1000, 8000)),
                teaching_aux_area_m2=float(rng.uniform(800, 4000)),
            )
            for school_id in ids
        ]
        parts = evaluate(table(*schools), standard).schools.sort("school_id")
        groups = rng.integers(0, 4, size=n)
        labels = pl.DataFrame({"school_id": ids, "partition": [f"g{g}" for g in groups]})
        ours = theil_decomposition(parts, labels, standard)
        for indicator in INDICATORS:
            row = ours.filter(pl.col("indicator") == indicator).row(0, named=True)
            theirs = TheilD(parts[f"v_{indicator}"].to_numpy(), groups)
            worst = max(
                worst,
                abs(float(theirs.T) - row["total"]),
                abs(float(theirs.bg[0]) - row["between"]),
                abs(float(theirs.wg[0]) - row["within"]),
            )
    print(f"{COUNTIES} 个随机县 × {len(INDICATORS)} 项指标：与 PySAL TheilD 的最大差 {worst:.2e}")


if __name__ == "__main__":
    main()
