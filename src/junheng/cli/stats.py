"""`junheng stats-import`: the county's education-statistics workbooks into a data file, with provenance."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from junheng.cli.parser import EXIT_INVALID, UsageError
from junheng.io.datafile_writer import write_school_file
from junheng.io.limits import MAX_ISSUES
from junheng.schema import school_table
from junheng.stats import import_workbooks, load_layout, record
from junheng.stats.report import PROVENANCE_SHEET, TO_FILL_SHEET, provenance_table, render_report, to_fill_table
from junheng.stats.sources import Workbook, read_workbook, workbook_paths


def command_stats_import(args: argparse.Namespace) -> int:
    """Read every workbook under the paths, print the report, write the data file; 2 when a figure is unusable."""
    out: Path = args.out
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"--out 应为 .xlsx 文件（数据文件之后附“{PROVENANCE_SHEET}”工作表）；实际为 {out.name}")
    layout = load_layout(args.layout) if args.layout is not None else None
    with workbook_paths(list(args.paths)) as (paths, problems):
        workbooks: list[Workbook] = []
        for number, (name, path) in enumerate(paths, start=1):
            print(f"[{number}/{len(paths)}] {name}", file=sys.stderr)
            opened = read_workbook(path, name)
            if isinstance(opened, Workbook):
                workbooks.append(opened)
            else:
                problems.append(opened)
    if not paths and not problems:
        raise UsageError("所给路径下没有 Excel 工作簿（.xlsx）")
    result = import_workbooks(workbooks, layout=layout, year=args.year, county=args.county)
    result.problems[:0] = problems
    sys.stdout.write(render_report(result, len(workbooks)))
    fatal = result.stopping
    if fatal:
        for problem in fatal[:MAX_ISSUES]:
            print(problem.format(), file=sys.stderr)
        if len(fatal) > MAX_ISSUES:
            print(
                f"另有 {len(fatal) - MAX_ISSUES} 处问题未列出；请先改正以上问题，再重新导入以查看其余问题",
                file=sys.stderr,
            )
        print(f"共发现 {len(fatal)} 个问题，未写出数据文件；请改正后重新导入。", file=sys.stderr)
        return EXIT_INVALID
    table = school_table([record(school, result.year) for school in result.schools])
    annex = {PROVENANCE_SHEET: provenance_table(result.schools), TO_FILL_SHEET: to_fill_table(result.schools)}
    try:
        write_school_file(table, out, annex=annex)
    except OSError as exc:
        raise UsageError(
            f"无法写入 {out}：{exc.strerror or exc}；请检查文件夹是否存在、文件是否正在 Excel 中打开"
        ) from None
    print(f"已写入 {out}（{len(result.schools)} 所学校；数据来源见“{PROVENANCE_SHEET}”工作表）", file=sys.stderr)
    return 0
