"""`junheng demo`, `serve`, `backup`, `restore` and `token`: the Django platform."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from junheng.cli.parser import UsageError

if TYPE_CHECKING:
    from junheng.web.backup.manifest import Manifest


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
    with server.task_worker():
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
    with server.task_worker():
        server.serve(host=host, port=port, workers=workers)
    return 0


def command_backup(path: Path) -> int:
    from junheng.web import server

    server.setup()
    from junheng.web.backup.manifest import DATABASE_KINDS, BackupError
    from junheng.web.backup.service import create_backup

    try:
        written, manifest = create_backup(path)
    except BackupError as exc:
        raise UsageError(str(exc)) from exc
    kind = DATABASE_KINDS[manifest.database_kind]
    print(f"已备份到 {written}（{written.stat().st_size:,} 字节）：{kind} {_contents(manifest)}")
    return 0


def command_restore(path: Path, force: bool) -> int:
    from junheng.web import server

    server.setup()
    from junheng.web.backup.manifest import BackupError
    from junheng.web.backup.service import restore_backup

    try:
        restored = restore_backup(path, force=force)
    except BackupError as exc:
        raise UsageError(str(exc)) from exc
    manifest = restored.manifest
    print(f"已从 {path} 恢复 {manifest.created_at} 的备份（junheng {manifest.junheng_version}）：{_contents(manifest)}")
    if restored.migrated:
        print(f"备份早于当前程序，已执行数据库迁移：{'、'.join(restored.migrated)}")
    return 0


def _contents(manifest: Manifest) -> str:
    tables, rows, files = len(manifest.tables), sum(manifest.tables.values()), len(manifest.media_files)
    return f"数据库 {tables} 个表、{rows:,} 行，佐证材料 {files} 个文件"


def command_token(username: str) -> int:
    from junheng.web import server

    server.setup()
    from junheng.web.api.tokens import TokenError, issue_token

    try:
        print(issue_token(username=username))
    except TokenError as exc:
        raise UsageError(str(exc)) from exc
    return 0
