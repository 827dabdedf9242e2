"""junheng's benchmarks: one command that prints figures (see benchmarks/README.md).

    python benchmarks/run.py [--quick]

(a) the whole national-2017 evaluation, junheng's Polars engine against a vectorised pandas peer, on
synthetic data of about 10,000, 100,000 and 207,000 schools, after checking that both agree; the
engine's peak memory, measured in a fresh process; (b) reading a 30,000-row XLSX data file, junheng's
reader against openpyxl; (c) synthesising the national table. `--quick` runs small sizes only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# Run as a script from a checkout: make `benchmarks` and (when not installed) `junheng` importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import openpyxl
import pandas as pd
import polars as pl
from python_calamine import CalamineWorkbook

from benchmarks.pandas_peer import disagreements, evaluate_pandas, to_pandas
from junheng.engine import evaluate
from junheng.io.datafile_writer import write_school_file
from junheng.io.reader import read_school_file
from junheng.standards import Standard, load_standard
from junheng.synth import SCOPES, synthesize

SEED = 2025
STANDARD = "national-2017"
REPEATS = 3
EVALUATION_SIZES = (("~10k", 140), ("~100k", 1_400), ("national", SCOPES["national"].counties))
QUICK_EVALUATION_SIZES = (("~1k", 14), ("~5k", 70))
XLSX_ROWS, QUICK_XLSX_ROWS = 30_000, 2_000
TARGET_PEER_RATIO, TARGET_PEAK_MB, TARGET_XLSX_RATIO = 3.0, 1024.0, 5.0


def best_of(runs: int, action: Callable[[], object]) -> float:
    """Seconds taken by the fastest of `runs` calls: the one least disturbed by other work on the machine."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def measure_peak_memory(parquet: Path, standard: Standard) -> dict[str, float]:
    """Peak memory of a fresh process that reads the table (`loaded_mb`) and then evaluates it (`peak_mb`)."""
    command = [sys.executable, str(Path(__file__).with_name("peak_memory.py")), str(parquet), standard.name]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def mark(met: bool) -> str:
    return "met" if met else "NOT MET"


def bench_evaluation(sizes: tuple[tuple[str, int], ...], standard: Standard, workdir: Path) -> list[str]:
    """(a): for each size, check agreement, then time both; the engine's peak memory in a fresh process."""
    lines = [
        f"(a) {standard.name} evaluation: junheng (Polars) vs vectorised pandas peer, best of {REPEATS}; "
        "agreement checked first (CVs to 1e-9, every pass flag)",
        f"{'size':<9} {'schools':>8} {'counties':>8} {'polars s':>9} {'pandas s':>9} {'ratio':>6} "
        f"{'µs/school':>10} {'pd µs/sch':>10} {'peak MB':>8} {'+eval MB':>8}",
    ]
    ratio = peak = 0.0
    for name, counties in sizes:
        line, ratio, peak = _evaluation_row(name, counties, standard, workdir)
        lines.append(line)
    national = sizes[-1][1] >= SCOPES["national"].counties
    lines += [
        f"target ≥ {TARGET_PEER_RATIO:.0f}× pandas at national size: "
        + (f"{ratio:.1f}× ({mark(ratio >= TARGET_PEER_RATIO)})" if national else "not run"),
        f"target < {TARGET_PEAK_MB:.0f} MB peak at national size: "
        + (f"{peak:.0f} MB ({mark(peak < TARGET_PEAK_MB)})" if national else "not run"),
        "peak MB: the evaluating process at its peak (interpreter, libraries, table); +eval MB: what evaluate() added",
    ]
    return lines


def _evaluation_row(name: str, counties: int, standard: Standard, workdir: Path) -> tuple[str, float, float]:
    """One line of (a), with the pandas ÷ Polars time ratio and the peak memory in MB."""
    table = synthesize(counties=counties, seed=SEED)
    frame = to_pandas(table)
    problems = disagreements(evaluate(table, standard), evaluate_pandas(frame, standard))
    if problems:
        raise SystemExit(f"the pandas peer and the engine disagree at {name}:\n" + "\n".join(problems))
    ours = best_of(REPEATS, lambda: evaluate(table, standard))
    theirs = best_of(REPEATS, lambda: evaluate_pandas(frame, standard))
    parquet = workdir / f"schools-{counties}.parquet"
    table.write_parquet(parquet)
    memory = measure_peak_memory(parquet, standard)
    peak = memory["peak_mb"]
    line = (
        f"{name:<9} {table.height:>8,} {counties:>8,} {ours:>9.3f} {theirs:>9.3f} {theirs / ours:>5.1f}× "
        f"{ours / table.height * 1e6:>10.2f} {theirs / table.height * 1e6:>10.2f} "
        f"{peak:>8.0f} {peak - memory['loaded_mb']:>8.0f}"
    )
    return line, theirs / ours, peak


def _calamine_rows(path: Path) -> int:
    workbook = CalamineWorkbook.from_path(str(path))
    return len(workbook.get_sheet_by_name(workbook.sheet_names[0]).to_python())


def _openpyxl_cells(path: Path) -> int:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    cells = sum(1 for row in workbook.worksheets[0].iter_rows(values_only=True) for _ in row)
    workbook.close()
    return cells


def bench_xlsx(rows: int, standard: Standard, workdir: Path) -> list[str]:
    """(b): junheng's reader vs openpyxl read-only; python-calamine alone shows the reader's floor."""
    table = synthesize(counties=rows // 70 + 1, seed=SEED).head(rows)
    path = workdir / "schools.xlsx"
    write_school_file(table, path)
    ours = best_of(REPEATS, lambda: read_school_file(path, standard))
    calamine = best_of(REPEATS, lambda: _calamine_rows(path))
    theirs = best_of(REPEATS, lambda: _openpyxl_cells(path))
    ratio = theirs / ours
    return [
        f"(b) reading a {table.height:,}-row XLSX data file ({table.height * table.width:,} cells, "
        f"{path.stat().st_size / 1e6:.1f} MB, shared strings as Excel saves them), best of {REPEATS}",
        f"    junheng.io.reader.read_school_file  {ours:7.3f} s  cells checked, typed table",
        f"    python-calamine to_python() alone   {calamine:7.3f} s  the cells as Python values, unchecked",
        f"    openpyxl read_only, every cell      {theirs:7.3f} s",
        f"    ratio {ratio:.1f}× (calamine alone {theirs / calamine:.1f}×); target ≥ {TARGET_XLSX_RATIO:.0f}× "
        f"at {XLSX_ROWS:,} rows: " + (mark(ratio >= TARGET_XLSX_RATIO) if rows >= XLSX_ROWS else "not run"),
    ]


def bench_synth(counties: int) -> list[str]:
    """(c): building the synthetic table."""
    height = synthesize(counties=counties, seed=SEED).height
    timing = best_of(REPEATS, lambda: synthesize(counties=counties, seed=SEED))
    return [f"(c) synthesize(counties={counties:,}): {height:,} schools in {timing:.2f} s, best of {REPEATS}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print junheng's benchmark figures.")
    parser.add_argument("--quick", action="store_true", help="small sizes only (a smoke test, a minute or less)")
    args = parser.parse_args(argv)
    standard = load_standard(STANDARD)
    sizes = QUICK_EVALUATION_SIZES if args.quick else EVALUATION_SIZES
    print(
        f"junheng benchmarks{' (quick)' if args.quick else ''}: Python {platform.python_version()}, "
        f"polars {pl.__version__}, pandas {pd.__version__}, openpyxl {openpyxl.__version__}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}"
    )
    with tempfile.TemporaryDirectory(prefix="junheng-bench-") as tmp:
        workdir = Path(tmp)
        for lines in (
            bench_evaluation(sizes, standard, workdir),
            bench_xlsx(QUICK_XLSX_ROWS if args.quick else XLSX_ROWS, standard, workdir),
            bench_synth(sizes[-1][1] if args.quick else SCOPES["national"].counties),
        ):
            print()
            print("\n".join(lines), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
