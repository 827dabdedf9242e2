"""`junheng backup` and `junheng restore`: the database and the evidence files as `junheng serve` finds them."""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from junheng import __version__
from junheng.web.backup.archive import read_archive, write_archive
from junheng.web.backup.databases import database_kind, describe, dump_database, load_database, stored_rows
from junheng.web.backup.manifest import DATABASE_DIR, DATABASE_KINDS, MEDIA_DIR, BackupError, Manifest


@dataclass(frozen=True, slots=True)
class Restored:
    """A restore done: the archive's manifest and the migrations applied after it (for an older archive)."""

    manifest: Manifest
    migrated: tuple[str, ...]


def create_backup(destination: Path) -> tuple[Path, Manifest]:
    """Back up the database and MEDIA_ROOT into one archive at `destination` (or a new file in that folder)."""
    connection = connections[DEFAULT_DB_ALIAS]
    path = _archive_path(destination)
    media_root = Path(settings.MEDIA_ROOT)
    with _reported(connection), tempfile.TemporaryDirectory(dir=path.parent, prefix=".junheng-backup-") as work:
        dump = dump_database(connection, Path(work))
        # After the database: every file its rows name was written before the row, so it is here.
        media = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
        members = [(f"{DATABASE_DIR}/{dump.path.name}", dump.path)]
        members += [(f"{MEDIA_DIR}/{p.relative_to(media_root).as_posix()}", p) for p in media]
        manifest = Manifest(
            created_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            junheng_version=__version__,
            database_kind=dump.kind,
            database_file=members[0][0],
            migrations=dump.migrations,
            tables=dump.tables,
            files=(),
        )
        return path, write_archive(path, members, manifest)


@contextlib.contextmanager
def _reported(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """The database's own errors (unreachable server, wrong password, missing database) told as the operator's."""
    try:
        yield
    except DatabaseError as exc:
        raise BackupError(
            f"无法访问 {describe(connection)}：{str(exc).strip()}；请检查 JUNHENG_DATABASE_URL 和数据库服务"
        ) from exc


def _archive_path(destination: Path) -> Path:
    path = destination
    if destination.is_dir():
        path = destination / f"junheng-backup-{datetime.datetime.now():%Y%m%d-%H%M%S}.tar.gz"
    if path.exists():
        raise BackupError(f"{path} 已存在；备份不覆盖已有的文件，请换一个文件名，或给出一个文件夹")
    if not path.parent.is_dir():
        raise BackupError(f"文件夹 {path.parent} 不存在；请先建立它")
    return path


def restore_backup(source: Path, *, force: bool) -> Restored:
    """Restore an archive into the configured database and MEDIA_ROOT, after verifying all of it.

    Refuses, before changing anything, a damaged or foreign archive, one of another database kind or from a
    newer junheng, and (without `force`) a database or media folder that already holds data. Migrations the
    archive predates are applied afterwards.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    kind = database_kind(connection)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with _reported(connection), tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".junheng-restore-") as work:
        if not force:  # before reading a large archive: the answer does not depend on it
            _refuse_existing_data(connection, media_root)
        staging = Path(work) / "archive"
        manifest = read_archive(source, staging)
        if manifest.database_kind != kind:
            raise BackupError(
                f"{source} 是 {DATABASE_KINDS[manifest.database_kind]} 数据库的备份，而当前配置的是 "
                f"{describe(connection)}：不能跨数据库类型恢复。请恢复到同类数据库"
                "（JUNHENG_DATABASE_URL），再按 docs/deployment.md 迁移数据"
            )
        _refuse_unknown_migrations(source, manifest)
        load_database(connection, staging / manifest.database_file)
        _replace_media(staging / MEDIA_DIR, media_root, Path(work) / "replaced")
        return Restored(manifest, _migrate())


def _refuse_unknown_migrations(source: Path, manifest: Manifest) -> None:
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, name in manifest.migrations.items() if (app, name) not in known]
    if unknown:
        raise BackupError(
            f"{source} 由较新的 junheng（{manifest.junheng_version}）生成，其数据库迁移 {'、'.join(unknown)} "
            f"在当前安装的 junheng（{__version__}）中不存在；请先升级 junheng 再恢复"
        )


def _refuse_existing_data(connection: BaseDatabaseWrapper, media_root: Path) -> None:
    tables = stored_rows(connection)
    files = sum(1 for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else 0
    found = []
    if tables:
        found.append(f"{describe(connection)}中已有 {len(tables)} 个表、{sum(tables.values()):,} 行数据")
    if files:
        found.append(f"佐证材料文件夹 {media_root} 已有 {files} 个文件")
    if found:
        raise BackupError(
            f"{'；'.join(found)}。恢复会用备份替换它们，没有做任何改动。"
            "确认要替换时加上 --force（建议先用 junheng backup 备份现有数据）"
        )


def _replace_media(restored: Path, media_root: Path, replaced: Path) -> None:
    """Put the restored media folder in the place of the existing one (renames within the data folder)."""
    restored.mkdir(parents=True, exist_ok=True)
    if media_root.exists():
        os.replace(media_root, replaced)
    os.replace(restored, media_root)
    shutil.rmtree(replaced, ignore_errors=True)


def _migrate() -> tuple[str, ...]:
    """Apply the migrations of the installed junheng that the restored database predates."""
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
    return tuple(f"{m.app_label}.{m.name}" for m, _ in plan)
