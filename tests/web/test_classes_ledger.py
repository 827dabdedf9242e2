"""The class-size ledger across promotions, the reviewer's rejection, planned intakes, townships, Excel
workbooks and the ledger page's fixed query count (issue 6 §2)."""

from __future__ import annotations

import datetime
import importlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client

from junheng.engine.class_size import InvalidIntake
from junheng.web.classes import imports, intakes, services
from junheng.web.classes.inputs import Measures
from junheng.web.classes.models import ClassRecord, LedgerChange, LedgerRow, PlannedIntake, Snapshot
from junheng.web.errors import InvalidData, WorkflowError
from junheng.web.orgs.models import Organisation, Role
from tests.web.conftest import Tree

Status = LedgerRow.Status
HEADER = "学校标识码,学段,年级,班级,学生数"
SCHOOL = "4521010001"
OTHER = "4521010002"


def _import(
    tmp_path: Path, user: User, tree: Tree, term: str, date: datetime.date, body: str, header: str = HEADER
) -> Snapshot:
    path = tmp_path / f"{term}.csv"
    path.write_text(f"{header}\n{body}", encoding="utf-8")
    return imports.import_snapshot(user=user, county_id=tree.county.pk, term=term, date=date, path=path, name=path.name)


def _class(grade: int, students: int) -> str:
    """实验小学 `grade`年级2班 of `students`, beside a class of 40 at the other school."""
    return f"{SCHOOL},小学,{grade},2班,{students}\n{OTHER},小学,1,1班,40\n"


SPRING_2025, AUTUMN_2025, SPRING_2026, AUTUMN_2026 = (
    datetime.date(2025, 3, 1),
    datetime.date(2025, 9, 1),
    datetime.date(2026, 3, 1),
    datetime.date(2026, 9, 1),
)


# A class across the autumn promotion -------------------------------------------------------------------


def test_a_promoted_class_within_its_limit_twice_is_proposed_on_the_same_row(
    tmp_path: Path, tree: Tree, users: dict[str, User]
) -> None:
    office = users[Role.COUNTY_OFFICE]
    _import(tmp_path, office, tree, "2025春", SPRING_2025, _class(3, 50))  # school year 2024: entered 2022
    row = LedgerRow.objects.get()
    assert (row.grade, row.cohort, row.status) == (3, 2022, Status.OPEN)
    _import(tmp_path, office, tree, "2025秋", AUTUMN_2025, _class(4, 44))  # promoted: school year 2025, grade 4
    assert LedgerRow.objects.get().status == Status.OPEN  # one snapshot within the limit is not enough
    _import(tmp_path, office, tree, "2026春", SPRING_2026, _class(4, 45))
    row = LedgerRow.objects.get()  # still one row: the same class, not a new one
    assert (row.pk, row.grade, row.cohort, row.status) == (row.pk, 4, 2022, Status.PROPOSED)
    services.confirm_close(user=users[Role.SUPERVISOR], row_id=row.pk)
    assert LedgerRow.objects.get().status == Status.CLOSED


def test_a_rebound_after_the_promotion_reopens_the_same_row(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    office = users[Role.COUNTY_OFFICE]
    _import(tmp_path, office, tree, "2025春", SPRING_2025, _class(3, 50))
    _import(tmp_path, office, tree, "2025秋", AUTUMN_2025, _class(4, 44))
    _import(tmp_path, office, tree, "2026春", SPRING_2026, _class(4, 44))
    services.confirm_close(user=office, row_id=LedgerRow.objects.get().pk)
    _import(tmp_path, office, tree, "2026秋", AUTUMN_2026, _class(5, 48))
    row = LedgerRow.objects.get()
    assert (row.grade, row.cohort, row.status) == (5, 2022, Status.REBOUND)


def test_the_same_name_in_the_next_cohort_is_another_class(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    office = users[Role.COUNTY_OFFICE]
    _import(tmp_path, office, tree, "2025春", SPRING_2025, _class(3, 50))
    # In autumn the new grade 3 二班 (entered 2023) is over; the promoted class (now grade 4) is not.
    body = _class(3, 47) + f"{SCHOOL},小学,4,2班,40\n"
    _import(tmp_path, office, tree, "2025秋", AUTUMN_2025, body)
    assert list(LedgerRow.objects.order_by("cohort").values_list("cohort", "grade")) == [(2022, 4), (2023, 3)]


def test_a_graduated_class_is_proposed_for_closing_and_can_be_closed(
    tmp_path: Path, tree: Tree, users: dict[str, User]
) -> None:
    office = users[Role.COUNTY_OFFICE]
    _import(tmp_path, office, tree, "2025春", SPRING_2025, _class(6, 52))  # grade 6 in school year 2024
    row = LedgerRow.objects.get()
    assert row.status == Status.OPEN
    # In autumn 2025 the class has left primary school: it is not in the list and cannot be counted again.
    _import(tmp_path, office, tree, "2025秋", AUTUMN_2025, f"{OTHER},小学,1,1班,40\n")
    row = LedgerRow.objects.get()
    assert row.status == Status.PROPOSED
    assert "已毕业离校" in row.changes.order_by("-pk").first().note  # type: ignore[union-attr]
    services.confirm_close(user=users[Role.SUPERVISOR], row_id=row.pk)
    assert LedgerRow.objects.get().status == Status.CLOSED


def test_a_missing_class_that_has_not_graduated_stays_open(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    office = users[Role.COUNTY_OFFICE]
    _import(tmp_path, office, tree, "2025春", SPRING_2025, _class(5, 52))
    _import(tmp_path, office, tree, "2025秋", AUTUMN_2025, f"{OTHER},小学,1,1班,40\n")
    _import(tmp_path, office, tree, "2026春", SPRING_2026, f"{OTHER},小学,1,1班,40\n")
    row = LedgerRow.objects.get()
    assert row.status == Status.OPEN
    with pytest.raises(WorkflowError):
        services.confirm_close(user=users[Role.SUPERVISOR], row_id=row.pk)


# A reviewer rejects a proposed close --------------------------------------------------------------------


def _proposed(tmp_path: Path, tree: Tree, users: dict[str, User]) -> LedgerRow:
    office = users[Role.COUNTY_OFFICE]
    _import(tmp_path, office, tree, "2025春", SPRING_2025, _class(3, 50))
    _import(tmp_path, office, tree, "2025秋", AUTUMN_2025, _class(4, 44))
    _import(tmp_path, office, tree, "2026春", SPRING_2026, _class(4, 44))
    row = LedgerRow.objects.get()
    assert row.status == Status.PROPOSED
    return row


def test_a_reviewer_rejects_a_proposed_close_with_a_reason(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    row = _proposed(tmp_path, tree, users)
    supervisor = users[Role.SUPERVISOR]
    services.reject_close(user=supervisor, row_id=row.pk, reason="  实地核验仍有 47 人  ")
    assert LedgerRow.objects.get().status == Status.IN_PROGRESS
    change = LedgerChange.objects.filter(row=row).last()
    assert change is not None
    assert (change.user, change.old, change.new, change.note) == (
        supervisor,
        "已达标待核验",
        "整改中",
        "驳回销号：实地核验仍有 47 人",
    )


def test_only_a_reviewer_may_reject_and_only_with_a_reason(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    row = _proposed(tmp_path, tree, users)
    with pytest.raises(PermissionDenied):
        services.reject_close(user=users[Role.OBSERVER], row_id=row.pk, reason="不同意")
    with pytest.raises(Http404):  # a school's clerk does not see the county's ledger
        services.reject_close(user=users[Role.CLERK], row_id=row.pk, reason="不同意")
    with pytest.raises(WorkflowError, match="请填写驳回理由"):
        services.reject_close(user=users[Role.SUPERVISOR], row_id=row.pk, reason="   ")
    with pytest.raises(WorkflowError, match="最多 180 字"):
        services.reject_close(user=users[Role.SUPERVISOR], row_id=row.pk, reason="长" * 181)
    assert LedgerRow.objects.get().status == Status.PROPOSED
    assert not LedgerChange.objects.filter(note__startswith="驳回").exists()


def test_only_a_proposed_close_can_be_rejected(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    _import(tmp_path, users[Role.COUNTY_OFFICE], tree, "2025春", SPRING_2025, _class(3, 50))
    row = LedgerRow.objects.get()
    with pytest.raises(WorkflowError, match="只有“已达标待核验”的记录可以驳回；当前状态为“待整改”"):
        services.reject_close(user=users[Role.SUPERVISOR], row_id=row.pk, reason="不同意")
    assert LedgerRow.objects.get().status == Status.OPEN


def test_the_reject_form_on_the_row_page(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    row = _proposed(tmp_path, tree, users)
    client = Client()
    client.force_login(users[Role.OBSERVER])
    assert 'id="reject"' not in client.get(f"/classes/row/{row.pk}/").content.decode()
    assert client.post(f"/classes/row/{row.pk}/reject/", {"reason": "不同意"}).status_code == 403
    client.force_login(users[Role.SUPERVISOR])
    assert 'id="reject"' in client.get(f"/classes/row/{row.pk}/").content.decode()
    page = client.post(f"/classes/row/{row.pk}/reject/", {"reason": ""}, follow=True).content.decode()
    assert "请填写驳回理由" in page and LedgerRow.objects.get().status == Status.PROPOSED
    page = client.post(f"/classes/row/{row.pk}/reject/", {"reason": "人数不实"}, follow=True).content.decode()
    assert "已驳回销号" in page and "驳回销号：人数不实" in page
    assert LedgerRow.objects.get().status == Status.IN_PROGRESS


# Planned intakes and the start-grade guard --------------------------------------------------------------


def _plan(
    user: User, tree: Tree, level: str, grade: int, students: int, classes: int, school: Organisation | None = None
) -> PlannedIntake:
    return intakes.plan_intake(
        user=user,
        county_id=tree.county.pk,
        school_id=(school or tree.school).pk,
        year=2026,
        level=level,
        grade=grade,
        students=students,
        classes=classes,
    )


INTAKE_HEADER = "学校标识码,招生年份,学段,年级,计划招生人数,计划班数\n"


def _upload_intakes(client: Client, tree: Tree, text: str, name: str = "计划.csv") -> str:
    url = f"/classes/county/{tree.county.pk}/intake/"
    upload = SimpleUploadedFile(name, text.encode("utf-8"))
    return str(client.post(url, {"file": upload}, follow=True).content.decode())


def test_intakes_imported_from_a_file_are_guarded_on_the_ledger(tree: Tree, users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users[Role.COUNTY_OFFICE])
    body = f"{SCHOOL},2026,小学,1,90,2\n{OTHER},2026,小学,1,91,2\n"
    page = _upload_intakes(client, tree, INTAKE_HEADER + body)
    assert "已导入 2 条起始年级招生计划" in page
    assert sorted(PlannedIntake.objects.values_list("students", "classes")) == [(90, 2), (91, 2)]
    assert "将产生 46 人的班级" in page  # 91 in 2 classes: flagged on the ledger, 3 classes needed
    page = _upload_intakes(client, tree, INTAKE_HEADER + f"{OTHER},2026,小学,1,91,3\n")  # replaces the plan
    assert PlannedIntake.objects.get(school=tree.other_school).classes == 3


def test_an_intake_file_with_bad_cells_is_refused_cell_by_cell(tree: Tree, users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users[Role.COUNTY_OFFICE])
    body = (
        f"{SCHOOL},2026,小学,1,90,2\n"  # good, but nothing is stored while another row is wrong
        f"9999999999,26,高中,一,90,2\n"  # row 3: school, year, level and grade
        f"{OTHER},2026,小学,2,60,0\n"  # row 4: grade 2 is not the start grade; 60 pupils in no class
        f"{SCHOOL},2026,小学,1,40,1\n"  # row 5: the same plan as row 2
    )
    page = _upload_intakes(client, tree, INTAKE_HEADER + body)
    assert "未保存任何数据" in page and not PlannedIntake.objects.exists()
    for row, column in [(3, "学校标识码"), (3, "招生年份"), (3, "学段"), (3, "年级"), (4, "年级"), (4, "计划班数")]:
        assert f"<td>{row}</td><td>{column}</td>" in page, (row, column)
    assert "2 年级不是起始年级" in page and "计划招生 60 人却计划 0 个班" in page
    assert "与第 2 行是同一学校、年份和学段" in page
    page = _upload_intakes(client, tree, "学校标识码,学段\n1,小学\n")
    assert "缺少列：招生年份、年级、计划招生人数、计划班数" in page


def test_only_the_county_office_imports_intakes(tree: Tree, users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users[Role.SUPERVISOR])
    upload = SimpleUploadedFile("计划.csv", (INTAKE_HEADER + f"{SCHOOL},2026,小学,1,90,2\n").encode("utf-8"))
    response = client.post(f"/classes/county/{tree.county.pk}/intake/", {"file": upload})
    assert response.status_code == 403 and not PlannedIntake.objects.exists()


def test_planned_intakes_are_checked_by_hand(tree: Tree, users: dict[str, User]) -> None:
    office = users[Role.COUNTY_OFFICE]
    _plan(office, tree, "primary", 1, 90, 2)
    _plan(office, tree, "primary", 1, 91, 2, tree.other_school)
    _plan(office, tree, "junior", 7, 101, 2)
    checks = services.check_intakes(list(PlannedIntake.objects.order_by("pk")), services.rules_for(tree.county))
    assert [(c.largest_class, c.over_limit, c.classes_needed) for c in checks] == [
        (45, False, 2),
        (46, True, 3),
        (51, True, 3),
    ]
    _plan(office, tree, "primary", 1, 91, 3, tree.other_school)  # corrected: the same plan, now 3 classes
    assert PlannedIntake.objects.filter(school=tree.other_school).get().classes == 3


def test_an_intake_needs_its_start_grade_and_a_class_for_its_students(tree: Tree, users: dict[str, User]) -> None:
    office = users[Role.COUNTY_OFFICE]
    with pytest.raises(InvalidIntake) as caught:
        _plan(office, tree, "primary", 1, 30, 0)
    assert [(p.column, p.message) for p in caught.value.problems] == [
        ("classes", "计划招生 30 人却计划 0 个班；请填写计划班数（至少 1 个班）")
    ]
    with pytest.raises(InvalidIntake, match="初中只能填 7 年级"):
        _plan(office, tree, "junior", 8, 50, 1)
    with pytest.raises(InvalidIntake, match="不是示范县的学校"):
        _plan(office, tree, "primary", 1, 40, 1, tree.foreign_school)
    with pytest.raises(PermissionDenied):
        _plan(users[Role.SUPERVISOR], tree, "primary", 1, 40, 1)
    assert not PlannedIntake.objects.exists()


def test_the_intake_form_and_the_red_flag_on_the_ledger(tree: Tree, users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users[Role.OBSERVER])
    assert client.get(f"/classes/county/{tree.county.pk}/intake/").status_code == 403
    client.force_login(users[Role.COUNTY_OFFICE])
    url = f"/classes/county/{tree.county.pk}/intake/"
    fields = {"school": tree.school.pk, "year": 2026, "level": "primary", "students": 91, "classes": 2}
    page = client.post(url, {**fields, "grade": 2}).content.decode()
    assert "2 年级不是起始年级" in page and not PlannedIntake.objects.exists()
    page = client.post(url, {**fields, "grade": 1, "classes": 0}).content.decode()
    assert "计划招生 91 人却计划 0 个班" in page and not PlannedIntake.objects.exists()
    assert client.post(url, {**fields, "grade": 1}).status_code == 302
    ledger = client.get(f"/classes/county/{tree.county.pk}/").content.decode()
    assert 'class="flagged"' in ledger
    assert "将产生 46 人的班级，超过 45 人；至少需要 3 个班" in ledger
    assert "1 条会产生超额班级" in ledger


# Townships ----------------------------------------------------------------------------------------------


def test_the_import_sets_townships_and_the_ledger_shows_them(
    tmp_path: Path, tree: Tree, users: dict[str, User]
) -> None:
    office = users[Role.COUNTY_OFFICE]
    body = f"{SCHOOL},小学,3,1班,60,城关镇\n{SCHOOL},小学,3,2班,40,城关镇\n{OTHER},小学,1,1班,40,\n"
    _import(tmp_path, office, tree, "2025秋", AUTUMN_2025, body, HEADER + ",乡镇")
    tree.school.refresh_from_db()
    tree.other_school.refresh_from_db()
    assert (tree.school.township, tree.other_school.township) == ("城关镇", "")
    client = Client()
    client.force_login(office)
    page = client.get(f"/classes/county/{tree.county.pk}/").content.decode()
    township = page.split('id="by-township"')[1].split("</section>")[0]
    assert township.index("未填写乡镇") > township.index("城关镇")
    assert '<td class="num share fail">50.0%</td>' in township  # 城关镇: 1 大班额 of 2
    school = page.split('id="by-school"')[1].split("</section>")[0]
    over, within = school.split("<details>")
    assert "示范县实验小学" in over and "示范县第二小学" in within  # schools without an over-limit class fold away


def test_one_school_one_township_in_a_file(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    body = f"{SCHOOL},小学,3,1班,40,城关镇\n{SCHOOL},小学,3,2班,40,河口镇\n"
    with pytest.raises(InvalidData) as caught:
        _import(tmp_path, users[Role.COUNTY_OFFICE], tree, "2025秋", AUTUMN_2025, body, HEADER + ",乡镇")
    issue = caught.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (3, "乡镇", "河口镇")
    assert "与第 2 行给示范县实验小学填的“城关镇”不一致" in issue.message
    assert not Snapshot.objects.exists()
    tree.school.refresh_from_db()
    assert tree.school.township == ""


# Excel workbooks ----------------------------------------------------------------------------------------


def _workbook(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["学校标识码", "学段", "年级", "班级", "学生数", "乡镇"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_workbook_with_a_bad_cell_is_refused_cell_by_cell(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    path = _workbook(
        tmp_path / "班级名单.xlsx",
        [[SCHOOL, "小学", 3, "1班", 60, "城关镇"], [SCHOOL, "小学", 3, "2班", "四十", "城关镇"]],
    )
    with pytest.raises(InvalidData) as caught:
        imports.import_snapshot(
            user=users[Role.COUNTY_OFFICE],
            county_id=tree.county.pk,
            term="2025秋",
            date=AUTUMN_2025,
            path=path,
            name=path.name,
        )
    [issue] = caught.value.issues
    assert (issue.file, issue.row, issue.column, issue.value) == ("班级名单.xlsx", 3, "学生数", "四十")
    assert "不是非负整数" in issue.message
    assert (Snapshot.objects.count(), ClassRecord.objects.count(), LedgerRow.objects.count()) == (0, 0, 0)
    tree.school.refresh_from_db()
    assert tree.school.township == ""


def test_a_good_workbook_is_imported(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    rows = [
        [SCHOOL, "小学", 3, "1班", 60, "城关镇"],
        [SCHOOL, "小学", 3, "2班", 40, "城关镇"],
        [OTHER, "初中", 7, "1班", 51, None],
    ]
    path = _workbook(tmp_path / "班级名单.xlsx", rows)
    client = Client()
    client.force_login(users[Role.COUNTY_OFFICE])
    with path.open("rb") as upload:
        response = client.post(
            f"/classes/county/{tree.county.pk}/import/", {"term": "2025秋", "date": "2025-09-01", "file": upload}
        )
    assert response.status_code == 302
    assert sorted(ClassRecord.objects.values_list("class_name", "students")) == [("1班", 51), ("1班", 60), ("2班", 40)]
    assert sorted(LedgerRow.objects.values_list("grade", "students_found")) == [(3, 60), (7, 51)]
    assert Snapshot.objects.get().school_year == 2025


# The ledger page's query count ----------------------------------------------------------------------------


@pytest.mark.parametrize("schools", [2, 20])
def test_the_ledger_page_costs_the_same_queries_for_2_and_20_schools(
    tmp_path: Path, tree: Tree, users: dict[str, User], django_assert_num_queries: Any, schools: int
) -> None:
    """Session, user, memberships, the county, its city and province (for the standard), the snapshots,
    the rows, the classes with their schools, the intakes, and the layout's organisations."""
    office = users[Role.COUNTY_OFFICE]
    codes = [SCHOOL, OTHER] + [f"45210109{i:02d}" for i in range(schools - 2)]
    for i, code in enumerate(codes[2:]):
        Organisation.objects.create(
            kind="school", name=f"新校{i}", code=code, parent=tree.county, township=f"镇{i % 3}"
        )
    for term, date in (("2025春", SPRING_2025), ("2025秋", AUTUMN_2025)):
        _import(tmp_path, office, tree, term, date, "".join(f"{c},小学,1,1班,60\n{c},小学,1,2班,40\n" for c in codes))
    for code in codes:
        school = Organisation.objects.get(kind="school", code=code)
        _plan(office, tree, "primary", 1, 91, 2, school)
    assert LedgerRow.objects.count() == 2 * schools  # each 1班 in spring grade 1 and autumn grade 1 (two cohorts)
    client = Client()
    client.force_login(office)
    with django_assert_num_queries(QUERIES):
        response = client.get(f"/classes/county/{tree.county.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count('class="flagged"') == schools


QUERIES = 12  # 11, and the years the navigation offers


def test_the_data_migration_gives_existing_rows_the_cohort_they_were_found_in(
    tmp_path: Path, tree: Tree, users: dict[str, User]
) -> None:
    from django.apps import apps

    migration = importlib.import_module("junheng.web.classes.migrations.0002_cohort_intake_school_year")
    _import(tmp_path, users[Role.COUNTY_OFFICE], tree, "2026春", SPRING_2026, f"{OTHER},初中,8,1班,55\n")
    Snapshot.objects.update(school_year=0)  # as the column was added
    LedgerRow.objects.update(cohort=0)
    migration.fill_school_year_and_cohort(apps, None)
    assert Snapshot.objects.get().school_year == 2025
    assert LedgerRow.objects.get().cohort == 2024  # grade 8 in school year 2025 entered grade 7 in 2024


def test_the_change_log_names_fields_and_people_in_chinese(tmp_path: Path, tree: Tree, users: dict[str, User]) -> None:
    row = _proposed(tmp_path, tree, users)
    office = users[Role.COUNTY_OFFICE]
    office.first_name = "王督学"
    office.save()
    services.reject_close(user=office, row_id=row.pk, reason="人数不实")
    services.record_measures(user=office, row_id=row.pk, details=Measures(cause="学位不足", measures=("分班",)))
    client = Client()
    client.force_login(users[Role.OBSERVER])
    html = client.get(f"/classes/row/{row.pk}/").content.decode()
    history = html[html.index('id="history"') :]
    assert "<td>成因</td>" in history and "<td>整改措施</td>" in history and "<td>状态</td>" in history
    assert "<td>cause</td>" not in history and "<td>status</td>" not in history
    assert "<td>王督学</td>" in history and f"<td>{office.username}</td>" not in history
