"""Every upload view answers a file it cannot read (empty, a binary file named .xlsx, a CSV with no known
column) with a Chinese message on the page and stores nothing: issue 10 §2, "unlogged 500s"."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from junheng.web.classes.models import Snapshot
from junheng.web.collection.models import SchoolRecord
from junheng.web.orgs.models import Role
from junheng.web.places.models import Catchment, SchoolCapacity
from tests.web.conftest import Tree

BAD_FILES: dict[str, tuple[str, bytes]] = {
    "empty csv": ("数据.csv", b""),
    "empty xlsx": ("数据.xlsx", b""),
    "binary named xlsx": ("数据.xlsx", bytes(range(256)) * 8),
    "csv with no known column": ("数据.csv", "甲,乙,丙\n1,2,3\n4,5,6\n".encode()),
    "csv of one unknown header": ("数据.csv", b"foo\n"),
}

# Each upload: its URL over the test tree, and the form fields beside the file.
UPLOADS: dict[str, tuple[Callable[[Tree], str], dict[str, str]]] = {
    "county workbook": (lambda t: f"/collection/county/{t.county.pk}/import/", {"year": "2025"}),
    "class lists": (lambda t: f"/classes/county/{t.county.pk}/import/", {"term": "2025秋", "date": "2025-09-30"}),
    "intakes": (lambda t: f"/classes/county/{t.county.pk}/intake/", {}),
    "capacities": (lambda t: f"/places/county/{t.county.pk}/upload/capacities/", {}),
    "births": (lambda t: f"/places/county/{t.county.pk}/upload/births/", {}),
    "housing": (lambda t: f"/places/county/{t.county.pk}/upload/housing/", {}),
    "residents": (lambda t: f"/places/county/{t.county.pk}/upload/residents/", {}),
    "catchments": (lambda t: f"/places/county/{t.county.pk}/upload/catchments/", {}),
}

# What the page says: the problems of the file, or the form's message about it.
REFUSED = re.compile(r"文件中?有 \d+ 处问题，未保存任何数据|class=\"(errorlist|field-error)")


def _stored() -> list[int]:
    return [m.objects.count() for m in (SchoolRecord, Snapshot, SchoolCapacity, Catchment)]


@pytest.mark.parametrize("bad", BAD_FILES)
@pytest.mark.parametrize("upload", UPLOADS)
def test_an_unreadable_upload_is_a_chinese_message_and_nothing_stored(
    client: Client, tree: Tree, users: dict[str, User], upload: str, bad: str
) -> None:
    client.force_login(users[Role.COUNTY_OFFICE])
    url, fields = UPLOADS[upload]
    name, content = BAD_FILES[bad]
    before = _stored()
    data: dict[str, Any] = {**fields, "file": SimpleUploadedFile(name, content)}
    response = client.post(url(tree), data)
    body = response.content.decode()
    assert response.status_code in (200, 400, 422)
    assert REFUSED.search(body)
    assert _stored() == before
