"""The `junheng` command: a thin layer that parses arguments and calls the rest."""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from junheng import __version__
from junheng.engine import Evaluation, evaluate
from junheng.io.errors import DataFileError
from junheng.io.reader import read_school_file
from junheng.plan import CostsError, PlanError
from junheng.standards import StandardError, builtin_standard_names, load_standard

DEFAULT_STANDARD = "national-2017"
SAMPLE_NAME = "sample-county.csv"
EXIT_INVALID = 2


class _ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with its complaints in Chinese; exits 2 like every invalid input."""

    _PATTERNS = (
        (re.compile(r"the following arguments are required: (.*)"), "缺少参数：{0}"),
        (
            re.compile(r"argument (\S+): invalid choice: '?([^' ]*)'? \(choose from (.*)\)"),
            "参数 {0} 的值“{1}”无效，应为：{2}",
        ),
        (re.compile(r"argument (\S+): invalid (\w+) value: '(.*)'"), "参数 {0} 的值“{2}”格式不对"),
        (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 需要一个值"),
        (re.compile(r"unrecognized arguments: (.*)"), "无法识别的参数：{0}"),
    )

    def error(self, message: str) -> NoReturn:
        for pattern, chinese in self._PATTERNS:
            match = pattern.search(message)
            if match:
                message = chinese.format(*match.groups())
                break
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, f"错误：{message}\n")


class _ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


def _parser(parent: Any, name: str | None = None, **kwargs: Any) -> argparse.ArgumentParser:
    """A (sub)parser whose own words are Chinese too: usage, headings and -h."""
    kwargs.setdefault("formatter_class", _ChineseHelpFormatter)
    parser: argparse.ArgumentParser = (
        _ChineseArgumentParser(add_help=False, **kwargs)
        if name is None
        else parent.add_parser(name, add_help=False, **kwargs)
    )
    parser._positionals.title = "参数"
    parser._optionals.title = "选项"
    parser.add_argument("-h", "--help", action="help", help="显示帮助并退出")
    return parser


class UsageError(Exception):
    """A command line that cannot be carried out; the message is for the user, in Chinese."""


def build_parser() -> argparse.ArgumentParser:
    parser = _parser(
        None, prog="junheng", description="县域义务教育优质均衡发展督导评估：按标准计算学校指标、差异系数与县域结论。"
    )
    parser.add_argument("--version", action="version", version=f"junheng {__version__}", help="显示版本并退出")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令", parser_class=_ChineseArgumentParser)

    ev = _parser(sub, "evaluate", help="评估学校数据文件（CSV 或 XLSX）的资源配置", description=_EVALUATE_HELP)
    ev.add_argument("file", type=Path, help="学校数据文件（CSV 或 XLSX，每校每年度一行）")
    _add_output_options(ev)

    pl_ = _parser(sub, "plan", help="制定使全县资源配置达标的最低费用规划", description=_PLAN_HELP)
    pl_.add_argument("file", type=Path, help="学校数据文件（CSV 或 XLSX，每校每年度一行）")
    pl_.add_argument(
        "--costs", type=Path, metavar="COSTS.csv", help="各类措施的单价（kind,unit_cost_yuan），覆盖标准中的默认值"
    )
    pl_.add_argument("--budget", type=float, metavar="YUAN", help="预算（元）：在预算内使尽可能多的学校学段达标")
    pl_.add_argument(
        "--target-year", type=int, metavar="YEAR", help="目标年度：按年级推算在校生到该年度，规划使全县在该年度达标"
    )
    pl_.add_argument(
        "--yearly-budget", type=float, metavar="YUAN", help="每年预算（元）：措施按费用从低到高分摊到目标年度前各年"
    )
    pl_.add_argument(
        "--entrants",
        type=Path,
        metavar="CSV",
        help="各校各年新生数（school_id,level,year,entrants），缺省按全县趋势推算",
    )
    _add_output_options(pl_)

    rot = _parser(
        sub, "rotation", help="制定本年度教师交流轮岗方案，或核查已交流情况（G11）", description=_ROTATION_HELP
    )
    rot.add_argument("file", type=Path, help="学校数据文件（CSV 或 XLSX，每校每年度一行）")
    rot.add_argument(
        "--standard", default=DEFAULT_STANDARD, help=f"评估标准名称或标准文件路径（默认 {DEFAULT_STANDARD}）"
    )
    rot.add_argument(
        "--eligible",
        type=Path,
        metavar="CSV",
        help="符合交流条件教师数（school_id,rotation_eligible_primary,rotation_eligible_junior[,township]）",
    )
    rot.add_argument("--max-out", type=int, metavar="N", help="每校每学段最多交流出的教师数")
    rot.add_argument("--max-in", type=int, metavar="N", help="每校每学段最多交流入的教师数")
    rot.add_argument(
        "--same-township", action="store_true", help="只在同一乡镇内交流（需在 --eligible 中给出 township）"
    )
    rot.add_argument(
        "--recorded",
        type=Path,
        metavar="CSV",
        help="已完成的交流（from_school_id,to_school_id,level,teachers,backbone）：核查 G11，不制定方案",
    )
    rot.add_argument("--format", choices=["table", "json"], default="table", help="输出格式")

    sample = _parser(sub, "sample", help="评估内置的示例县数据并输出结论", description=_SAMPLE_HELP)
    _add_output_options(sample)
    sample.add_argument("--write", type=Path, metavar="PATH", help="把示例数据文件复制到 PATH，不做评估")

    st = _parser(sub, "standards", help="列出可用的评估标准，或查看一个标准的指标与阈值")
    st.add_argument("name", nargs="?", help="标准名称或标准文件路径")

    demo = _parser(sub, "demo", help="启动演示平台：示范市数据、各角色演示账号，浏览器访问", description=_DEMO_HELP)
    demo.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    demo.add_argument(
        "--dir", type=Path, default=Path("junheng-demo"), help="演示数据库所在文件夹（默认 ./junheng-demo）"
    )

    serve = _parser(sub, "serve", help="以生产方式启动平台（设置取自环境变量）", description=_SERVE_HELP)
    serve.add_argument("--host", default="0.0.0.0", help="监听地址（默认 0.0.0.0）")
    serve.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    serve.add_argument("--workers", type=int, default=2, help="工作进程数（默认 2）")

    token = _parser(sub, "token", help="为用户生成新的接口令牌（API token）")
    token.add_argument("username", help="用户名")

    syn = _parser(sub, "synth", help="生成逼真的合成学校数据（县、省或全国规模）", description=_SYNTH_HELP)
    syn.add_argument("--scope", choices=["county", "province", "national"], default="county", help="规模")
    syn.add_argument("--counties", type=int, help="县区个数（覆盖 --scope 的默认值）")
    syn.add_argument("--years", default="2025", help="年度，逗号分隔，如 2023,2024,2025")
    syn.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
    syn.add_argument("--headers", choices=["zh", "en"], default="zh", help="表头语言")
    syn.add_argument("--out", type=Path, required=True, help="输出文件（.csv 或 .xlsx）")
    return parser


_EVALUATE_HELP = (
    "按所选标准评估文件中每个县区、每个年度的资源配置：每校每学段七项指标、学校达标规则、"
    "各指标按在校生加权的差异系数与县域结论。输入有误时列出全部问题（文件:行:列: 说明）并以 2 退出。"
)
_PLAN_HELP = (
    "为文件中每个县区、每个年度求出费用最低的一组措施（新建校舍和运动场、购置设备、新增多媒体教室、"
    "招聘教师、学历提升、培养骨干教师、教师交流），使所有学校达标、各差异系数不超过限值；结果经评估引擎验证。"
    "指定 --budget 时在预算内使尽可能多的学校学段达标。输入有误时以 2 退出。"
)
_ROTATION_HELP = (
    "按标准的 G11 规定（交流比例、骨干教师比例及其分母）安排本年度教师交流轮岗：交流人数取达标所需的最少人数，"
    "在同一学段内选择使 L1–L3 差异系数平方和最小的交流方案（HiGHS 求解），并用评估引擎核算交流前后的差异系数。"
    "符合交流条件的教师数缺省为各校高于规定学历教师数。指定 --recorded 时按已完成的交流核查 G11。输入有误时以 2 退出。"
)
_SAMPLE_HELP = "评估随软件附带的示例县（一个虚构县的 2025 年数据），用于快速上手。"
_DEMO_HELP = (
    "在 --dir 下建立（或沿用）SQLite 数据库并迁移，载入示范市（若干县区、三个年度的合成数据）和每个角色的"
    "演示账号（密码均为 junheng-demo，仅用于演示），在 127.0.0.1 上启动并打印登录信息。"
)
_SERVE_HELP = (
    "生产部署：数据库 JUNHENG_DATABASE_URL（sqlite:/// 或 postgresql://）、密钥 JUNHENG_SECRET_KEY、"
    "域名 JUNHENG_ALLOWED_HOSTS 取自环境变量；缺少密钥或使用默认密钥时拒绝启动。启动前自动执行数据库迁移。"
)
_SYNTH_HELP = "生成合成数据用于演示、测试和性能基准；学校类型、规模与资源分布接近真实情况。"


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--standard", default=DEFAULT_STANDARD, help=f"评估标准名称或标准文件路径（默认 {DEFAULT_STANDARD}）"
    )
    parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table", help="输出格式")
    parser.add_argument("--out", type=Path, help="输出文件；xlsx 格式必须指定")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "evaluate":
            return _evaluate(args.file, args)
        if args.command == "plan":
            return _plan(args.file, args)
        if args.command == "rotation":
            return _rotation(args.file, args)
        if args.command == "sample":
            return _sample(args)
        if args.command == "standards":
            return _standards(args.name)
        if args.command == "demo":
            return _demo(args.port, args.dir)
        if args.command == "serve":
            return _serve(args.host, args.port, args.workers)
        if args.command == "token":
            return _token(args.username)
        return _synth(args)
    except DataFileError as exc:
        for issue in exc.issues:
            print(issue.format(), file=sys.stderr)
        print(f"共发现 {len(exc.issues)} 个问题，请修改后重新提交。", file=sys.stderr)
        return EXIT_INVALID
    except CostsError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        print(f"共发现 {len(exc.issues)} 个问题，请修改后重新提交。", file=sys.stderr)
        return EXIT_INVALID
    except (StandardError, UsageError, PlanError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_INVALID


def _evaluate(path: Path, args: argparse.Namespace) -> int:
    if args.format == "xlsx" and args.out is None:
        raise UsageError("xlsx 格式需要用 --out 指定输出文件，例如 --out 评估结果.xlsx")
    standard = load_standard(args.standard)
    evaluation = evaluate(read_school_file(path, standard), standard)
    _emit(evaluation, args.format, args.out)
    return 0


def _plan(path: Path, args: argparse.Namespace) -> int:
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
                lines.append(f"    {p.year} 年：{p.cost:,.2f} 元；当年推算在校生下资源配置{verdict}")
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


def _rotation(path: Path, args: argparse.Namespace) -> int:
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


def _emit(evaluation: Evaluation, fmt: str, out: Path | None) -> None:
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


def _sample(args: argparse.Namespace) -> int:
    sample = resources.files("junheng").joinpath("samples", SAMPLE_NAME)
    with resources.as_file(sample) as path:
        if args.write is not None:
            shutil.copyfile(path, args.write)
            print(f"示例数据已写入 {args.write}", file=sys.stderr)
            return 0
        return _evaluate(path, args)


def _standards(name: str | None) -> int:
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


def _demo(port: int, data_dir: Path) -> int:
    import multiprocessing

    from junheng.web import server

    try:
        server.check_port("127.0.0.1", port)
    except server.ConfigurationError as exc:
        raise UsageError(str(exc)) from exc

    # The data is made in a fresh process: Polars' thread pool must not be running in the process
    # gunicorn forks its workers from, or the workers hang on their first evaluation.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        loaded, logins = pool.apply(_prepare_demo, (data_dir,))
    server.setup(demo_dir=data_dir)
    print(f"{'已载入' if loaded else '沿用'}演示数据：{data_dir.resolve()}", file=sys.stderr)
    from junheng.web.demo import DEMO_PASSWORD

    print(f"演示平台：http://127.0.0.1:{port}/  （所有演示账号的密码：{DEMO_PASSWORD}，仅用于演示）")
    for username, role, organisation in logins:
        print(f"  {username:<16} {role}：{organisation}")
    sys.stdout.flush()
    server.serve(host="127.0.0.1", port=port, workers=1)
    return 0


def _prepare_demo(data_dir: Path) -> tuple[bool, list[tuple[str, str, str]]]:
    """Migrate the demo database and load the demo city (run in a child process)."""
    from junheng.web import server

    server.setup(demo_dir=data_dir)
    server.migrate()
    from junheng.web.demo import demo_logins, load_demo

    loaded = load_demo()
    return loaded, [(login.username, login.role, login.organisation) for login in demo_logins()]


def _serve(host: str, port: int, workers: int) -> int:
    from junheng.web import server

    server.setup()
    try:
        server.check_production()
        server.check_port(host, port)
    except server.ConfigurationError as exc:
        raise UsageError(str(exc)) from exc
    server.migrate()
    server.serve(host=host, port=port, workers=workers)
    return 0


def _token(username: str) -> int:
    from junheng.web import server

    server.setup()
    from junheng.web.api.tokens import TokenError, issue_token

    try:
        print(issue_token(username=username))
    except TokenError as exc:
        raise UsageError(str(exc)) from exc
    return 0


def _synth(args: argparse.Namespace) -> int:
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
