"""`junheng assess`: the whole four-dimension assessment from files, for a bureau without the platform."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from junheng.assessment import Assessment, assess
from junheng.cli.parser import UsageError
from junheng.io.assessment_files import Entered, read_decisions, read_figures, read_survey, unknown_keys
from junheng.io.reader import read_school_file
from junheng.standards import load_standard


def command_assess(path: Path, args: argparse.Namespace) -> int:
    """Assess every county-year of the data file with what the other files give; 0 when it ran."""
    standard = load_standard(args.standard)
    schools = read_school_file(path, standard)
    entered = Entered()
    if args.figures is not None:
        read_figures(args.figures, standard, entered)
    if args.decisions is not None:
        read_decisions(args.decisions, standard, entered)
    if args.survey is not None:
        read_survey(args.survey, standard, entered)
    pairs = sorted(set(schools.select("county", "year").iter_rows()))
    if not pairs:
        raise UsageError(f"{path.name} 中没有学校数据")
    slips = unknown_keys(entered, pairs)
    if slips:
        raise UsageError("；".join(slips) + "（请核对县区名称和年度）")
    found: list[Assessment] = []
    for county, year in pairs:
        rows = schools.filter((pl.col("county") == county) & (pl.col("year") == year))
        found.append(
            assess(
                rows,
                standard,
                county=county,
                year=year,
                figures=entered.figures_for(county, year),
                decisions=entered.decisions_for(county, year),
                vetoes=entered.vetoes_for(county, year),
                survey=entered.survey_for(county, year),
            )
        )
    _emit(found, args.format, args.out)
    return 0


def _emit(found: list[Assessment], fmt: str, out: Path | None) -> None:
    if fmt == "json":
        from junheng.io.assessment_json import dumps

        text = dumps(found) + "\n"
    else:
        from junheng.io.assessment_table import render_assessments

        text = render_assessments(found)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        print(f"已写入 {out}", file=sys.stderr)
