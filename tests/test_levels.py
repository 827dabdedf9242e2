"""学段 and their grades, defined once (issue 11 §1): every layer derives from `junheng.levels`."""

from __future__ import annotations

from junheng.engine.class_size import START_GRADES
from junheng.engine.places import GRADES
from junheng.levels import COMPULSORY_LEVELS, LEVEL_LABELS, Level
from junheng.plan.projection import projection_settings
from junheng.standards import load_standard


def test_primary_is_grades_1_to_6_junior_7_to_9_senior_10_to_12() -> None:
    assert [list(level.grades) for level in Level] == [[1, 2, 3, 4, 5, 6], [7, 8, 9], [10, 11, 12]]
    assert LEVEL_LABELS == {"primary": "小学", "junior": "初中", "senior": "高中"}
    assert COMPULSORY_LEVELS == (Level.PRIMARY, Level.JUNIOR)


def test_the_engine_and_the_planner_take_the_grades_from_the_one_definition() -> None:
    assert START_GRADES == {"primary": 1, "junior": 7}
    assert GRADES == {"primary": 6, "junior": 3}
    assert projection_settings(load_standard("national-2017")).grades == {"primary": 6, "junior": 3}
