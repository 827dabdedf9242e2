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
    _add_output_options(pl_)

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
