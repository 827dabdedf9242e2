"""A county workbook row whose 学校名称 is not the name on record for its 学校标识码 is stored by the
学校标识码, and the office is told so row by row (issue 10 §4)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client

from junheng.web.collection import services
from junheng.web.collection.models import SchoolRecord
from junheng.web.orgs.models import Role
from tests.web.conftest import Tree
from tests.web.test_collection_views import FILE_ROW, YEAR, csv_upload


def test_a_school_name_that_differs_from_the_record_is_imported_with_a_warning_per_row(
    tree: Tree, users: dict[str, User]
) -> None:
    office = users[Role.COUNTY_OFFICE]
    services.open_round(user=office, county_id=tree.county.pk, year=YEAR)
    upload = csv_upload(
        [
            {"school_id": tree.school.code, "school_name": tree.school.name} | FILE_ROW,
            {"school_id": tree.other_school.code, "school_name": "示范县第三小学"} | FILE_ROW,
        ]
    )
    client = Client()
    client.force_login(office)
    response = client.post(f"/collection/county/{tree.county.pk}/import/", {"year": YEAR, "file": upload})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "已导入“全县数据.csv”：2 所学校的 2025 年度数据已保存，每项修改都已记录",
        "请核对：有 1 行的学校名称与系统中该学校标识码的名称不一致",
        "第 3 行：学校标识码 4521010002 在系统中是“示范县第二小学”，文件中的学校名称却是“示范县第三小学”；"
        "数据已按学校标识码记入“示范县第二小学”。如果标识码填错了，请更正后重新导入",
    ]
    stored = SchoolRecord.objects.get(school=tree.other_school, year=YEAR)
    assert stored.values()["students_primary"] == FILE_ROW["students_primary"]


def test_the_page_after_the_import_shows_the_warning(tree: Tree, users: dict[str, User]) -> None:
    office = users[Role.COUNTY_OFFICE]
    services.open_round(user=office, county_id=tree.county.pk, year=YEAR)
    upload = csv_upload([{"school_id": tree.school.code, "school_name": "实验小学"} | FILE_ROW])
    client = Client()
    client.force_login(office)
    page = client.post(f"/collection/county/{tree.county.pk}/import/", {"year": YEAR, "file": upload}, follow=True)
    html = page.content.decode()
    assert '<li class="warning">第 2 行：学校标识码 4521010001 在系统中是“示范县实验小学”' in html
