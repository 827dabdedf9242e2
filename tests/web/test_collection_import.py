"""The county's workbook import through its page: every problem per cell and nothing stored, or every row
stored with its audit entries."""

from __future__ import annotations

import io
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from junheng.web.collection import services
from junheng.web.collection.models import Change, SchoolRecord
from junheng.web.orgs.models import Role
from tests.web.test_collection_views import FILE_ROW, YEAR, World, client_for, csv_upload, world

__all__ = ["world"]  # a fixture shared with the views' tests


def rows(world: World) -> list[dict[str, Any]]:
    """A valid row for each of the county's two schools."""
    return [
        {"school_id": world.tree.school.code, "school_name": world.tree.school.name} | FILE_ROW,
        {"school_id": world.tree.other_school.code, "school_name": world.tree.other_school.name}
        | FILE_ROW
        | {"students_primary": 320, "multimedia_rooms": 9},
    ]


def upload(client: Client, world: World, file: SimpleUploadedFile, year: int = YEAR) -> Any:
    url = reverse("collection:import", args=[world.tree.county.pk])
    return client.post(url, {"year": year, "file": file}, follow=True)


@pytest.fixture
def office(world: World) -> Client:
    return client_for(world.users[Role.COUNTY_OFFICE])


def test_a_valid_workbook_stores_every_row_and_audits_each_figure(world: World, office: Client) -> None:
    response = upload(office, world, csv_upload(rows(world)))
    county_page = reverse("collection:county", args=[world.tree.county.pk]) + f"?year={YEAR}"
    assert response.redirect_chain == [(county_page, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"已导入“全县数据.csv”：2 所学校的 {YEAR} 年度数据已保存，每项修改都已记录"
    ]
    stored = {r.school.code: r for r in SchoolRecord.objects.filter(year=YEAR, school__parent=world.tree.county)}
    assert stored[world.tree.school.code].values()["students_primary"] == 500
    assert stored[world.tree.other_school.code].values()["multimedia_rooms"] == 9
    imports = Change.objects.filter(action=Change.Action.IMPORT)
    assert {c.record.school.code for c in imports} == set(stored)
    change = imports.get(record=stored[world.tree.other_school.code], field="students_primary")
    assert (change.old, change.new, change.reason, change.user) == (
        "",
        "320",
        "导入 全县数据.csv",
        world.users[Role.COUNTY_OFFICE],
    )


def test_an_excel_workbook_is_read_like_a_csv(world: World, office: Client) -> None:
    data = rows(world)
    keys = list(dict.fromkeys(key for row in data for key in row))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("学校数据")
    sheet.write_row(0, 0, ["年度", "县区", *keys])
    for number, row in enumerate(data, start=1):
        sheet.write_row(number, 0, [YEAR, "示范县", *(row[key] for key in keys)])
    book.close()
    file = SimpleUploadedFile("全县数据.xlsx", buffer.getvalue())
    response = upload(office, world, file)
    assert "2 所学校" in str(next(iter(response.context["messages"])))
    assert SchoolRecord.objects.get(school=world.tree.other_school, year=YEAR).values()["students_primary"] == 320


def test_one_bad_cell_stores_nothing_and_is_listed_with_its_row_and_column(world: World, office: Client) -> None:
    data = rows(world)
    data[1]["sports_area_m2"] = "约四千"
    response = upload(office, world, csv_upload(data))
    assert response.status_code == 200
    assert response.redirect_chain == []
    [issue] = response.context["import_issues"]
    assert (issue.file, issue.row, issue.column, issue.message) == (
        "全县数据.csv",
        3,
        "sports_area_m2",
        "“约四千”不是数字；体育运动场馆面积应填数值，例如 12",
    )
    page = response.content.decode()
    assert "文件中有 1 处问题，未保存任何数据" in page
    assert (
        '<tr><td>全县数据.csv</td><td class="num">3</td><td>sports_area_m2</td>'
        "<td>“约四千”不是数字；体育运动场馆面积应填数值，例如 12</td></tr>"
    ) in page
    assert not Change.objects.exists()
    assert SchoolRecord.objects.get(school=world.tree.school, year=YEAR).values()["students_primary"] is None


def test_every_bad_cell_is_listed_not_only_the_first(world: World, office: Client) -> None:
    data = rows(world)
    data[0]["multimedia_rooms"] = "-1"
    data[1]["students_primary"] = "3.5"
    issues = upload(office, world, csv_upload(data)).context["import_issues"]
    assert [(i.row, i.column, i.message) for i in issues] == [
        (2, "multimedia_rooms", "“-1”是负数；网络多媒体教室数不能小于 0"),
        (3, "students_primary", "“3.5”应为整数；小学在校生数是个数"),
    ]
    assert not Change.objects.exists()


def test_a_school_of_another_county_is_refused(world: World, office: Client) -> None:
    data = rows(world)
    data[1]["school_id"] = world.tree.foreign_school.code
    issues = upload(office, world, csv_upload(data)).context["import_issues"]
    assert [(i.row, i.column, i.message) for i in issues] == [
        (3, "学校标识码", "学校标识码“4521020001”不是示范县的学校；请核对，或先在系统中添加该学校")
    ]
    assert not Change.objects.exists()


def test_a_locked_school_is_not_overwritten_and_nothing_else_is_stored(world: World, office: Client) -> None:
    clerk, county = world.users[Role.CLERK], world.users[Role.COUNTY_OFFICE]
    record = services.update_record(user=clerk, record=world.record(world.tree.school), values=FILE_ROW)
    services.approve(user=county, record=services.submit(user=clerk, record=record))
    data = rows(world)
    data[0]["students_primary"] = 1
    issues = upload(office, world, csv_upload(data)).context["import_issues"]
    assert [(i.row, i.message) for i in issues] == [(2, f"示范县实验小学的 {YEAR} 年度数据已审核锁定，不能覆盖")]
    assert world.record(world.tree.school).values()["students_primary"] == 500
    assert world.record(world.tree.other_school).values()["students_primary"] is None


def test_a_row_of_another_year_is_refused(world: World, office: Client) -> None:
    data = rows(world)
    data[1]["year"] = YEAR - 1
    issues = upload(office, world, csv_upload(data)).context["import_issues"]
    assert [(i.row, i.column) for i in issues] == [(3, "年度")]
    assert not Change.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused_before_reading(world: World, office: Client) -> None:
    response = upload(office, world, SimpleUploadedFile("数据.pdf", b"%PDF-1.4"))
    assert response.status_code == 200
    assert response.context["import_form"].errors["file"] == [
        "“数据.pdf”不是 Excel 工作簿或 CSV 文件；请上传 .xlsx 或 .csv 文件（可在 Excel 中“另存为”）"
    ]
    assert not Change.objects.exists()
