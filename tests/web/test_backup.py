"""`junheng backup` and `junheng restore` through the real command: a populated demo with evidence files is
backed up, restored into an empty data folder and found identical, row by row and file by file.

The database is the kind the suite runs on: SQLite, or PostgreSQL when JUNHENG_DATABASE_URL points at one
(each test then makes and drops its own junheng_backup_* databases).
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("JUNHENG_DATABASE_URL", "")
ON_POSTGRESQL = SERVER_URL.startswith("postgres")
_names = itertools.count()


@dataclass(frozen=True)
class Place:
    """Where `junheng serve` would keep its data: a data folder, and a PostgreSQL database or the SQLite default."""

    data_dir: Path
    database_url: str | None

    def environment(self) -> dict[str, str]:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("JUNHENG_")}
        environ["JUNHENG_DATA_DIR"] = str(self.data_dir)
        if self.database_url:
            environ["JUNHENG_DATABASE_URL"] = self.database_url
        return environ


def junheng(place: Place, *args: str) -> subprocess.CompletedProcess[str]:
    """The `junheng` command, in a process of its own, with `place` as its environment."""
    return subprocess.run(
        [sys.executable, "-m", "junheng", *args],
        env=place.environment(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(SERVER_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(statement)


@pytest.fixture(scope="module")
def place_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Place]]:
    """Makes empty places (a fresh data folder, and a fresh database on PostgreSQL); drops them at the end."""
    made: list[str] = []

    def make(role: str) -> Place:
        data_dir = tmp_path_factory.mktemp(role)
        if not ON_POSTGRESQL:
            return Place(data_dir, None)
        name = f"junheng_backup_{role}_{os.getpid()}_{next(_names)}"
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _admin(f"CREATE DATABASE {name}")
        made.append(name)
        return Place(data_dir, f"{SERVER_URL.rsplit('/', 1)[0]}/{name}")

    yield make
    for name in made:
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def prepare_source() -> None:
    """(In a child process.) Migrate, load a small demo city and attach evidence files through the models."""
    from junheng.web import server

    server.setup()
    server.migrate()
    from django.core.files.base import ContentFile

    from junheng.web.assessment.models import Evidence, Judgement, VetoCheck
    from junheng.web.demo import load_demo
    from junheng.web.groups.models import Activity, ActivityEvidence
    from junheng.web.orgs.models import Organisation

    load_demo(counties=2, schools_per_county=10)
    county = Organisation.objects.filter(kind="county").order_by("path").first()
    assert county is not None
    judgement = Judgement.objects.create(county=county, year=2025, item_id="Q1", decision="pass", note="会议纪要为证")
    veto = VetoCheck.objects.create(county=county, year=2025, key="safety", applies=False)
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 300
    Evidence.objects.create(
        county=county, year=2025, judgement=judgement, file=ContentFile(pdf, name="会议纪要.pdf"), name="会议纪要.pdf"
    )
    Evidence.objects.create(  # the same name again: the storage keeps both
        county=county, year=2025, veto=veto, file=ContentFile(pdf[::-1], name="会议纪要.pdf"), name="会议纪要.pdf"
    )
    activity = Activity.objects.order_by("pk").first()
    assert activity is not None
    ActivityEvidence.objects.create(
        activity=activity, file=ContentFile(b"\xff\xd8\xff" + b"\x00" * 5000, name="送教照片.jpg"), name="送教照片.jpg"
    )


@dataclass(frozen=True)
class Contents:
    rows: dict[str, list[str]]  # every table's rows (and PostgreSQL's sequences), sorted
    files: dict[str, str]  # every file under MEDIA_ROOT: its SHA-256


def contents(place: Place) -> Contents:
    """What a place holds, read without junheng: every row of every table and every evidence file."""
    rows: dict[str, list[str]] = {}
    if place.database_url:
        import psycopg

        with psycopg.connect(place.database_url) as connection:
            tables = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
            for (table,) in tables:
                rows[table] = sorted(map(repr, connection.execute(f'SELECT * FROM "{table}"').fetchall()))
            sequences = connection.execute("SELECT sequencename, last_value FROM pg_sequences").fetchall()
            rows["(sequences)"] = sorted(map(repr, sequences))
    elif (place.data_dir / "junheng.sqlite3").exists():
        database = sqlite3.connect(place.data_dir / "junheng.sqlite3")
        for (table,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            rows[table] = sorted(map(repr, database.execute(f'SELECT * FROM "{table}"').fetchall()))
        database.close()
    media = place.data_dir / "media"
    files = {
        p.relative_to(media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (media.rglob("*") if media.is_dir() else [])
        if p.is_file()
    }
    return Contents(rows, files)


@pytest.fixture(scope="module")
def source(place_factory: Callable[[str], Place]) -> tuple[Place, Contents]:
    """A populated demo with three evidence files, and what it holds."""
    place = place_factory("source")
    prepared = subprocess.run(
        [sys.executable, "-c", "from tests.web.test_backup import prepare_source; prepare_source()"],
        env=place.environment(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert prepared.returncode == 0, prepared.stderr
    return place, contents(place)


@pytest.fixture(scope="module")
def archive(source: tuple[Place, Contents], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("backups") / "junheng.tar.gz"
    done = junheng(source[0], "backup", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"已备份到 {path}")
    assert "佐证材料 3 个文件" in done.stdout
    return path


def _manifest(path: Path) -> dict[str, object]:
    with tarfile.open(path, "r:gz") as tar:
        data = tar.extractfile("manifest.json").read()  # type: ignore[union-attr]
    document: dict[str, object] = json.loads(data)
    return document


def test_a_restored_backup_holds_every_row_and_every_evidence_file_of_the_demo(
    source: tuple[Place, Contents], archive: Path, place_factory: Callable[[str], Place]
) -> None:
    before = source[1]
    assert len(before.files) == 3 and len(before.rows["orgs_organisation"]) > 20
    manifest = _manifest(archive)
    assert manifest["database"]["kind"] == ("postgresql" if ON_POSTGRESQL else "sqlite")  # type: ignore[index]
    assert manifest["database"]["tables"]["collection_schoolrecord"] == len(before.rows["collection_schoolrecord"])  # type: ignore[index]
    assert manifest["database"]["migrations"]["orgs"] == "0002_township"  # type: ignore[index]
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}  # type: ignore[attr-defined]
    assert {f"media/{path}": sha for path, sha in before.files.items()}.items() <= listed.items()

    empty = place_factory("restored")
    done = junheng(empty, "restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert "佐证材料 3 个文件" in done.stdout
    assert "迁移" not in done.stdout  # the archive is as new as the code: nothing to migrate
    after = contents(empty)
    assert after.files == before.files
    assert after.rows.keys() == before.rows.keys()
    for table, rows in before.rows.items():
        assert after.rows[table] == rows, table


def test_restore_refuses_to_overwrite_existing_data_without_force(
    source: tuple[Place, Contents], archive: Path, place_factory: Callable[[str], Place]
) -> None:
    target = place_factory("occupied")
    (target.data_dir / "media" / "evidence").mkdir(parents=True)
    (target.data_dir / "media" / "evidence" / "以前的材料.pdf").write_bytes(b"kept")
    empty_database = contents(target).rows

    refused = junheng(target, "restore", str(archive))
    assert refused.returncode == 2
    assert f"佐证材料文件夹 {target.data_dir / 'media'} 已有 1 个文件" in refused.stderr
    assert "没有做任何改动。确认要替换时加上 --force" in refused.stderr
    assert contents(target) == Contents(empty_database, {"evidence/以前的材料.pdf": _sha(b"kept")})

    forced = junheng(target, "restore", "--force", str(archive))
    assert forced.returncode == 0, forced.stderr
    assert contents(target) == source[1]

    again = junheng(target, "restore", str(archive))
    assert again.returncode == 2
    assert "个表" in again.stderr and "已有 3 个文件" in again.stderr


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the PostgreSQL restore's single transaction")
def test_a_postgresql_restore_that_fails_half_way_leaves_the_database_as_it_was(
    source: tuple[Place, Contents], archive: Path, place_factory: Callable[[str], Place]
) -> None:
    import psycopg

    target = place_factory("half_way")
    assert junheng(target, "restore", str(archive)).returncode == 0
    assert target.database_url
    with psycopg.connect(target.database_url, autocommit=True) as connection:
        # A type named like a table of the dump: the restore's CREATE TABLE auth_group fails after every
        # table has been dropped, inside the restore's one transaction.
        connection.execute("ALTER TABLE auth_group RENAME TO auth_group_before")
        connection.execute("CREATE TYPE auth_group AS (name text)")
    before = contents(target)

    failed = junheng(target, "restore", "--force", str(archive))
    assert failed.returncode == 2
    assert "psql 失败" in failed.stderr
    assert contents(target) == before


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rewritten(archive: Path, change: dict[str, bytes]) -> Path:
    """The archive with some members' contents replaced (a well-formed tar.gz: only the checksums can tell)."""
    changed = archive.with_name(f"changed-{next(_names)}.tar.gz")
    with tarfile.open(archive, "r:gz") as old, tarfile.open(changed, "w:gz", format=tarfile.PAX_FORMAT) as new:
        for member in old:
            data = change.get(member.name) or old.extractfile(member).read()  # type: ignore[union-attr]
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return changed


def test_an_archive_with_one_byte_changed_is_refused_and_nothing_is_changed(
    source: tuple[Place, Contents], archive: Path
) -> None:
    place, before = source
    with tarfile.open(archive, "r:gz") as tar:
        name = next(m.name for m in tar if m.name.endswith("送教照片.jpg"))
        data = bytearray(tar.extractfile(name).read())  # type: ignore[union-attr]
    data[100] ^= 1
    refused = junheng(place, "restore", "--force", str(_rewritten(archive, {name: bytes(data)})))
    assert refused.returncode == 2
    assert f"{name} 的校验和与清单不符" in refused.stderr
    assert "没有恢复任何数据" in refused.stderr
    assert contents(place) == before
    assert not list(place.data_dir.glob(".junheng-restore-*"))


def test_an_archive_from_a_newer_junheng_is_refused(source: tuple[Place, Contents], archive: Path) -> None:
    place, before = source
    manifest = _manifest(archive)
    manifest["database"]["migrations"]["orgs"] = "0099_future"  # type: ignore[index]
    manifest["junheng_version"] = "9.0"
    newer = _rewritten(archive, {"manifest.json": json.dumps(manifest).encode()})
    refused = junheng(place, "restore", "--force", str(newer))
    assert refused.returncode == 2
    assert "由较新的 junheng（9.0）生成，其数据库迁移 orgs.0099_future" in refused.stderr
    assert "请先升级 junheng 再恢复" in refused.stderr
    assert contents(place) == before


@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs a PostgreSQL backup (the suite's PostgreSQL run)")
def test_a_postgresql_backup_is_not_restored_into_sqlite(archive: Path, tmp_path: Path) -> None:
    sqlite_place = Place(tmp_path, None)
    refused = junheng(sqlite_place, "restore", str(archive))
    assert refused.returncode == 2
    assert "是 PostgreSQL 数据库的备份，而当前配置的是 SQLite 数据库" in refused.stderr
    assert "不能跨数据库类型恢复" in refused.stderr
    assert not (tmp_path / "junheng.sqlite3").exists()


def test_an_archive_from_an_older_junheng_is_restored_and_then_migrated(
    archive: Path, place_factory: Callable[[str], Place], tmp_path: Path
) -> None:
    older = place_factory("older")
    assert junheng(older, "restore", str(archive)).returncode == 0
    environ = older.environment() | {"DJANGO_SETTINGS_MODULE": "junheng.web.settings"}
    back = [sys.executable, "-m", "django", "migrate", "assessment", "0001", "-v0"]
    assert subprocess.run(back, env=environ, capture_output=True, check=False, timeout=120).returncode == 0
    old_archive = tmp_path / "older.tar.gz"
    assert junheng(older, "backup", str(old_archive)).returncode == 0
    assert "assessment_problem" not in _manifest(old_archive)["database"]["tables"]  # type: ignore[index]

    fresh = place_factory("migrated")
    done = junheng(fresh, "restore", str(old_archive))
    assert done.returncode == 0, done.stderr
    assert "备份早于当前程序，已执行数据库迁移：assessment.0002_problem" in done.stdout
    assert "assessment_problem" in contents(fresh).rows


def test_backup_into_a_folder_names_the_file_by_time_and_never_overwrites_one(
    source: tuple[Place, Contents], archive: Path, tmp_path: Path
) -> None:
    place = source[0]
    kept = _sha(archive.read_bytes())
    refused = junheng(place, "backup", str(archive))
    assert refused.returncode == 2
    assert f"{archive} 已存在；备份不覆盖已有的文件" in refused.stderr
    assert _sha(archive.read_bytes()) == kept

    done = junheng(place, "backup", str(tmp_path))
    assert done.returncode == 0, done.stderr
    [written] = tmp_path.iterdir()
    assert re.fullmatch(r"junheng-backup-\d{8}-\d{6}\.tar\.gz", written.name)
    assert written.stat().st_mode & 0o777 == 0o600
    assert _manifest(written)["database"]["tables"] == _manifest(archive)["database"]["tables"]  # type: ignore[index]
