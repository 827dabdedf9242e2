"""Counts that contradict each other by definition are errors at their cell (schema.AT_MOST)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from junheng.io.errors import DataFileError
from junheng.io.reader import check_records, read_school_file
from junheng.schema import AT_MOST, FIELDS_BY_KEY, AtMost
from junheng.standards import Standard, load_standard
from junheng.synth import brought_up, synthesize
from tests.builders import junior_school, primary_school
from tests.io.builders import PRIMARY_SCHOOL, only_issue, write_schools

# The builder's 小学 has 530 pupils, 25 teachers above the degree, 6 backbone and 5 PE/art teachers.
FULL_TIME = "小学专任教师数"


def test_fewer_full_time_teachers_than_teachers_above_the_degree_is_an_error_at_that_cell(
    tmp_path: Path, national: Standard
) -> None:
    issue = only_issue(write_schools(tmp_path, {}, {FULL_TIME: "20"}), national)

    assert (issue.row, issue.column, issue.value) == (3, "小学高于规定学历教师数", "25")
    assert issue.message == (
        "小学高于规定学历教师数（25）多于小学专任教师数（20）：高于规定学历教师是专任教师的一部分，"
        "不能多于小学专任教师数；请核对这两个数"
    )


def test_as_many_full_time_teachers_as_teachers_above_the_degree_is_accepted(
    tmp_path: Path, national: Standard
) -> None:
    table = read_school_file(write_schools(tmp_path, {FULL_TIME: "25"}), national)

    assert table["full_time_teachers_primary"].to_list() == [25]


@pytest.mark.parametrize("relation", AT_MOST, ids=lambda r: f"{r.part}<={r.whole}")
def test_each_part_larger_than_its_whole_is_refused_naming_both_figures(national: Standard, relation: AtMost) -> None:
    part, whole = FIELDS_BY_KEY[relation.part], FIELDS_BY_KEY[relation.whole]
    level = part.level or "primary"  # a school's own figure (a room's area): any school will do
    school = primary_school if level == "primary" else junior_school
    other_level = {f.key: 0 for f in FIELDS_BY_KEY.values() if f.level not in (None, level, "senior")}
    record = other_level | school("s1", students=1000) | {relation.part: 600, relation.whole: 599}

    with pytest.raises(DataFileError) as refused:
        check_records([record], national, source="表单")

    assert [(i.row, i.column) for i in refused.value.issues] == [(2, relation.part)]
    assert refused.value.issues[0].message.startswith(f"{part.label}（600）多于{whole.label}（599）：{relation.why}")


def test_an_optional_whole_left_empty_is_not_compared(tmp_path: Path, national: Standard) -> None:
    table = read_school_file(write_schools(tmp_path, {FULL_TIME: ""}), national)

    assert table["full_time_teachers_primary"].to_list() == [None]


def test_a_cell_already_wrong_gets_one_message_not_two(tmp_path: Path, national: Standard) -> None:
    no_pupils = {"小学在校生数": "0", "小学班级数": "3"} | {
        label: "0" for label in PRIMARY_SCHOOL if label.startswith("小学") and label.endswith("教师数")
    }
    issue = only_issue(write_schools(tmp_path, no_pupils), national)

    # 3 classes of 0 pupils: the 学段's own check speaks, and the class count is not also "more than the pupils".
    assert (issue.column, issue.message) == (
        "小学班级数",
        "小学在校生数为 0，小学班级数却为 3：该学段有班级但没有学生；请核对小学在校生数，或把小学班级数改为 0",
    )


@pytest.mark.parametrize("standard_name", ["national-2017", "basic-2012"])
def test_the_demo_city_keeps_every_part_within_its_whole(standard_name: str) -> None:
    """The demo's data (web/demo.py: a synthesized city with its last county brought up) passes the checks."""
    city = synthesize(counties=4, schools_per_county=60, years=(2023, 2024, 2025), seed=2025)
    city = brought_up(city, city["county"][-1], load_standard(standard_name))

    broken = {r.part: city.filter(pl.col(r.part) > pl.col(r.whole)).height for r in AT_MOST}

    assert broken == dict.fromkeys(broken, 0)
