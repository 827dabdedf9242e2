"""Writing a backup archive (tar.gz: the files, then manifest.json) and reading one back, verified.

Reading extracts into a staging folder and checks every file against the manifest (size and SHA-256, no file
missing, none extra); the caller touches existing data only after it returned.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import os
import tarfile
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from junheng.web.backup.manifest import MANIFEST_NAME, BackupError, FileEntry, Manifest, is_member_path

CHUNK = 1 << 20
# A manifest lists files by the thousand; anything far larger is not one.
MANIFEST_LIMIT = 64 << 20
GZIP_MAGIC = b"\x1f\x8b"
DAMAGED = "备份文件 {source} 已损坏（压缩包不完整或被改动），没有恢复任何数据；请换用另一份备份"


class _Hashing:
    """A file read through SHA-256, for tarfile to copy from."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1, /) -> bytes:
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


def write_archive(destination: Path, members: Sequence[tuple[str, Path]], manifest: Manifest) -> Manifest:
    """Write `members` (path in the archive, file on disk) and then the manifest, with their checksums, to
    `destination`; the manifest as written is returned. A partial archive never takes the destination's name."""
    partial = destination.with_name(f".{destination.name}.partial")
    entries: list[FileEntry] = []
    try:
        # Owner-only from the start: the archive holds password hashes and people's data.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with (
            os.fdopen(descriptor, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as archive,
        ):
            for name, path in members:
                entries.append(_add_file(archive, name, path))
            written = dataclasses.replace(manifest, files=tuple(entries))
            document = written.to_json()
            info = tarfile.TarInfo(MANIFEST_NAME)
            info.size, info.mode, info.mtime = len(document), 0o644, time.time()
            archive.addfile(info, io.BytesIO(document))
        os.replace(partial, destination)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"无法写入备份文件 {destination}：{exc.strerror or exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> FileEntry:
    try:
        stream = path.open("rb")
    except FileNotFoundError as exc:
        raise BackupError(f"文件 {path} 在备份过程中被删除，请重新备份") from exc
    with stream:
        status = os.fstat(stream.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = status.st_size, 0o644, status.st_mtime
        reader = _Hashing(stream)
        try:
            archive.addfile(info, reader)
        except OSError as exc:
            if os.fstat(stream.fileno()).st_size < info.size:  # tarfile's "unexpected end of data": it shrank
                raise BackupError(f"文件 {path} 在备份过程中被改动，请重新备份") from exc
            raise
    return FileEntry(name, reader.size, reader.digest.hexdigest())


def read_archive(source: Path, staging: Path) -> Manifest:
    """Extract the archive at `source` into `staging` and verify it; BackupError when it is damaged or foreign."""
    if not source.is_file():
        raise BackupError(f"找不到备份文件 {source}")
    found: dict[str, FileEntry] = {}
    manifest_data: bytes | None = None
    try:
        with _open(source) as archive:
            for member in archive:
                if member.name == MANIFEST_NAME and member.isfile() and manifest_data is None:
                    if member.size > MANIFEST_LIMIT:
                        raise BackupError(f"{source} 不是 junheng 的备份文件（{MANIFEST_NAME} 过大）")
                    manifest_data = _read_member(archive, member)
                elif member.isfile() and is_member_path(member.name) and member.name not in found:
                    found[member.name] = _extract(archive, member, staging)
                else:
                    raise BackupError(f"{source} 不是 junheng 的备份文件（含有意外的内容 {member.name}）")
            # tarfile stops quietly at a damaged header; gzip checks its CRC only at the end of the stream.
            assert archive.fileobj is not None
            while archive.fileobj.read(CHUNK):
                pass
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise BackupError(DAMAGED.format(source=source)) from exc
    if manifest_data is None:
        raise BackupError(f"{source} 不是 junheng 的备份文件（缺少 {MANIFEST_NAME}）")
    manifest = Manifest.from_json(manifest_data, archive=str(source))
    _verify(source, manifest, found)
    return manifest


def _open(source: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(source, "r:gz")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        with source.open("rb") as stream:
            if stream.read(len(GZIP_MAGIC)) == GZIP_MAGIC:
                raise BackupError(DAMAGED.format(source=source)) from exc
        raise BackupError(f"{source} 不是 junheng 的备份文件（不是 tar.gz 压缩包）") from exc


def _read_member(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    stream = archive.extractfile(member)
    assert stream is not None  # a regular file
    return stream.read()


def _extract(archive: tarfile.TarFile, member: tarfile.TarInfo, staging: Path) -> FileEntry:
    stream = archive.extractfile(member)
    assert stream is not None  # a regular file
    target = staging.joinpath(*member.name.split("/"))
    digest, size = hashlib.sha256(), 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except OSError as exc:
        if isinstance(exc, gzip.BadGzipFile):
            raise
        raise BackupError(f"无法写入临时文件夹 {staging}：{exc.strerror or exc}（磁盘空间是否足够？）") from exc
    return FileEntry(member.name, size, digest.hexdigest())


def _verify(source: Path, manifest: Manifest, found: dict[str, FileEntry]) -> None:
    """Every file of the manifest present with its size and checksum, and nothing else."""
    listed = {entry.path: entry for entry in manifest.files}
    missing = sorted(listed.keys() - found.keys())
    if missing:
        raise BackupError(
            f"备份文件 {source} 不完整：缺少清单中的 {missing[0]} 等 {len(missing)} 个文件；请换用另一份备份"
        )
    extra = sorted(found.keys() - listed.keys())
    if extra:
        raise BackupError(f"备份文件 {source} 已被改动：{extra[0]} 等 {len(extra)} 个文件不在清单中；请换用另一份备份")
    for path, entry in sorted(listed.items()):
        actual = found[path]
        if (actual.size, actual.sha256) != (entry.size, entry.sha256):
            raise BackupError(
                f"备份文件 {source} 已损坏：{path} 的校验和与清单不符"
                f"（清单 {entry.size} 字节 SHA-256 {entry.sha256[:12]}…，"
                f"实际 {actual.size} 字节 {actual.sha256[:12]}…）；没有恢复任何数据，请换用另一份备份"
            )
