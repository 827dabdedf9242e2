"""Planned grade-1 and grade-7 intakes (起始年级招生计划, issue 6 §2) entered by the county office, one on a
form or many from a file; the start-grade guard reads them (`services.check_intakes`)."""

from __future__ import annotations

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction

from junheng.engine import class_size
from junheng.engine.class_size import IntakeProblem, InvalidIntake
from junheng.web.classes.models import PlannedIntake
from junheng.web.classes.services import county_of, rules_for
from junheng.web.orgs import scope
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User


@transaction.atomic
def plan_intake(
    *, user: User, county_id: int, school_id: int, year: int, level: str, grade: int, students: int, classes: int
) -> PlannedIntake:
    """The county office enters (or corrects) a school's planned grade-1 or grade-7 intake for a year.
    Raises `InvalidIntake` (per field) for a grade that is not the start grade of its 学段 or students
    planned in no class."""
    county = county_of(user, county_id)
    if not scope.can_manage(user, county):
        raise PermissionDenied("只有县级督导室可以填写招生计划")
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
