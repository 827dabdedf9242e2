"""The manifest of a backup archive: what it holds, where it came from, and every file's size and SHA-256."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

FORMAT = "junheng-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATABASE_DIR = "database"
MEDIA_DIR = "media"
DATABASE_KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore that cannot be carried out; the message is for the operator, in Chinese."""


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One file of the archive: its path inside it (database/… or media/…), size in bytes and SHA-256."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a backup holds. `migrations` is the latest applied migration per app; `tables` the rows per table."""

    created_at: str
    junheng_version: str
    database_kind: str
    database_file: str
    migrations: dict[str, str]
    tables: dict[str, int]
    files: tuple[FileEntry, ...]

    @property
    def media_files(self) -> tuple[FileEntry, ...]:
        return tuple(f for f in self.files if f.path.startswith(f"{MEDIA_DIR}/"))

    def to_json(self) -> bytes:
        document = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "junheng_version": self.junheng_version,
            "database": {
                "kind": self.database_kind,
                "file": self.database_file,
                "migrations": self.migrations,
                "tables": self.tables,
            },
            "files": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in self.files],
        }
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes, *, archive: str) -> Manifest:
        """The manifest read back; BackupError naming `archive` when it is not one junheng wrote."""
        foreign = BackupError(f"{archive} 不是 junheng 的备份文件（其中的 {MANIFEST_NAME} 无法识别）")
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise foreign from exc
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise foreign
        version = document.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise BackupError(
                f"{archive} 的备份格式版本为 {version}，本程序只能读取版本 {FORMAT_VERSION}；"
                f"请安装生成该备份的 junheng（{document.get('junheng_version')}）或更新的版本后再恢复"
            )
        try:
            database = document["database"]
            manifest = cls(
                created_at=_text(document["created_at"]),
                junheng_version=_text(document["junheng_version"]),
                database_kind=_text(database["kind"]),
                database_file=_text(database["file"]),
                migrations={_text(k): _text(v) for k, v in database["migrations"].items()},
                tables={_text(k): _count(v) for k, v in database["tables"].items()},
                files=tuple(
                    FileEntry(_text(f["path"]), _count(f["size"]), _text(f["sha256"])) for f in document["files"]
                ),
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise foreign from exc
        paths = [f.path for f in manifest.files]
        if (
            manifest.database_kind not in DATABASE_KINDS
            or manifest.database_file not in paths
            or len(set(paths)) != len(paths)
            or not all(is_member_path(p) for p in paths)
        ):
            raise foreign
        return manifest


def is_member_path(path: str) -> bool:
    """A file path an archive may hold: relative, normalised, under database/ or media/ (never `..`)."""
    parts = PurePosixPath(path).parts
    return (
        len(parts) >= 2
        and parts[0] in (DATABASE_DIR, MEDIA_DIR)
        and "/".join(parts) == path
        and not any(part in ("", ".", "..") or "\\" in part for part in parts)
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(value)
    return value
