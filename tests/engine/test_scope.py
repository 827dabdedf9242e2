"""Which schools take part, standard.md §2: special schools and small teaching points are left out, with reasons."""

from __future__ import annotations

from junheng.engine import evaluate
from junheng.standards import load_standard
from tests.builders import primary_school, table

NATIONAL = load_standard("national-2017")


def _excluded(*records: dict[str, object]) -> dict[str, str]:
    frame = evaluate(table(*records), NATIONAL).excluded
    return dict(zip(frame["school_id"].to_list(), frame["reason"].to_list(), strict=True))


def test_a_special_education_school_is_left_out_with_its_reason() -> None:
    excluded = _excluded(primary_school("a"), primary_school("sp", school_type="special"))
    assert excluded == {"sp": "特殊教育学校不参与资源配置评估"}


def test_a_teaching_point_of_49_students_is_left_out() -> None:
    excluded = _excluded(primary_school("a"), primary_school("tp", students=49, school_type="teaching_point"))
    assert excluded == {"tp": "教学点在校生 49 人，少于 50 人，不参与计算"}


def test_a_teaching_point_of_50_students_counts_as_a_primary_school() -> None:
    evaluation = evaluate(table(primary_school("tp", students=50, school_type="teaching_point")), NATIONAL)
    assert evaluation.excluded.height == 0
    assert evaluation.schools["level"].to_list() == ["primary"]


def test_a_school_with_no_compulsory_students_is_left_out() -> None:
    record = primary_school(
        "w",
        students=0,
        school_type="complete_middle",
        students_senior=900,
        teachers_above_degree_primary=0,
        backbone_teachers_primary=0,
        pe_art_teachers_primary=0,
    )
    assert _excluded(primary_school("a"), record) == {"w": "无义务教育阶段在校生"}


def test_excluded_schools_do_not_enter_the_difference_coefficient() -> None:
    poor_point = primary_school("tp", students=20, school_type="teaching_point", teaching_aux_area_m2=1.0)
    levels = evaluate(table(primary_school("a"), primary_school("b", students=300), poor_point), NATIONAL).levels
    assert levels.filter(levels["indicator"] == "L4")["cv"].item() == 0.0
