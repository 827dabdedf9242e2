"""Evaluate one table in a fresh process and print its peak memory as JSON: run by benchmarks/run.py.

    python benchmarks/peak_memory.py TABLE.parquet [STANDARD]

Only Polars and junheng are imported, so the figure is what a process evaluating the table needs.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

# Run as a script from a checkout: make `junheng` importable when it is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import polars as pl

from junheng.engine import evaluate
from junheng.standards import load_standard


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB.

    On Linux from /proc/self/status (VmHWM): ru_maxrss there carries the parent's high-water mark
    across fork and exec, so a child of a big benchmark process would report the parent's memory.
    Elsewhere ru_maxrss (KiB on Linux and BSD, bytes on macOS).
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def main(argv: list[str]) -> int:
    table = pl.read_parquet(argv[0])
    standard = load_standard(argv[1] if len(argv) > 1 else "national-2017")
    loaded = peak_rss_mb()
    evaluate(table, standard)
    print(json.dumps({"loaded_mb": loaded, "peak_mb": peak_rss_mb()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
