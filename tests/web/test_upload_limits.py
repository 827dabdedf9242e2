"""Uploads that must not take the server down (issue 10 §3): every import through the web (the county's
data file, class lists, planned intakes, school places) refuses an oversized file or a workbook bomb with
a Chinese message on its page, stores nothing, and lists at most 200 problems."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from junheng.io.limits import COUNTY_SCHOOL_FILE, LABELLED_TABLE
from junheng.web.classes.models import PlannedIntake, Snapshot
from junheng.web.collection.models import SchoolRecord
from junheng.web.orgs.models import Role
from junheng.web.places.models import SchoolCapacity
from tests.web.conftest import Tree

BOMB_CELLS = {"A1": "学校标识码", "B1": "学生数", "XFD1048576": 1}


@pytest.fixture
def office(users: dict[str, User]) -> Client:
    client = Client()
    client.force_login(users[Role.COUNTY_OFFICE])
    return client


def _workbook(name: str, cells: dict[str, object]) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    for where, value in cells.items():
        workbook.active[where] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _county_import(client: Client, tree: Tree, file: SimpleUploadedFile) -> Any:
    return client.post(reverse("collection:import", args=[tree.county.pk]), {"year": 2025, "file": file})


def _class_lists(client: Client, tree: Tree, file: SimpleUploadedFile) -> Any:
    url = reverse("classes:import", args=[tree.county.pk])
    return client.post(url, {"term": "2025秋", "date": "2025-09-01", "file": file})


def test_a_county_file_over_20_mb_is_refused_at_the_form(tree: Tree, office: Client) -> None:
    file = SimpleUploadedFile("全县数据.csv", b"0" * (COUNTY_SCHOOL_FILE.bytes + 1))

    response = _county_import(office, tree, file)

    assert response.status_code == 200
    assert response.context["import_form"].errors["file"] == [
        "“全县数据.csv”文件过大（20 MB），超过上限 20 MB；"
        "请删去不需要的工作表、图片和空白行列后重新保存，或把数据拆分成几个文件分别导入"
    ]
    assert not SchoolRecord.objects.exists()


def test_a_county_workbook_bomb_is_refused_with_its_row(tree: Tree, office: Client) -> None:
    response = _county_import(office, tree, _workbook("全县数据.xlsx", {"A1": "年度", "XFD1048576": 1}))

    [issue] = response.context["import_issues"]
    assert (issue.file, issue.row) == ("全县数据.xlsx", 1_048_576)
    assert issue.message.startswith("文件行数过多：第 1,048,576 行仍有数据，而一个文件最多 5,000 行")
    assert not SchoolRecord.objects.exists()


def test_a_county_file_with_no_known_column_gets_a_chinese_message(tree: Tree, office: Client) -> None:
    response = _county_import(office, tree, SimpleUploadedFile("全县数据.csv", "编号,名字\n1,一小\n".encode()))

    assert response.status_code == 200
    first = response.context["import_issues"][0]
    assert "第 1 行应为表头，但其中没有一列能识别" in first.message


def test_class_lists_over_the_limit_are_refused_at_the_form(tree: Tree, office: Client) -> None:
    response = _class_lists(office, tree, SimpleUploadedFile("名单.csv", b"0" * (LABELLED_TABLE.bytes + 1)))

    assert "文件过大（20 MB），超过上限 20 MB" in response.content.decode()
    assert not Snapshot.objects.exists()


def test_a_class_list_workbook_bomb_is_refused(tree: Tree, office: Client) -> None:
    response = _class_lists(office, tree, _workbook("名单.xlsx", BOMB_CELLS))

    assert "文件行数过多：第 1,048,576 行仍有数据，而一个文件最多 100,000 行数据" in response.content.decode()
    assert not Snapshot.objects.exists()


def test_a_planned_intakes_workbook_bomb_is_refused(tree: Tree, office: Client) -> None:
    url = reverse("classes:intake", args=[tree.county.pk])

    response = office.post(url, {"file": _workbook("计划.xlsx", BOMB_CELLS)})

    assert "文件行数过多：第 1,048,576 行仍有数据" in response.content.decode()
    assert not PlannedIntake.objects.exists()


def test_a_school_places_workbook_bomb_is_refused(tree: Tree, office: Client) -> None:
    url = reverse("places:upload", args=[tree.county.pk, "capacities"])

    response = office.post(url, {"file": _workbook("学位.xlsx", BOMB_CELLS)})

    assert "文件行数过多：第 1,048,576 行仍有数据" in response.content.decode()
    assert not SchoolCapacity.objects.exists()


def test_a_catchments_file_over_the_limit_is_refused_at_the_form(tree: Tree, office: Client) -> None:
    url = reverse("places:catchments", args=[tree.county.pk])

    response = office.post(url, {"file": SimpleUploadedFile("学区.geojson", b" " * (LABELLED_TABLE.bytes + 1))})

    assert "文件过大（20 MB），超过上限 20 MB" in response.content.decode()


def test_a_class_list_of_300_wrong_rows_lists_200_and_counts_the_rest(tree: Tree, office: Client) -> None:
    rows = "".join(f"4521010001,小学,3,{n}班,-1\n" for n in range(300))
    file = SimpleUploadedFile("名单.csv", ("学校标识码,学段,年级,班级,学生数\n" + rows).encode())

    page = _class_lists(office, tree, file).content.decode()

    assert "文件有 300 处问题，未保存任何数据" in page
    assert page.count("不是非负整数") == 200
    assert "另有 100 处问题未列出；请先改正以上问题，再重新导入以查看其余问题" in page
