"""Evidence files (佐证材料) of every app, checked and served one way: the types people scan and write,
at most 20 MB each, within a storage quota per county (setting JUNHENG_EVIDENCE_QUOTA_MB) counted over
the judgement and veto evidence and the groups' activity evidence together.

Downloads are always attachments with a content type chosen from the allowed types (anything else as
bytes), so no stored file can render as a page of the site.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.http import FileResponse

from junheng.web.assessment.models import Evidence
from junheng.web.groups.models import ActivityEvidence
from junheng.web.orgs.models import Organisation

MB = 1024 * 1024
MAX_BYTES = 20 * MB
DEFAULT_QUOTA_MB = 2048
# The allowed suffixes and the content type each is served with.
TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".txt": "text/plain; charset=utf-8",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".zip": "application/zip",
}
TYPES_TEXT = "PDF、Word、Excel、PPT、图片（jpg、png）、文本或 zip"
HELP_TEXT = f"{TYPES_TEXT}，单个文件不超过 {MAX_BYTES // MB} MB"


class EvidenceRefused(ValueError):
    """An evidence file that may not be stored; the message says why and what to do."""


def check_file(upload: UploadedFile[bytes]) -> None:
    """EvidenceRefused unless `upload` is of an allowed type, not empty and at most MAX_BYTES."""
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in TYPES:
        raise EvidenceRefused(f"不支持“{suffix or '无扩展名'}”类型的文件（{upload.name}），请上传 {TYPES_TEXT} 文件")
    if not upload.size:
        raise EvidenceRefused(f"“{upload.name}”是空文件（0 字节），请重新选择要上传的文件")
    if upload.size > MAX_BYTES:
        raise EvidenceRefused(
            f"“{upload.name}”为 {upload.size / MB:.1f} MB，超过 {MAX_BYTES // MB} MB 的上限，请压缩或拆分后上传"
        )


def check_uploads(county: Organisation, uploads: Sequence[UploadedFile[bytes]]) -> None:
    """EvidenceRefused unless every upload passes `check_file` and together they fit in the county's quota."""
    for upload in uploads:
        check_file(upload)
    quota = quota_bytes()
    used = county_usage(county)
    adding = sum(upload.size or 0 for upload in uploads)
    if used + adding > quota:
        raise EvidenceRefused(
            f"{county.name}的佐证材料存储空间为 {quota / MB:.0f} MB，已使用 {used / MB:.1f} MB，"
            f"本次上传 {adding / MB:.1f} MB 将超出上限；请删除不再需要的材料或联系管理员调整上限"
        )


def quota_bytes() -> int:
    """The per-county storage quota, from the setting JUNHENG_EVIDENCE_QUOTA_MB."""
    return int(float(getattr(settings, "JUNHENG_EVIDENCE_QUOTA_MB", DEFAULT_QUOTA_MB)) * MB)


def county_usage(county: Organisation) -> int:
    """The bytes the county's evidence files take, over every app that stores evidence."""
    files = [e.file for e in Evidence.objects.filter(county=county).only("file")]
    activities = ActivityEvidence.objects.filter(
        Q(activity__group__county=county) | Q(activity__pairing__county=county)
    )
    files += [e.file for e in activities.only("file")]
    return sum(_size(f) for f in files)


def _size(file: FieldFile) -> int:
    try:
        return int(file.size)
    except OSError:  # a file missing from the storage takes no room
        return 0


def download(file: FieldFile, name: str) -> FileResponse:
    """The file as an attachment named `name`, typed by its suffix among TYPES, else as plain bytes."""
    content_type = TYPES.get(PurePath(name).suffix.lower(), "application/octet-stream")
    return FileResponse(file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
