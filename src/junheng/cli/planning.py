"""`junheng plan` and `junheng rotation`: the planner on a data file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from junheng.cli.parser import UsageError
from junheng.io.reader import read_school_file
from junheng.standards import load_standard


def command_plan(path: Path, args: argparse.Namespace) -> int:
    from junheng.plan import costs_from_csv, default_unit_costs, plan
    from junheng.plan.optimiser import require_school_rule

    if args.format == "xlsx" and args.out is None:
        raise UsageError("xlsx 格式需要用 --out 指定输出文件，例如 --out 达标规划.xlsx")
    standard = load_standard(args.standard)
    require_school_rule(standard)
    costs = default_unit_costs(standard)
    if args.costs is not None:
        try:
            text = args.costs.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"无法读取单价文件 {args.costs}：请确认路径正确、文件为 UTF-8 编码的 CSV") from exc
        costs = costs_from_csv(text, str(args.costs), costs)
    schools = read_school_file(path, standard)
    if args.target_year is not None:
        return _plan_ahead(schools, standard, costs, args)
    if args.yearly_budget is not None or args.entrants is not None:
        raise UsageError("--yearly-budget 和 --entrants 需要与 --target-year 一起使用")
    plans = plan(schools, standard, costs, budget=args.budget)
    if args.format == "xlsx":
        from junheng.io.plan_xlsx import write_plan_xlsx

        write_plan_xlsx(plans, args.out)
        print(f"已写入 {args.out}", file=sys.stderr)
        return 0
    if args.format == "json":
        from junheng.io.plan_json import dumps

        text = dumps(plans) + "\n"
    else:
        from junheng.io.plan_table import render_plan

        text = render_plan(plans, schools)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        print(f"已写入 {args.out}", file=sys.stderr)
    return 0


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"无法读取{what} {path}：请确认路径正确、文件为 UTF-8 编码的 CSV") from exc


def _plan_ahead(schools: Any, standard: Any, costs: Any, args: argparse.Namespace) -> int:
    """`plan --target-year`: the plan against the projected enrolment, phased by yearly budget."""
    from junheng.io.plan_files import read_entrants
    from junheng.plan.projection import plan_years_ahead

    if args.format == "xlsx":
        raise UsageError("按目标年度规划暂只支持 table 和 json 格式")
    entrants = None
    if args.entrants is not None:
        entrants = read_entrants(_read_text(args.entrants, "新生数文件"), str(args.entrants), standard.levels)
    try:
        results = plan_years_ahead(
            schools,
            standard,
            costs,
            args.target_year,
            yearly_budget=args.yearly_budget,
            budget=args.budget,
            entrants=entrants,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if args.format == "json":
        import json

        from junheng.io.plan_json import plan_to_json

        document = plan_to_json([r.plan for r in results])
        for county, result in zip(document["counties"], results, strict=True):
            county["target_year"] = result.target_year
            county["yearly_budget"] = result.yearly_budget
            county["phases"] = [
                {
                    "year": p.year,
                    "cost": p.cost,
                    "carried": p.carried,
                    "pass": p.passes,
                    "failing_schools": p.failing_schools,
                    "actions": [
                        {
                            "kind": a.kind,
                            "quantity": a.quantity,
                            "cost": a.cost,
                            "changes": [
                                {"school_id": c.school_id, "column": c.column, "delta": c.delta} for c in a.changes
                            ],
                        }
                        for a in p.actions
                    ],
                }
                for p in result.phases
            ]
            county["unscheduled"] = [
                {"kind": a.kind, "quantity": a.quantity, "cost": a.cost} for a in result.unscheduled
            ]
        text = json.dumps(document, ensure_ascii=False, allow_nan=False) + "\n"
    else:
        import polars as pl

        from junheng.io.plan_table import render_plan
        from junheng.plan import ACTION_LABELS

        parts = []
        for result in results:
            lines = [
                render_plan([result.plan], result.projected).rstrip("\n"),
                f"  分年度安排（目标年度 {result.target_year}）：",
            ]
            if result.yearly_budget is not None:
                lines.append(f"  每年预算：{result.yearly_budget:,.2f} 元")
            for p in result.phases:
                verdict = "达标" if p.passes else f"未达标（{p.failing_schools} 所学校未达标或差异系数超限）"
                carried = f"（含往年所聘、所派教师本年续支 {p.carried:,.2f} 元）" if p.carried else ""
                lines.append(f"    {p.year} 年：{p.cost:,.2f} 元{carried}；当年推算在校生下资源配置{verdict}")
                for a in p.actions:
                    schools_of = "、".join(dict.fromkeys(c.school_id for c in a.changes))
                    lines.append(
                        f"      {ACTION_LABELS.get(a.kind, a.kind)} {a.quantity:g}（{schools_of}）：{a.cost:,.2f} 元"
                    )
            for a in result.unscheduled:
                lines.append(
                    f"    超出每年预算、未能安排：{ACTION_LABELS.get(a.kind, a.kind)} {a.quantity:g}：{a.cost:,.2f} 元"
                )
            students = result.projected.select(pl.col("students_primary").sum(), pl.col("students_junior").sum()).row(0)
            lines.append(f"  {result.target_year} 年推算在校生：小学 {students[0]} 人，初中 {students[1]} 人")
            parts.append("\n".join(lines))
        text = "\n\n".join(parts) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        print(f"已写入 {args.out}", file=sys.stderr)
    return 0


def command_rotation(path: Path, args: argparse.Namespace) -> int:
    import json

    import polars as pl

    from junheng.io.plan_files import read_recorded_rotations, read_rotation_file
    from junheng.messages import level_label
    from junheng.plan.rotation import (
        RotationLimits,
        check_recorded_rotations,
        coefficient_changes,
        eligible_teachers,
        plan_rotation,
        rotation_rule,
    )

    standard = load_standard(args.standard)
    for flag, value in (("--max-out", args.max_out), ("--max-in", args.max_in)):
        if value is not None and value < 0:
            raise UsageError(f"{flag} 应为不小于 0 的整数，实际为 {value}")
    try:
        rotation_rule(standard)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    given: dict[tuple[str, str], int] = {}
    townships: dict[str, str] = {}
    if args.eligible is not None:
        given, townships = read_rotation_file(
            _read_text(args.eligible, "交流条件教师文件"), str(args.eligible), standard.levels
        )
    if args.same_township and not townships:
        raise UsageError("--same-township 需要在 --eligible 文件中给出 township（乡镇）列")
    schools = read_school_file(path, standard)
    out: list[dict[str, Any]] = []
    lines: list[str] = []
    if args.recorded is not None:
        moves = read_recorded_rotations(_read_text(args.recorded, "交流记录文件"), str(args.recorded), standard.levels)
        for county, year in schools.select("county", "year").unique(maintain_order=True).rows():
            table = schools.filter((pl.col("county") == county) & (pl.col("year") == year))
            ids = set(table["school_id"])
            mine = [m for m in moves if m.from_school in ids or m.to_school in ids]
            eligible = sum(eligible_teachers(table, standard, given).values())
            figures, item = check_recorded_rotations(standard, mine, eligible)
            out.append(
                {
                    "county": county,
                    "year": year,
                    "rotated": figures.rotated,
                    "eligible": figures.eligible,
                    "backbone_rotated": figures.backbone_rotated,
                    "pass": item.passed,
                    "checks": [
                        {"label": c.label, "value": c.value, "pass": c.passed, "reason": c.reason} for c in item.checks
                    ],
                }
            )
            lines.append(f"{county} {year} 年 教师交流轮岗核查（G11）：{_g11_word(item.passed)}")
            lines.append(
                f"  交流 {figures.rotated} 人，符合条件 {figures.eligible} 人，"
                f"其中骨干教师 {figures.backbone_rotated} 人"
            )
            lines += [
                f"  {c.label}：{'—' if c.value is None else f'{c.value:.2%}'}" + (f"（{c.reason}）" if c.reason else "")
                for c in item.checks
            ]
    else:
        limits = RotationLimits(args.max_out, args.max_in, args.same_township)
        for result in plan_rotation(schools, standard, eligible=given, townships=townships, limits=limits):
            cvs = coefficient_changes(result)
            out.append(
                {
                    "county": result.county,
                    "year": result.year,
                    "status": result.status,
                    "reason": result.reason,
                    "required": {"rotated": result.required[0], "backbone": result.required[1]},
                    "moves": [
                        {
                            "from_school_id": m.from_school,
                            "to_school_id": m.to_school,
                            "level": m.level,
                            "teachers": m.teachers,
                            "backbone": m.backbone,
                            "pe_art": m.pe_art,
                        }
                        for m in result.moves
                    ],
                    "rotated": result.figures.rotated,
                    "eligible": result.figures.eligible,
                    "backbone_rotated": result.figures.backbone_rotated,
                    "g11_pass": result.g11.passed,
                    "cv": [{"level": lv, "indicator": ind, "before": b, "after": a} for lv, ind, b, a in cvs],
                }
            )
            status = {"optimal": "最优（已证明）", "feasible": "可行（未证明最优）", "infeasible": "无可行方案"}
            lines.append(
                f"{result.county} {result.year} 年 教师交流轮岗方案：{status.get(result.status, result.status)}"
            )
            if result.reason:
                lines.append(f"  说明：{result.reason}")
            lines.append(
                f"  符合条件 {result.figures.eligible} 人；至少交流 {result.required[0]} 人，"
                f"其中骨干教师至少 {result.required[1]} 人"
            )
            for m in result.moves:
                lines.append(
                    f"  {level_label(m.level)} {m.from_school} → {m.to_school}：{m.teachers} 人"
                    f"（骨干 {m.backbone} 人，体育艺术 {m.pe_art} 人）"
                )
            lines.append(
                f"  交流 {result.figures.rotated} 人，骨干教师 {result.figures.backbone_rotated} 人；"
                f"G11 {_g11_word(result.g11.passed)}"
            )
            lines.append("  差异系数（交流前 → 交流后，经评估引擎核算）：")
            lines += [f"    {level_label(lv)} {ind}：{_cv(b)} → {_cv(a)}" for lv, ind, b, a in cvs]
    if args.format == "json":
        sys.stdout.write(json.dumps({"standard": standard.name, "counties": out}, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _g11_word(passed: bool | None) -> str:
    return "达标" if passed else ("未达标" if passed is False else "无法判断")


def _cv(value: float | None) -> str:
    return "无法计算（均值为 0）" if value is None else f"{value:.3f}"
