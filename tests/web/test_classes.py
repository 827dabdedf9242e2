"""The class-size ledger: import, transitions, reviewers, scope (issue 6 §2)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from junheng.web.classes import imports, services
from junheng.web.classes.inputs import Measures
from junheng.web.classes.models import ClassRecord, LedgerChange, LedgerRow, Snapshot
from junheng.web.errors import InvalidData, WorkflowError
from junheng.web.orgs.models import Role
from tests.web.conftest import Tree

Status = LedgerRow.Status
HEADER = "学校标识码,学段,年级,班级,学生数\n"
SCHOOL = "4521010001"
OTHER = "4521010002"


def _csv(tmp_path: Path, body: str, name: str = "classes.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _import(tmp_path: Path, user: User, tree: Tree, term: str, day: int, one_two: int, other: int = 40) -> Snapshot:
    """A snapshot with 实验小学 3年级1班 of `one_two` students and three classes of `other`."""
    body = (
        f"{SCHOOL},小学,3,1班,{one_two}\n{SCHOOL},小学,3,2班,{other}\n"
        f"{OTHER},小学,1,1班,{other}\n{OTHER},初中,7,1班,{other}\n"
    )
    return imports.import_snapshot(
        user=user,
        county_id=tree.county.pk,
        term=term,
        date=datetime.date(2025, 1, day),
        path=_csv(tmp_path, body, f"{term}.csv"),
        name=f"{term}.csv",
    )


def _row() -> LedgerRow:
    return LedgerRow.objects.get()


def test_a_class_of_46_opens_a_row_and_45_does_not(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    _import(tmp_path, users[Role.COUNTY_OFFICE], tree, "2025秋", 1, 46, other=45)
    row = _row()
    assert (row.grade, row.class_name, row.students_found, row.status) == (3, "1班", 46, Status.OPEN)
    assert LedgerChange.objects.filter(row=row, field="status").count() == 1


def test_junior_50_is_within_its_limit(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    body = f"{OTHER},初中,7,1班,50\n{OTHER},初中,8,1班,51\n"
    imports.import_snapshot(
        user=users[Role.COUNTY_OFFICE],
        county_id=tree.county.pk,
        term="2025秋",
        date=datetime.date(2025, 9, 1),
        path=_csv(tmp_path, body),
        name="c.csv",
    )
    assert _row().grade == 8


def test_no_close_after_one_snapshot_within_the_limit(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    office, supervisor = users[Role.COUNTY_OFFICE], users[Role.SUPERVISOR]
    _import(tmp_path, office, tree, "T1", 1, 50)
    _import(tmp_path, office, tree, "T2", 2, 44)
    assert _row().status == Status.OPEN
    with pytest.raises(WorkflowError, match="连续 2 次"):
        services.confirm_close(user=supervisor, row_id=_row().pk)
    assert _row().status == Status.OPEN


def test_two_snapshots_within_propose_and_a_reviewer_confirms(
    tmp_path: Path, tree: Tree, users: dict[str, User]
) -> None:
    office, supervisor = users[Role.COUNTY_OFFICE], users[Role.SUPERVISOR]
    _import(tmp_path, office, tree, "T1", 1, 50)
    _import(tmp_path, office, tree, "T2", 2, 44)
    _import(tmp_path, office, tree, "T3", 3, 45)
    assert _row().status == Status.PROPOSED
    with pytest.raises(PermissionDenied):
        services.confirm_close(user=users[Role.OBSERVER], row_id=_row().pk)
    with pytest.raises(Http404):  # a school's clerk does not see the county's ledger
        services.confirm_close(user=users[Role.CLERK], row_id=_row().pk)
    services.confirm_close(user=supervisor, row_id=_row().pk)
    assert _row().status == Status.CLOSED
    closing = LedgerChange.objects.filter(row=_row()).last()
    assert closing is not None and (closing.user, closing.new) == (supervisor, "已销号")


def test_over_again_before_confirmation_goes_back_to_work(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    office = users[Role.COUNTY_OFFICE]
    for term, day, size in [("T1", 1, 50), ("T2", 2, 44), ("T3", 3, 44), ("T4", 4, 47)]:
        _import(tmp_path, office, tree, term, day, size)
    assert _row().status == Status.IN_PROGRESS
    with pytest.raises(WorkflowError):
        services.confirm_close(user=office, row_id=_row().pk)


def test_a_rebound_reopens_the_closed_row(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    office = users[Role.COUNTY_OFFICE]
    for term, day, size in [("T1", 1, 50), ("T2", 2, 44), ("T3", 3, 44)]:
        _import(tmp_path, office, tree, term, day, size)
    services.confirm_close(user=office, row_id=_row().pk)
    _import(tmp_path, office, tree, "T4", 4, 52)
    row = _row()  # the same row, reopened: no second row for the class
    assert row.status == Status.REBOUND
    services.record_measures(user=office, row_id=row.pk, details=Measures(measures=("分班",)))
    assert _row().status == Status.IN_PROGRESS


def test_measures_are_recorded_by_the_county_office_with_an_audit(
    tmp_path: Path, tree: Tree, users: dict[str, User]
) -> None:
    office = users[Role.COUNTY_OFFICE]
    _import(tmp_path, office, tree, "T1", 1, 60)
    details = Measures(measures=("扩建", "分班"), deadline=datetime.date(2026, 8, 31), responsible_unit="教育局")
    for reader in (users[Role.SUPERVISOR], users[Role.OBSERVER]):
        with pytest.raises(PermissionDenied):
            services.record_measures(user=reader, row_id=_row().pk, details=details)
    with pytest.raises(Http404):
        services.record_measures(user=users[Role.CLERK], row_id=_row().pk, details=details)
    services.record_measures(user=office, row_id=_row().pk, details=details)
    row = _row()
    assert (row.measures, row.status, row.responsible_unit) == (["扩建", "分班"], Status.IN_PROGRESS, "教育局")
    fields = set(LedgerChange.objects.filter(row=row, user=office).values_list("field", flat=True))
    assert fields == {"measures", "deadline", "responsible_unit", "status"}
    with pytest.raises(WorkflowError, match="不在可选范围"):
        services.record_measures(user=office, row_id=row.pk, details=Measures(measures=("撤并",)))


def test_import_reports_each_bad_cell_and_stores_nothing(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    body = (
        f"{SCHOOL},小学,3,1班,60\n"  # row 2: fine, but nothing may be stored
        "4521020001,小学,3,1班,40\n"  # row 3: a school of the neighbouring county
        f"{SCHOOL},高中,3,2班,40\n"  # row 4: level
        f"{SCHOOL},小学,8,3班,四十\n"  # row 5: grade for 小学, students not a number
        f"{SCHOOL},小学,3,1班,41\n"  # row 6: the same class as row 2
    )
    with pytest.raises(InvalidData) as caught:
        imports.import_snapshot(
            user=users[Role.COUNTY_OFFICE],
            county_id=tree.county.pk,
            term="2025秋",
            date=datetime.date(2025, 9, 1),
            path=_csv(tmp_path, body),
            name="名单.csv",
        )
    found = [(i.row, i.column) for i in caught.value.issues]
    assert found == [(3, "学校标识码"), (4, "学段"), (5, "年级"), (5, "学生数"), (6, "班级")]
    assert all(i.file == "名单.csv" for i in caught.value.issues)
    assert "不是示范县的学校" in caught.value.issues[0].message
    assert (Snapshot.objects.count(), ClassRecord.objects.count(), LedgerRow.objects.count()) == (0, 0, 0)


def test_import_needs_the_county_office_and_a_later_date(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        _import(tmp_path, users[Role.SUPERVISOR], tree, "T1", 1, 40)
    with pytest.raises(Http404):
        imports.import_snapshot(
            user=users[Role.COUNTY_OFFICE],
            county_id=tree.other_county.pk,
            term="T1",
            date=datetime.date(2025, 1, 1),
            path=_csv(tmp_path, ""),
            name="c.csv",
        )
    _import(tmp_path, users[Role.COUNTY_OFFICE], tree, "T1", 2, 40)
    with pytest.raises(WorkflowError, match="晚于"):
        _import(tmp_path, users[Role.COUNTY_OFFICE], tree, "T0", 1, 40)


@pytest.mark.parametrize(
    ("role", "ledger", "import_page"),
    [(Role.COUNTY_OFFICE, 200, 200), (Role.SUPERVISOR, 200, 403), (Role.OBSERVER, 200, 403), (Role.CLERK, 404, 404)],
)
def test_pages_by_role(
    tmp_path: Path, tree: Tree, users: dict[str, User], role: str, ledger: int, import_page: int
) -> None:
    _import(tmp_path, users[Role.COUNTY_OFFICE], tree, "T1", 1, 60)
    client = Client()
    client.force_login(users[role])
    assert client.get(f"/classes/county/{tree.county.pk}/").status_code == ledger
    assert client.get(f"/classes/county/{tree.county.pk}/import/").status_code == import_page
    assert client.get(f"/classes/row/{_row().pk}/").status_code == ledger
    # The city's supervisor and observer reach the neighbouring county too; the county office does not.
    neighbour = 200 if role in (Role.SUPERVISOR, Role.OBSERVER) else 404
    assert client.get(f"/classes/county/{tree.other_county.pk}/").status_code == neighbour


def test_a_reader_cannot_post_measures(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    _import(tmp_path, users[Role.COUNTY_OFFICE], tree, "T1", 1, 60)
    client = Client()
    client.force_login(users[Role.OBSERVER])
    response = client.post(f"/classes/row/{_row().pk}/", {"measures": ["分班"]})
    assert response.status_code == 403
    assert _row().measures == []


def test_the_ledger_page_shows_overdue_rows_and_the_shares(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    office = users[Role.COUNTY_OFFICE]
    _import(tmp_path, office, tree, "2025秋", 1, 60)  # 1 大班额 of 4 classes: 25.0 %
    services.record_measures(user=office, row_id=_row().pk, details=Measures(deadline=datetime.date(2020, 1, 1)))
    client = Client()
    client.force_login(office)
    page = client.get(f"/classes/county/{tree.county.pk}/").content.decode()
    assert 'class="overdue"' in page and "逾期 1 条" in page
    assert '大班额占比：<strong class="share">25.0%</strong>' in page
    assert 'id="shares-chart"' in page


def test_the_import_form_lists_the_problems(tree: Tree, users: dict[str, User]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(users[Role.COUNTY_OFFICE])
    upload = SimpleUploadedFile("名单.csv", (HEADER + f"{SCHOOL},小学,3,1班,-1\n").encode())
    response = client.post(
        f"/classes/county/{tree.county.pk}/import/", {"term": "2025秋", "date": "2025-09-01", "file": upload}
    )
    assert response.status_code == 200
    assert "不是非负整数" in response.content.decode()
    assert not Snapshot.objects.exists()
