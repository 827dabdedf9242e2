"""Evidence files of the judgements, the vetoes and the groups' activities: the same types and size limit,
one storage quota per county over all of them, and downloads that can never render as a page of the site
(issue 10 §3)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from junheng.web.assessment.models import Evidence, Judgement, VetoCheck
from junheng.web.groups.models import Activity, ActivityEvidence, ActivityKind, Group, GroupType
from junheng.web.orgs.models import Role
from tests.web.conftest import Tree

YEAR = 2025
MB = 1024 * 1024
FORMS = {
    "judgement": ("judgement/Q3/", {"decision": "pass", "note": "见附件"}),
    "veto": ("veto/exam_admission/", {"applies": "no", "note": "见附件"}),
}
REFUSED = {
    "program": ("setup.exe", b"MZ\x90\x00", "不支持“.exe”类型的文件（setup.exe）"),
    "web page": ("说明.html", b"<script>alert(1)</script>", "不支持“.html”类型的文件（说明.html）"),
    "drawing": ("图.svg", b"<svg onload=alert(1)>", "不支持“.svg”类型的文件（图.svg）"),
    "empty": ("会议纪要.pdf", b"", "“会议纪要.pdf”是空文件（0 字节），请重新选择要上传的文件"),
    "21 MB": (
        "扫描件.pdf",
        b"%PDF" + b"0" * (21 * MB),
        "“扫描件.pdf”为 21.0 MB，超过 20 MB 的上限，请压缩或拆分后上传",
    ),
}


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def office(users: dict[str, User]) -> Client:
    client = Client()
    client.force_login(users[Role.COUNTY_OFFICE])
    return client


def _post(client: Client, tree: Tree, form: str, upload: SimpleUploadedFile) -> str:
    url, fields = FORMS[form]
    response = client.post(
        f"/assessment/county/{tree.county.pk}/{YEAR}/{url}", {**fields, "files": [upload]}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def _activity(tree: Tree) -> Activity:
    group = Group.objects.create(
        county=tree.county, name="实验小学集团", type=GroupType.objects.get(county=None, name="紧密型")
    )
    kind = ActivityKind.objects.get(county=None, name="送教")
    return Activity.objects.create(group=group, date=datetime.date(YEAR, 3, 1), kind=kind)


@pytest.mark.parametrize("refused", REFUSED)
@pytest.mark.parametrize("form", FORMS)
def test_evidence_of_a_type_or_size_not_allowed_is_refused_and_nothing_stored(
    office: Client, tree: Tree, media: Path, form: str, refused: str
) -> None:
    name, content, message = REFUSED[refused]
    assert message in _post(office, tree, form, SimpleUploadedFile(name, content))
    assert not Evidence.objects.exists() and not Judgement.objects.exists() and not VetoCheck.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.parametrize("form", FORMS)
def test_a_pdf_is_accepted_and_served_as_a_pdf_attachment(office: Client, tree: Tree, media: Path, form: str) -> None:
    html = _post(office, tree, form, SimpleUploadedFile("督导报告.pdf", b"%PDF-1.7 report"))
    stored = Evidence.objects.get()
    assert f'href="/assessment/evidence/{stored.pk}/">督导报告.pdf</a>' in html
    download = office.get(f"/assessment/evidence/{stored.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == b"%PDF-1.7 report"  # type: ignore[attr-defined]


def test_the_quota_counts_every_apps_evidence_of_the_county_and_refuses_beyond_it(
    office: Client, tree: Tree, media: Path, settings: Any
) -> None:
    settings.JUNHENG_EVIDENCE_QUOTA_MB = 1
    activity = _activity(tree)
    response = office.post(
        f"/groups/activity/{activity.pk}/evidence/new/", {"file": SimpleUploadedFile("签到表.pdf", b"0" * (MB // 2))}
    )
    assert response.status_code == 302
    html = _post(office, tree, "judgement", SimpleUploadedFile("规划.pdf", b"0" * (MB * 6 // 10)))
    assert "示范县的佐证材料存储空间为 1 MB，已使用 0.5 MB，本次上传 0.6 MB 将超出上限" in html
    assert not Evidence.objects.exists() and not Judgement.objects.exists()
    again = office.post(
        f"/groups/activity/{activity.pk}/evidence/new/", {"file": SimpleUploadedFile("照片.jpg", b"0" * (MB * 6 // 10))}
    )
    assert "示范县的佐证材料存储空间为 1 MB，已使用 0.5 MB，本次上传 0.6 MB 将超出上限" in again.content.decode()
    assert ActivityEvidence.objects.count() == 1
    assert _post(office, tree, "veto", SimpleUploadedFile("核查.pdf", b"0" * (MB // 4))).count("核查.pdf") >= 1
    assert Evidence.objects.count() == 1


def test_a_stored_web_page_is_downloaded_as_bytes_never_rendered(
    office: Client, tree: Tree, media: Path, users: dict[str, User]
) -> None:
    """A file stored before the checks (or by an administrator) cannot run script in the site's origin."""
    check = VetoCheck.objects.create(county=tree.county, year=YEAR, key="exam_admission", applies=False)
    page = Evidence(county=tree.county, year=YEAR, veto=check, name="说明.html")
    page.file.save("说明.html", ContentFile(b"<script>alert(1)</script>"))
    download = office.get(f"/assessment/evidence/{page.pk}/")
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    activity = _activity(tree)
    drawing = ActivityEvidence(activity=activity, name="图.svg")
    drawing.file.save("图.svg", ContentFile(b"<svg onload=alert(1)>"))
    served = office.get(f"/groups/evidence/{drawing.pk}/")
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment;")
