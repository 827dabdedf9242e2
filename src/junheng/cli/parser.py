"""The `junheng` command line: its parser, in Chinese down to argparse's own words."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

from junheng import __version__

DEFAULT_STANDARD = "national-2017"


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

    asx = _parser(sub, "assess", help="按四个维度和一票否决项给出县域督导评估结论", description=_ASSESS_HELP)
    asx.add_argument("file", type=Path, help="学校数据文件（CSV 或 XLSX，每校每年度一行）")
    asx.add_argument("--figures", type=Path, metavar="FILE", help="县级评估数据（figure,value[,county,year]）")
    asx.add_argument(
        "--decisions", type=Path, metavar="FILE", help="认定结果与一票否决项核查（item,decision[,note,county,year]）"
    )
    asx.add_argument(
        "--survey",
        type=Path,
        metavar="FILE",
        help="社会认可度调查的发放、回收与各选项人数（issued,responses,非常满意…）",
    )
    asx.add_argument(
        "--standard", default=DEFAULT_STANDARD, help=f"评估标准名称或标准文件路径（默认 {DEFAULT_STANDARD}）"
    )
    asx.add_argument("--format", choices=["table", "json"], default="table", help="输出格式")
    asx.add_argument("--out", type=Path, metavar="PATH", help="写入文件而不是屏幕")

    si = _parser(sub, "stats-import", help="读取教育事业统计报表，生成学校数据文件", description=_STATS_IMPORT_HELP)
    si.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="统计报表工作簿（.xlsx）、文件夹或 .zip 压缩包")
    si.add_argument("--year", type=int, metavar="YEAR", help="年度（缺省取封面或标题中“YYYY/YYYY 学年初”的第一个年份）")
    si.add_argument(
        "--layout", metavar="NAME|FILE", help="统计表格式名称（jiben-2020、jiaoji-2021）或格式文件；缺省按表号自动选择"
    )
    si.add_argument("--county", metavar="NAME", help="县区名称（缺省取统计表中的所在县区或属地管理教育行政部门名称）")
    si.add_argument("--out", type=Path, required=True, metavar="DATA.xlsx", help="写出的学校数据文件（附数据来源）")

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

    backup = _parser(sub, "backup", help="把数据库和上传的佐证材料备份到一个文件", description=_BACKUP_HELP)
    backup.add_argument(
        "path", type=Path, help="备份文件（.tar.gz，不覆盖已有文件），或存放备份的文件夹（文件名按时间生成）"
    )

    restore = _parser(sub, "restore", help="从备份文件恢复数据库和佐证材料", description=_RESTORE_HELP)
    restore.add_argument("path", type=Path, help="junheng backup 生成的备份文件")
    restore.add_argument("--force", action="store_true", help="已有数据时仍然恢复：用备份替换现有的数据库和佐证材料")

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


_ASSESS_HELP = (
    "按所选标准评估文件中每个县区、每个年度的四个维度（资源配置、政府保障程度、教育质量、社会认可度）和一票否决项，"
    "每项为达标、未达标或待判定（缺数据、认定或核查）。县级数据、认定结果和调查结果由各选项的文件给出，未给出的项目为待判定。"
    "输入有误时列出全部问题（文件:行:列: 说明）并以 2 退出。"
)


_STATS_IMPORT_HELP = (
    "按表号、行标签和表头找出每所学校的各项数据（不按单元格位置），支持每校一个工作簿（工作表以表号命名）"
    "和县级汇总宽表（每学段一个文件），基础基与教基两代表号。写出 junheng evaluate 可读的数据文件，"
    "附“数据来源”（每项数据的文件、工作表、单元格、行、列和原始值）和“待补填”工作表；"
    "屏幕上列出每校读到的项目、待补填的项目和不计校数的教学点。"
    "数据无法使用时（缺表、找不到标签、数值格中有文字）列出全部问题（文件:工作表:单元格: 说明），不写文件，以 2 退出。"
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
    "演示账号（密码均为 junheng-demo，仅用于演示），在 127.0.0.1 上启动（连同生成报告、求解规划的"
    "后台任务程序）并打印登录信息。"
)


_SERVE_HELP = (
    "生产部署：数据库 JUNHENG_DATABASE_URL（sqlite:/// 或 postgresql://）、密钥 JUNHENG_SECRET_KEY、"
    "域名 JUNHENG_ALLOWED_HOSTS 取自环境变量；缺少密钥或使用默认密钥时拒绝启动。启动前自动执行数据库迁移；"
    "同时启动生成报告、求解规划的后台任务程序，随平台一起停止。"
)


_BACKUP_HELP = (
    "按 junheng serve 的设置（JUNHENG_DATABASE_URL、JUNHENG_DATA_DIR）把数据库和佐证材料文件夹备份到一个 tar.gz 文件，"
    "附清单（manifest.json：数据库迁移状态、各表行数、每个文件的大小和 SHA-256）。平台运行时也可备份："
    "SQLite 用其在线备份接口，PostgreSQL 用 pg_dump。"
)


_RESTORE_HELP = (
    "先核对备份文件中每个文件的校验和，再把数据库和佐证材料恢复到 junheng serve 使用的位置；恢复前请停止平台。"
    "数据库或佐证材料文件夹已有数据时不恢复，除非指定 --force。只能恢复到同类数据库（SQLite 或 PostgreSQL）；"
    "备份早于当前程序时恢复后自动执行数据库迁移。"
)


_SYNTH_HELP = "生成合成数据用于演示、测试和性能基准；学校类型、规模与资源分布接近真实情况。"


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--standard", default=DEFAULT_STANDARD, help=f"评估标准名称或标准文件路径（默认 {DEFAULT_STANDARD}）"
    )
    parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table", help="输出格式")
    parser.add_argument("--out", type=Path, help="输出文件；xlsx 格式必须指定")
