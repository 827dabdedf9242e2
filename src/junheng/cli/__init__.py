"""The `junheng` command: a thin layer that parses arguments and calls the rest."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from junheng.cli.assessment import command_assess
from junheng.cli.evaluation import command_evaluate, command_sample, command_standards, command_synth
from junheng.cli.parser import EXIT_INVALID, UsageError, build_parser
from junheng.cli.planning import command_plan, command_rotation
from junheng.cli.platform import command_backup, command_demo, command_restore, command_serve, command_token
from junheng.cli.stats import command_stats_import
from junheng.io.errors import DataFileError
from junheng.plan import CostsError, PlanError
from junheng.standards import StandardError
from junheng.stats import LayoutError


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit code: 0 when the command ran, 2 for invalid input."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "evaluate":
            return command_evaluate(args.file, args)
        if args.command == "assess":
            return command_assess(args.file, args)
        if args.command == "stats-import":
            return command_stats_import(args)
        if args.command == "plan":
            return command_plan(args.file, args)
        if args.command == "rotation":
            return command_rotation(args.file, args)
        if args.command == "sample":
            return command_sample(args)
        if args.command == "standards":
            return command_standards(args.name)
        if args.command == "demo":
            return command_demo(args.port, args.dir)
        if args.command == "serve":
            return command_serve(args.host, args.port, args.workers)
        if args.command == "backup":
            return command_backup(args.path)
        if args.command == "restore":
            return command_restore(args.path, args.force)
        if args.command == "token":
            return command_token(args.username)
        return command_synth(args)
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
    except (StandardError, UsageError, PlanError, LayoutError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_INVALID
