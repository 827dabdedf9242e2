"""The statistics files a county uploads, kept on the server until the background job has read them.

Each upload is a folder in the media folder (which every server mounts: docs/deployment.md) named by the
county and a random token: the files as uploaded and `upload.json` (the year, the files' names, who
uploaded). Nothing of it is in the session or in one server's memory or /tmp. The folder goes as soon as
the job has read it (or failed), when the import is cancelled, or when the same user uploads again; one
left behind (a job that never ran) is removed after `KEPT`, at the next upload.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404

from junheng.io.limits import MEGABYTE, megabytes
from junheng.io.oversize import bytes_message
from junheng.stats.sources import STATISTICS_WORKBOOK
from junheng.web.datafiles import saved
from junheng.web.errors import WorkflowError

# One uploaded file: a workbook as large as the reader accepts; a .zip of a county's 300 workbooks.
STATISTICS_FILE_BYTES = STATISTICS_WORKBOOK.bytes
STATISTICS_ZIP_BYTES = 200 * MEGABYTE
STATISTICS_FILES = 500  # files chosen at once (a county has a few hundred schools)
STATISTICS_WORKBOOKS = 2_000  # workbooks in all, a .zip's members counted (each is a step of the reading job)
SUFFIXES = (".xlsx", ".xlsm", ".zip")
KEPT = timedelta(days=1)  # how long files (and what they gave) wait for the county's confirmation
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_META = "upload.json"


@dataclass(frozen=True)
class Upload:
    """Statistics files kept for one county's import of one year."""

    token: str
    county_id: int
    year: int
    folder: Path
    files: tuple[tuple[str, Path], ...]  # (the name as uploaded, where it is kept)


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "statistics-uploads"


def refusal(uploads: Sequence[UploadedFile[bytes]]) -> str | None:
    """Why these files cannot be imported (none, too many, not a workbook or .zip, too large), or None."""
    if not uploads:
        return "请选择要导入的统计报表文件（.xlsx 工作簿，可多选，或一个 .zip 压缩包）"
    if len(uploads) > STATISTICS_FILES:
        return f"一次选择了 {len(uploads)} 个文件，超过上限 {STATISTICS_FILES} 个；请打包成 .zip 后上传"
    for upload in uploads:
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in SUFFIXES:
            return f"“{upload.name}”不是 Excel 工作簿（.xlsx）或 .zip 压缩包；请上传统计报表导出的 .xlsx 文件"
        limit = STATISTICS_ZIP_BYTES if suffix == ".zip" else STATISTICS_FILE_BYTES
        if (upload.size or 0) > limit:
            return f"“{upload.name}”{bytes_message(upload.size or 0, limit)}"
    return None


def keep(*, county_id: int, year: int, uploads: Sequence[UploadedFile[bytes]], username: str) -> Upload:
    """Write the uploaded files into a new folder of their own; WorkflowError when they are refused."""
    why = refusal(uploads)
    if why is not None:
        raise WorkflowError(why)
    _forget_old()
    token = secrets.token_urlsafe(24)
    folder = _root() / f"{county_id}-{token}"
    folder.mkdir(parents=True)
    files = tuple((upload.name or f"文件{n}", saved(upload, folder, str(n))) for n, upload in enumerate(uploads, 1))
    meta = {"year": year, "names": [name for name, _ in files], "by": username}
    (folder / _META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return Upload(token, county_id, year, folder, files)


def kept(*, county_id: int, token: str) -> Upload:
    """The files kept under `token` for the county; Http404 when there are none (confirmed, cancelled,
    expired, or another county's)."""
    folder = _root() / f"{county_id}-{token}"
    if not _TOKEN.match(token) or not (folder / _META).is_file():
        raise Http404("找不到这次上传的统计报表（可能已确认、已取消或已过期）；请重新上传")
    meta = json.loads((folder / _META).read_text(encoding="utf-8"))
    names: list[str] = meta["names"]
    files = tuple((name, next(folder.glob(f"{n}.*"))) for n, name in enumerate(names, 1))
    return Upload(token, county_id, int(meta["year"]), folder, files)


def discard(*, county_id: int, token: str) -> None:
    """Remove the files kept under `token`, if any are left: once read, or the import given up."""
    if _TOKEN.match(token):
        shutil.rmtree(_root() / f"{county_id}-{token}", ignore_errors=True)


def _forget_old() -> None:
    root = _root()
    if not root.is_dir():
        return
    limit = time.time() - KEPT.total_seconds()
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)


def size_note() -> str:
    """The upload limits as the page states them."""
    return (
        f"每个工作簿不超过 {megabytes(STATISTICS_FILE_BYTES)}，压缩包不超过 {megabytes(STATISTICS_ZIP_BYTES)}，"
        f"一次最多 {STATISTICS_FILES} 个文件"
    )
