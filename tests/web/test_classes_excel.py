"""The class-size ledger in Excel (issue 12 §5): the rows, intakes and breakdowns as the page shows them,
figures as numbers, and the file answered to exactly those who may see the page."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from junheng.web.classes import services
from junheng.web.classes.inputs import Measures
from junheng.web.classes.models import LedgerRow
from junheng.web.orgs.models import Role
from tests.web.conftest import Tree
from tests.web.test_classes_ledger import SPRING_2025, _class, _import, _plan
from tests.web.xlsx_pages import body, column, header, number_format, sheets


def _ledger(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    office = users[Role.COUNTY_OFFICE]
    _import(tmp_path, office, tree, "2025春", SPRING_2025, _class(3, 56))
    row = LedgerRow.objects.get()
    services.record_measures(
        user=office,
        row_id=row.pk,
        details=Measures(
            cause="=学位不足",
            measures=("分班",),
            deadline=datetime.date(2025, 7, 1),
            responsible_unit="县教育局",
            responsible_person="张三",
        ),
    )
    _plan(office, tree, "primary", 1, 100, 2)


def test_the_ledger_exports_its_rows_intakes_and_breakdowns(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    _ledger(tmp_path, tree, users)
    client = Client()
    client.force_login(users[Role.SUPERVISOR])
    url = reverse("classes:excel", args=[tree.county.pk])
    assert url in client.get(reverse("classes:county", args=[tree.county.pk])).content.decode()
    found = sheets(client.get(url), "示范县大班额台账.xlsx")
    assert list(found) == ["台账", "起始年级招生计划", "分乡镇（2025春）", "分学校（2025春）", "各次统计占比"]
    rows = found["台账"]
    assert header(rows)[:7] == ["学校", "学段", "年级", "班级", "入学年份", "发现时人数（人）", "发现于"]
    [row] = body(rows)
    assert row[:7] == ["示范县实验小学", "小学", 3, "2班", 2022, 56, "2025春"]
    # text that begins like a formula stays text; the deadline is a date, past and not closed: overdue
    assert (row[7], row[8], row[9], row[10], row[11], row[12]) == (
        "=学位不足",
        "分班",
        datetime.datetime(2025, 7, 1),
        "逾期",
        "县教育局",
        "张三",
    )
    assert rows["H2"].data_type == "s"
    assert rows["J2"].number_format == "yyyy-mm-dd"
    assert number_format(rows, "入学年份") == "0"
    intakes = found["起始年级招生计划"]
    assert body(intakes) == [[2026, "示范县实验小学", "小学", 1, 100, 2, 50, 45, 3, "将产生超额班级"]]
    schools = found["分学校（2025春）"]
    assert column(schools, "学校") == ["示范县实验小学", "示范县第二小学"]
    assert column(schools, "班级数（个）") == [1, 1]
    share = next(title for title in header(schools) if title.startswith("大班额占比"))
    assert column(schools, share) == [1, 0]
    assert number_format(schools, share) == "#,##0.0%"


@pytest.mark.parametrize("role", [Role.CLERK, Role.COUNTY_OFFICE, Role.SUPERVISOR, Role.OBSERVER])
def test_the_ledger_export_answers_as_the_ledger_page(tree: Tree, users: dict[str, User], role: str) -> None:
    client = Client()
    client.force_login(users[role])
    for county in (tree.county, tree.other_county):
        page = client.get(reverse("classes:county", args=[county.pk])).status_code
        assert client.get(reverse("classes:excel", args=[county.pk])).status_code == page
