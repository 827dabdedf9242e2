"""Dumping and loading the database: SQLite through its online backup API, PostgreSQL through pg_dump/pg_restore.

A dump is taken from one consistent state of the database, and the migration state and row counts recorded
in the manifest are read from that same state (the SQLite copy itself; PostgreSQL's exported snapshot).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from junheng.web.backup.manifest import DATABASE_KINDS, BackupError

ENGINES = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}
DUMP_NAMES = {"sqlite": "junheng.sqlite3", "postgresql": "junheng.pgdump"}
# libpq reads these from the environment: nothing of the connection goes on a command line.
LIBPQ_ENVIRONMENT = {
    "HOST": "PGHOST",
    "PORT": "PGPORT",
    "USER": "PGUSER",
    "PASSWORD": "PGPASSWORD",
    "NAME": "PGDATABASE",
}
LIBPQ_OPTIONS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY"}
POSTGRESQL_BINARIES = Path("/usr/lib/postgresql")


@dataclass(frozen=True, slots=True)
class Dump:
    """A database dumped to `path`, with the migration state and row counts of the state it holds."""

    kind: str
    path: Path
    migrations: dict[str, str]
    tables: dict[str, int]


def database_kind(connection: BaseDatabaseWrapper) -> str:
    """ "sqlite" or "postgresql"; BackupError for any other database."""
    kind = ENGINES.get(connection.settings_dict["ENGINE"])
    if kind is None:
        raise BackupError(f"不支持备份这种数据库：{connection.settings_dict['ENGINE']}（只支持 SQLite 和 PostgreSQL）")
    return kind


def describe(connection: BaseDatabaseWrapper) -> str:
    """The database as an operator knows it: the SQLite file, or PostgreSQL's database at its host."""
    settings = connection.settings_dict
    if database_kind(connection) == "sqlite":
        return f"SQLite 数据库 {settings['NAME']}"
    host, port = settings.get("HOST") or "localhost", settings.get("PORT") or 5432
    return f"PostgreSQL 数据库 {settings['NAME']}（{host}:{port}）"


def dump_database(connection: BaseDatabaseWrapper, folder: Path) -> Dump:
    """Dump the database into `folder` from one consistent state, while the server may be running."""
    kind = database_kind(connection)
    path = folder / DUMP_NAMES[kind]
    if kind == "sqlite":
        return _dump_sqlite(Path(connection.settings_dict["NAME"]), path)
    return _dump_postgresql(connection, path)


def _dump_sqlite(database: Path, path: Path) -> Dump:
    if not database.is_file():
        raise BackupError(
            f"找不到 SQLite 数据库文件 {database}；请按 junheng serve 使用的设置 JUNHENG_DATA_DIR 或 "
            "JUNHENG_DATABASE_URL 运行备份"
        )
    try:
        _sqlite_copy(database, path)
        copy = sqlite3.connect(path)
        try:
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            tables = [
                name
                for (name,) in copy.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            counts = {table: copy.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}
            applied = []
            if "django_migrations" in counts:
                applied = copy.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
        finally:
            copy.close()
    except sqlite3.Error as exc:
        raise BackupError(f"无法读取 SQLite 数据库 {database}：{exc}（数据库正忙时请稍后重试）") from exc
    migrations = _latest(applied)
    return Dump("sqlite", path, migrations, counts)


def _dump_postgresql(connection: BaseDatabaseWrapper, path: Path) -> Dump:
    pg_dump = _client_program("pg_dump")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # pg_dump dumps the snapshot this transaction exports, so the counts below describe exactly the dump.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={path}"],
            connection.settings_dict,
            "pg_dump",
        )
        counts = _counts(connection, cursor)
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = _latest(cursor.fetchall())
    return Dump("postgresql", path, migrations, counts)


def stored_rows(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """The tables the database holds and their rows (nothing for an SQLite file that does not exist yet)."""
    if database_kind(connection) == "sqlite" and not Path(connection.settings_dict["NAME"]).is_file():
        return {}
    with connection.cursor() as cursor:
        return _counts(connection, cursor)


def load_database(connection: BaseDatabaseWrapper, dump: Path) -> None:
    """Replace everything the database holds with the dump (which the caller has verified)."""
    if database_kind(connection) == "sqlite":
        connection.close()
        database = Path(connection.settings_dict["NAME"])
        database.parent.mkdir(parents=True, exist_ok=True)
        try:
            _sqlite_copy(dump, database)  # one transaction on the target: all of the dump or nothing
        except sqlite3.Error as exc:
            raise BackupError(f"无法写入 SQLite 数据库 {database}：{exc}（请先停止平台再恢复）") from exc
        return
    _load_postgresql(connection, dump)


def _load_postgresql(connection: BaseDatabaseWrapper, dump: Path) -> None:
    """Drop every table and restore the dump in ONE transaction (psql --single-transaction), so that a restore
    that fails half-way leaves the database exactly as it was, tables and rows."""
    pg_restore, psql = _client_program("pg_restore"), _client_program("psql")
    settings = connection.settings_dict
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    connection.close()
    with tempfile.TemporaryDirectory(prefix="junheng-restore-") as folder:
        drops, script = Path(folder) / "drop.sql", Path(folder) / "restore.sql"
        drops.write_text(
            "".join(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE;\n" for table in tables),
            encoding="utf-8",
        )
        # The dump as SQL first: an unreadable dump fails here, before anything is dropped.
        _run([pg_restore, "--no-owner", "--no-privileges", f"--file={script}", str(dump)], settings, "pg_restore")
        _run(
            [psql, "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
             f"--dbname={settings['NAME']}", f"--file={drops}", f"--file={script}"],
            settings,
            "psql",
        )  # fmt: skip


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database onto another through the online backup API (a consistent state of `source`)."""
    reader, writer = sqlite3.connect(source), sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def _counts(connection: BaseDatabaseWrapper, cursor: Any) -> dict[str, int]:
    counts = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _latest(applied: list[tuple[str, str]]) -> dict[str, str]:
    """The last migration applied per app, from the applied ones in the order they were applied."""
    return dict(sorted(dict(applied).items()))


def _client_program(name: str) -> str:
    """pg_dump, pg_restore or psql: on PATH, else the newest Debian installs under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(POSTGRESQL_BINARIES.glob(f"*/bin/{name}"), key=lambda p: _version(p.parts[-3]))
    if versions:
        return str(versions[-1])
    raise BackupError(
        f"找不到 PostgreSQL 的客户端程序 {name}：备份和恢复 {DATABASE_KINDS['postgresql']} 数据库需要它。"
        "请安装（Debian：apt-get install postgresql-client，版本不低于数据库服务器），"
        "或把它所在的文件夹加入 PATH"
    )


def _version(folder: str) -> tuple[int, ...]:
    return tuple(int(part) for part in folder.split(".") if part.isdigit())


def _run(command: list[str], settings: Mapping[str, Any], program: str) -> None:
    environment = dict(os.environ)
    for key, variable in LIBPQ_ENVIRONMENT.items():
        if settings.get(key):
            environment[variable] = str(settings[key])
    for key, variable in LIBPQ_OPTIONS.items():
        if settings.get("OPTIONS", {}).get(key):
            environment[variable] = str(settings["OPTIONS"][key])
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{program} 失败（退出码 {done.returncode}）：{done.stderr.strip()}")
