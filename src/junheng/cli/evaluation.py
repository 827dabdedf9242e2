"""`junheng evaluate`, `sample`, `standards` and `synth`: the engine and the data files."""

from __future__ import annotations

import argparse
import shutil
import sys
from importlib import resources
from pathlib import Path

from junheng.cli.parser import UsageError
from junheng.engine import Evaluation, evaluate
from junheng.io.reader import read_school_file
from junheng.standards import builtin_standard_names, load_standard

SAMPLE_NAME = "sample-county.csv"


def command_evaluate(path: Path, args: argparse.Namespace) -> int:
    if args.format == "xlsx" and args.out is None:
        raise UsageError("xlsx 格式需要用 --out 指定输出文件，例如 --out 评估结果.xlsx")
    standard = load_standard(args.standard)
    evaluation = evaluate(read_school_file(path, standard), standard)
    emit(evaluation, args.format, args.out)
    return 0


def emit(evaluation: Evaluation, fmt: str, out: Path | None) -> None:
    if fmt == "xlsx":
        from junheng.io.evaluation_xlsx import write_evaluation_xlsx

        assert out is not None
        write_evaluation_xlsx(evaluation, out)
        print(f"已写入 {out}", file=sys.stderr)
        return
    if fmt == "json":
        from junheng.io.evaluation_json import dumps

        text = dumps(evaluation)
    else:
        from junheng.io.evaluation_table import render_table

        text = render_table(evaluation)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        print(f"已写入 {out}", file=sys.stderr)


def command_sample(args: argparse.Namespace) -> int:
    sample = resources.files("junheng").joinpath("samples", SAMPLE_NAME)
    with resources.as_file(sample) as path:
        if args.write is not None:
            shutil.copyfile(path, args.write)
            print(f"示例数据已写入 {args.write}", file=sys.stderr)
            return 0
        return command_evaluate(path, args)


def command_standards(name: str | None) -> int:
    if name is None:
        print(_standards_list())
    else:
        print(_standard_detail(name))
    return 0


def _standards_list() -> str:
    lines = ["可用的评估标准（--standard 名称）："]
    for std_name in builtin_standard_names():
        std = load_standard(std_name)
        parent = f"（基于 {std.parent}）" if std.parent else ""
        lines.append(f"  {std_name:<16} {std.title}{parent}")
    lines.append("查看某个标准的指标与阈值：junheng standards 名称")
    return "\n".join(lines)


def _standard_detail(name: str) -> str:
    from junheng.messages import level_label, school_type_label

    std = load_standard(name)
    lines = [f"{std.name}：{std.title}", f"版本 {std.version}" + (f"，基于 {std.parent}" if std.parent else "")]
    lines.append(
        f"不参与计算：{'、'.join(school_type_label(t) for t in sorted(std.excluded_school_types)) or '无'}；"
        f"教学点在校生少于 {std.teaching_point_min_students} 人不参与计算"
    )
    weights = "，".join(f"{level_label(lv)} {w}" for lv, w in std.split_weights.items())
    lines.append(f"跨学段学校共享资源按加权在校生拆分：{weights}")
    if std.composite is not None:
        lines.append(
            f"综合差异系数：各差异系数保留 {std.composite.component_decimals} 位小数后取平均，"
            f"再保留 {std.composite.report_decimals} 位小数，均{std.rounding.label}"
        )
    else:
        lines.append(f"差异系数以未修约值与限值比较，报告保留 {std.report_decimals} 位小数（{std.rounding.label}）")
    rule = std.school_rule
    if rule is not None:
        lines.append(f"学校达标规则：至少 {rule.min_met} 项达标，其余不低于达标值的 {rule.floor_ratio * 100:.0f}%")
    for lv in std.levels:
        limit = std.cv_limits.get(lv)
        head = f"{level_label(lv)}：" + (f"差异系数限值 ≤ {limit}" if limit is not None else "")
        if std.composite is not None:
            head += f"综合差异系数限值 ≤ {std.composite.limits[lv]}"
        lines.append(head)
        for ind in std.indicators:
            threshold = ind.threshold(lv)
            if threshold is None or rule is None:
                lines.append(f"  {ind.id} {ind.name}")
            else:
                lines.append(
                    f"  {ind.id} {ind.name}：达标值 {threshold} {ind.value_unit}，"
                    f"基本值（{rule.floor_ratio * 100:.0f}%）{rule.floor(threshold).normalize():f} {ind.value_unit}"
                )
    return "\n".join(lines)


def command_synth(args: argparse.Namespace) -> int:
    from junheng.io.datafile_writer import write_school_file
    from junheng.synth import SCOPES, synthesize

    try:
        years = tuple(int(y) for y in args.years.split(","))
    except ValueError as exc:
        raise UsageError(f"--years 应为逗号分隔的年度，如 2023,2024,2025；实际为“{args.years}”") from exc
    if args.out.suffix.lower() not in {".csv", ".xlsx"}:
        raise UsageError(f"输出文件应以 .csv 或 .xlsx 结尾：{args.out}")
    preset = SCOPES[args.scope]
    counties = args.counties if args.counties is not None else preset.counties
    try:
        table = synthesize(counties=counties, schools_per_county=preset.schools_per_county, years=years, seed=args.seed)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    write_school_file(table, args.out, headers=args.headers)
    print(f"已生成 {table.height} 行（{counties} 个县区，年度 {args.years}）：{args.out}", file=sys.stderr)
    return 0
