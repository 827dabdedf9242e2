"""`junheng demo`, `serve` and `token`: the Django platform."""

from __future__ import annotations

import sys
from pathlib import Path

from junheng.cli.parser import UsageError


def command_demo(port: int, data_dir: Path) -> int:
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


def command_serve(host: str, port: int, workers: int) -> int:
    from junheng.web import server

    server.setup(production=True)
    try:
        server.check_production()
        server.check_port(host, port)
    except server.ConfigurationError as exc:
        raise UsageError(str(exc)) from exc
    server.migrate()
    server.serve(host=host, port=port, workers=workers)
    return 0


def command_token(username: str) -> int:
    from junheng.web import server

    server.setup()
    from junheng.web.api.tokens import TokenError, issue_token

    try:
        print(issue_token(username=username))
    except TokenError as exc:
        raise UsageError(str(exc)) from exc
    return 0
