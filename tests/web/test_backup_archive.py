"""The backup archive on its own: what goes in comes back, and a damaged or foreign archive is refused whole."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
from pathlib import Path

import pytest

from junheng.web.backup.archive import read_archive, write_archive
from junheng.web.backup.manifest import BackupError, Manifest

EVIDENCE = {
    "media/evidence/3/2025/会议纪要.pdf": b"%PDF-1.4 \x00\xff" * 100,
    "media/groups/activities/7/活动照片.jpg": bytes(range(256)) * 40,
}


def _manifest() -> Manifest:
    return Manifest(
        created_at="2026-12-04T05:00:00+00:00",
        junheng_version="0.1.0",
        database_kind="sqlite",
        database_file="database/junheng.sqlite3",
        migrations={"orgs": "0002_township"},
        tables={"orgs_organisation": 2},
        files=(),
    )


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An archive of a (pretend) database file and two evidence files with Chinese names."""
    sources = {"database/junheng.sqlite3": b"SQLite format 3\x00" + b"\x01" * 5000} | EVIDENCE
    members = []
    for index, (name, content) in enumerate(sources.items()):
        path = tmp_path / f"source-{index}"
        path.write_bytes(content)
        members.append((name, path))
    destination = tmp_path / "backup.tar.gz"
    write_archive(destination, members, _manifest())
    return destination


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as archive:
        return {m.name: archive.extractfile(m).read() for m in archive}  # type: ignore[union-attr]


def _repack(path: Path, members: dict[str, bytes]) -> Path:
    """The archive written again by hand with `members` (a well-formed tar.gz, whatever they hold)."""
    changed = path.with_name("changed.tar.gz")
    with tarfile.open(changed, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return changed


def test_the_manifest_lists_every_file_with_its_size_and_sha256_and_the_files_come_back(
    archive: Path, tmp_path: Path
) -> None:
    assert archive.stat().st_mode & 0o777 == 0o600  # password hashes and people's data: the owner's only
    members = _members(archive)
    assert list(members)[-1] == "manifest.json"
    document = json.loads(members["manifest.json"])
    assert document["format"] == "junheng-backup" and document["format_version"] == 1
    assert document["database"] == {
        "kind": "sqlite",
        "file": "database/junheng.sqlite3",
        "migrations": {"orgs": "0002_township"},
        "tables": {"orgs_organisation": 2},
    }
    listed = {f["path"]: (f["size"], f["sha256"]) for f in document["files"]}
    assert listed == {
        name: (len(data), hashlib.sha256(data).hexdigest()) for name, data in members.items() if name != "manifest.json"
    }

    manifest = read_archive(archive, tmp_path / "staging")
    assert [f.path for f in manifest.media_files] == list(EVIDENCE)
    for name, content in EVIDENCE.items():
        assert (tmp_path / "staging" / name).read_bytes() == content


def test_one_byte_changed_in_an_evidence_file_is_refused_naming_the_file(archive: Path, tmp_path: Path) -> None:
    members = _members(archive)
    name = "media/evidence/3/2025/会议纪要.pdf"
    members[name] = members[name][:10] + bytes([members[name][10] ^ 1]) + members[name][11:]
    with pytest.raises(BackupError, match=re.escape(f"{name} 的校验和与清单不符")):
        read_archive(_repack(archive, members), tmp_path / "staging")


def test_a_manifest_whose_checksum_was_edited_is_refused(archive: Path, tmp_path: Path) -> None:
    members = _members(archive)
    document = json.loads(members["manifest.json"])
    document["files"][0]["sha256"] = "0" * 64
    members["manifest.json"] = json.dumps(document).encode()
    with pytest.raises(BackupError, match=re.escape("database/junheng.sqlite3 的校验和与清单不符")):
        read_archive(_repack(archive, members), tmp_path / "staging")


def test_a_file_missing_from_the_archive_or_added_to_it_is_refused(archive: Path, tmp_path: Path) -> None:
    members = _members(archive)
    del members["media/groups/activities/7/活动照片.jpg"]
    with pytest.raises(BackupError, match=re.escape("不完整：缺少清单中的 media/groups/activities/7/活动照片.jpg")):
        read_archive(_repack(archive, members), tmp_path / "a")
    members = _members(archive) | {"media/extra.txt": b"x"}
    with pytest.raises(BackupError, match=re.escape("media/extra.txt 等 1 个文件不在清单中")):
        read_archive(_repack(archive, members), tmp_path / "b")


@pytest.mark.parametrize("where", [0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
def test_a_byte_flipped_in_the_compressed_archive_is_refused_as_damaged(
    archive: Path, tmp_path: Path, where: float
) -> None:
    data = bytearray(archive.read_bytes())
    data[int(len(data) * where)] ^= 0xFF
    archive.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="已损坏"):
        read_archive(archive, tmp_path / "staging")


def test_a_truncated_archive_is_refused_as_damaged(archive: Path, tmp_path: Path) -> None:
    archive.write_bytes(archive.read_bytes()[:-200])
    with pytest.raises(BackupError, match="已损坏"):
        read_archive(archive, tmp_path / "staging")


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"database/junheng.sqlite3": b"x"}, "缺少 manifest.json"),
        ({"manifest.json": b'{"format": "other"}'}, "manifest.json 无法识别"),
        ({"../../etc/cron.d/x": b"x", "manifest.json": b"{}"}, "含有意外的内容 ../../etc/cron.d/x"),
        ({"media/../../x": b"x", "manifest.json": b"{}"}, "含有意外的内容 media/../../x"),
    ],
)
def test_a_foreign_archive_is_refused_before_anything_is_written_outside_staging(
    tmp_path: Path, members: dict[str, bytes], message: str
) -> None:
    foreign = _repack(tmp_path / "x.tar.gz", members)
    with pytest.raises(BackupError, match=f"不是 junheng 的备份文件.*{re.escape(message)}"):
        read_archive(foreign, tmp_path / "staging")
    assert not (tmp_path.parent / "etc").exists()


def test_a_file_that_is_no_archive_at_all_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.tar.gz"
    text.write_text("县区,学校\n", encoding="utf-8")
    with pytest.raises(BackupError, match=re.escape("不是 junheng 的备份文件（不是 tar.gz 压缩包）")):
        read_archive(text, tmp_path / "staging")


def test_an_archive_of_a_newer_format_asks_for_a_newer_junheng(archive: Path, tmp_path: Path) -> None:
    members = _members(archive)
    document = json.loads(members["manifest.json"]) | {"format_version": 2, "junheng_version": "9.0"}
    members["manifest.json"] = json.dumps(document).encode()
    with pytest.raises(
        BackupError, match=re.escape("备份格式版本为 2，本程序只能读取版本 1；请安装生成该备份的 junheng（9.0）")
    ):
        read_archive(_repack(archive, members), tmp_path / "staging")


def test_a_backup_that_fails_leaves_no_archive_behind(tmp_path: Path) -> None:
    destination = tmp_path / "backup.tar.gz"
    with pytest.raises(BackupError, match="在备份过程中被删除"):
        write_archive(destination, [("media/gone.pdf", tmp_path / "gone.pdf")], _manifest())
    assert list(tmp_path.iterdir()) == []
