"""Planned grade-1 and grade-7 intakes (起始年级招生计划, issue 6 §2) entered by the county office, one on a
form or many from a file; the start-grade guard reads them (`services.check_intakes`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction

from junheng.engine import class_size
from junheng.engine.class_size import IntakeProblem, InvalidIntake
from junheng.io.errors import DataFileError, DataIssue
from junheng.io.reader import read_labelled
from junheng.web.classes.imports import whole_number
from junheng.web.classes.models import PlannedIntake
from junheng.web.classes.services import rules_for
from junheng.web.errors import InvalidData
from junheng.web.levels import LEVEL_NAMES
from junheng.web.orgs import lookups
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User
from junheng.web.reading import reading

PLANNERS_ONLY = "只有县级督导室可以填写招生计划"


@transaction.atomic
def plan_intake(
    *, user: User, county_id: int, school_id: int, year: int, level: str, grade: int, students: int, classes: int
) -> PlannedIntake:
    """The county office enters (or corrects) a school's planned grade-1 or grade-7 intake for a year.
    Raises `InvalidIntake` (per field) for a grade that is not the start grade of its 学段 or students
    planned in no class."""
    county = lookups.managed_county(user, county_id, refusal=PLANNERS_ONLY)
    school = county.subtree().filter(pk=school_id, kind=Organisation.Kind.SCHOOL).first()
    if school is None:
        raise InvalidIntake([IntakeProblem(0, "school", f"该学校不是{county.name}的学校；请重新选择")])
    plan = pl.DataFrame(
        [(level, grade, students, classes)], schema=["level", "grade", "students", "classes"], orient="row"
    )
    problems = class_size.intake_problems(plan, rules_for(county))
    if problems:
        raise InvalidIntake(problems)
    intake, _ = PlannedIntake.objects.update_or_create(
        school=school, year=year, level=level, defaults={"county": county, "students": students, "classes": classes}
    )
    return intake


INTAKE_COLUMNS = {
    "school": "学校标识码",
    "year": "招生年份",
    "level": "学段",
    "grade": "年级",
    "students": "计划招生人数",
    "classes": "计划班数",
}


@transaction.atomic
def import_intakes(*, user: User, county_id: int, path: Path, name: str) -> int:
    """Store many schools' planned intakes from a CSV or Excel file (one row per school, year and 学段;
    a row replaces the stored plan of the same school, year and 学段). On any problem nothing is stored
    and every problem is reported, cell by cell. Returns the number of plans stored."""
    county = lookups.managed_county(user, county_id, refusal=PLANNERS_ONLY)
    schools = {s.code: s for s in county.subtree().filter(kind=Organisation.Kind.SCHOOL)}
    rows = _read_intakes(path, name, county, schools)
    for school, year, level, students, classes in rows:
        PlannedIntake.objects.update_or_create(
            school=school, year=year, level=level, defaults={"county": county, "students": students, "classes": classes}
        )
    return len(rows)


def _read_intakes(
    path: Path, name: str, county: Organisation, schools: Mapping[str, Organisation]
) -> list[tuple[Organisation, int, str, int, int]]:
    try:
        with reading(name):
            table = read_labelled(path, name, list(INTAKE_COLUMNS.values()))
    except DataFileError as exc:
        raise InvalidData(exc.issues) from exc
    issues: list[DataIssue] = []
    parsed: list[tuple[int, Organisation, int, str, int, int, int]] = []
    seen: dict[tuple[str, int, str], int] = {}
    values: dict[int, dict[str, str | None]] = {}
    for row, cells in table:
        value = values[row] = {key: cells[label] for key, label in INTAKE_COLUMNS.items()}

        def problem(key: str, message: str, *, row: int = row, value: Mapping[str, Any] = value) -> None:
            issues.append(DataIssue(name, row, INTAKE_COLUMNS[key], message, value[key]))

        school = schools.get(value["school"] or "")
        if school is None:
            problem("school", f"学校标识码“{value['school'] or ''}”不是{county.name}的学校；请核对")
        year = whole_number(value["year"])
        if year is None or not 2000 <= year <= 2100:
            problem("year", f"招生年份“{value['year'] or ''}”不正确；请填写四位年份，例如 2026")
        level = LEVEL_NAMES.get(value["level"] or "")
        if level is None:
            problem("level", f"学段“{value['level'] or ''}”无法识别；请填写“小学”或“初中”")
        numbers = {key: whole_number(value[key]) for key in ("grade", "students", "classes")}
        for column, number in numbers.items():
            if number is None:
                problem(column, f"{INTAKE_COLUMNS[column]}“{value[column] or ''}”不是非负整数；请填写")
        grade, students, classes = numbers["grade"], numbers["students"], numbers["classes"]
        if school is None or year is None or level is None or grade is None or students is None or classes is None:
            continue
        ident = (school.code, year, level.value)
        if ident in seen:
            problem("school", f"与第 {seen[ident]} 行是同一学校、年份和学段；每项计划只填一行")
            continue
        seen[ident] = row
        parsed.append((row, school, year, level.value, grade, students, classes))
    plans = pl.DataFrame(
        [p[3:] for p in parsed],
        schema={"level": pl.String, "grade": pl.Int64, "students": pl.Int64, "classes": pl.Int64},
        orient="row",
    )
    for found in class_size.intake_problems(plans, rules_for(county)):
        row, *_ = parsed[found.index]
        issues.append(DataIssue(name, row, INTAKE_COLUMNS[found.column], found.message, values[row][found.column]))
    if issues:
        raise InvalidData(sorted(issues, key=lambda i: i.row or 0))
    return [(school, year, level, students, classes) for _, school, year, level, _, students, classes in parsed]
