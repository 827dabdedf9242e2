"""Importing a term's class lists into the class-size ledger (大班额台账, issue 6 §2): the file read cell by
cell, nothing stored on any problem, then the ledger updated."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import transaction

from junheng.engine import class_size
from junheng.io.errors import DataFileError, DataIssue
from junheng.io.reader import read_labelled
from junheng.web.classes.models import ClassRecord, Snapshot
from junheng.web.classes.services import acting, update_ledger
from junheng.web.errors import InvalidData, WorkflowError
from junheng.web.levels import LEVEL_NAMES
from junheng.web.orgs import lookups
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User
from junheng.web.reading import reading

COLUMNS = {"school": "学校标识码", "level": "学段", "grade": "年级", "class_name": "班级", "students": "学生数"}
TOWNSHIP = "乡镇"  # optional column: sets or updates the school's township
IMPORTERS_ONLY = "只有县级督导室可以导入班额数据"


@transaction.atomic
def import_snapshot(*, user: User, county_id: int, term: str, date: datetime.date, path: Path, name: str) -> Snapshot:
    """Store a term's class lists (学校标识码, 学段, 年级, 班级, 学生数, optionally 乡镇) and update the
    ledger; on any problem nothing is stored and every problem is reported, cell by cell. A 乡镇 given for
    a school sets or updates its township."""
    county = lookups.managed_county(user, county_id, refusal=IMPORTERS_ONLY)
    term = term.strip()
    latest = Snapshot.objects.filter(county=county).order_by("-date").first()
    if not term:
        raise WorkflowError("请填写学期，例如 2025秋")
    if Snapshot.objects.filter(county=county, term=term).exists():
        raise WorkflowError(f"{term} 的班额数据已经导入过；每个学期导入一次")
    if latest is not None and date <= latest.date:
        raise WorkflowError(f"统计日期应晚于上一次导入（{latest.term}，{latest.date:%Y-%m-%d}）")
    schools = {s.code: s for s in county.subtree().filter(kind=Organisation.Kind.SCHOOL)}
    classes, townships = _read_classes(path, name, county, schools)
    snapshot = Snapshot.objects.create(
        county=county,
        term=term,
        date=date,
        school_year=class_size.school_year(date.month, date.year),
        imported_by=acting(user),
    )
    ClassRecord.objects.bulk_create(ClassRecord(snapshot=snapshot, **c) for c in classes)
    moved = [school for school, township in townships.items() if school.township != township]
    for school in moved:
        school.township = townships[school]
    Organisation.objects.bulk_update(moved, ["township"])
    update_ledger(county, snapshot)
    return snapshot


def _read_classes(
    path: Path, name: str, county: Organisation, schools: Mapping[str, Organisation]
) -> tuple[list[dict[str, Any]], dict[Organisation, str]]:
    try:
        with reading(name):
            table = read_labelled(path, name, list(COLUMNS.values()), optional=[TOWNSHIP])
    except DataFileError as exc:
        raise InvalidData(exc.issues) from exc
    issues: list[DataIssue] = []
    classes: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, int, str], int] = {}
    townships: dict[Organisation, str] = {}
    township_rows: dict[Organisation, int] = {}
    for row, cells in table:
        value = {key: cells[label] for key, label in COLUMNS.items()}
        value["township"] = cells[TOWNSHIP]

        def problem(key: str, message: str, *, row: int = row, value: Mapping[str, Any] = value) -> None:
            issues.append(DataIssue(name, row, COLUMNS.get(key, TOWNSHIP), message, value[key]))

        school = schools.get(value["school"] or "")
        if value["school"] is None:
            problem("school", "学校标识码为空；请填写")
        elif school is None:
            problem("school", f"学校标识码“{value['school']}”不是{county.name}的学校；请核对")
        level = LEVEL_NAMES.get(value["level"] or "")
        if level is None:
            problem("level", f"学段“{value['level'] or ''}”无法识别；请填写“小学”或“初中”")
        grade = whole_number(value["grade"])
        if grade is None or (level is not None and grade not in level.grades):
            allowed = (
                "小学填 1–6，初中填 7–9" if level is None else f"{level.label}填 {level.grades[0]}–{level.grades[-1]}"
            )
            problem("grade", f"年级“{value['grade'] or ''}”不正确；{allowed}")
        if value["class_name"] is None:
            problem("class_name", "班级为空；请填写班级名称，例如 1班")
        students = whole_number(value["students"])
        if students is None:
            problem("students", f"学生数“{value['students'] or ''}”不是非负整数；请填写班级的学生人数")
        if school is not None and value["township"] is not None:
            first = townships.setdefault(school, value["township"])
            if first != value["township"]:
                problem(
                    "township",
                    f"乡镇“{value['township']}”与第 {township_rows[school]} 行给{school.name}填的“{first}”不一致；"
                    "一所学校只能属于一个乡镇（街道）",
                )
            township_rows.setdefault(school, row)
        if school is None or level is None or grade is None or value["class_name"] is None or students is None:
            continue
        key = (school.code, level.value, grade, value["class_name"])
        if key in seen:
            problem("class_name", f"与第 {seen[key]} 行是同一个班级；每个班级只填一行")
            continue
        seen[key] = row
        classes.append(
            {"school": school, "level": level, "grade": grade, "class_name": value["class_name"], "students": students}
        )
    if issues:
        raise InvalidData(issues)
    return classes, townships


def whole_number(text: str | None) -> int | None:
    """A cell's text as a non-negative whole number; None for anything else."""
    return int(text) if text is not None and text.isascii() and text.isdigit() else None
