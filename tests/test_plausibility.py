"""The plausibility rules (junheng.plausibility): warnings on figures that are possible but rare, never errors."""

from __future__ import annotations

from junheng.plausibility import GROWTH_FACTOR, LARGEST_CLASS, RULES, Ceiling, RatioCeiling, Unusual, warnings
from junheng.schema import FIELDS_BY_KEY, NUMERIC_KINDS


def test_a_class_of_85_is_questioned_and_one_of_80_is_not() -> None:
    assert warnings({"max_class_size_primary": 85}) == [
        Unusual("max_class_size_primary", "小学最大班额为 85，超过 80：一个班超过 80 人极为少见，多为录入错误")
    ]
    assert warnings({"max_class_size_primary": LARGEST_CLASS}) == []


def test_an_average_class_above_80_is_questioned_on_the_number_of_classes() -> None:
    found = warnings({"students_junior": 1_700, "classes_junior": 20})
    assert found == [
        Unusual(
            "classes_junior",
            "初中平均班额为 85 人（1,700 人 ÷ 20 个班），超过 80 人："
            "平均每班超过 80 人极为少见，请核对在校生数和班级数",
        )
    ]
    assert warnings({"students_junior": 1_600, "classes_junior": 20}) == []


def test_more_full_time_teachers_than_students_is_questioned() -> None:
    (found,) = warnings({"full_time_teachers_primary": 30, "students_primary": 12})
    assert found.field == "full_time_teachers_primary"
    assert found.message == "小学专任教师数（30）多于小学在校生数（12）：专任教师一般少于学生，请核对"


def test_music_rooms_of_the_smallest_area_larger_than_all_teaching_rooms_are_questioned() -> None:
    values = {"music_rooms": 3, "music_room_min_area_m2": 90.0, "teaching_aux_area_m2": 250.0}
    (found,) = warnings(values)
    assert found.field == "music_room_min_area_m2"
    assert found.message.startswith("音乐专用教室数 3 × 最小音乐教室面积 90 = 270，多于教学及辅助用房面积（250）")
    assert warnings(values | {"teaching_aux_area_m2": 270.0}) == []


def test_a_figure_ten_times_last_years_or_a_tenth_of_it_is_questioned() -> None:
    last_year = {"books": 12_000, "computers": 40}
    assert warnings({"books": 120_000, "computers": 4}, last_year) == [
        Unusual("computers", "计算机台数为 4，不到上年（40）的十分之一：请核对是否多输或少输了位数"),
        Unusual("books", "图书册数为 120,000，是上年（12,000）的 10 倍：请核对是否多输或少输了位数"),
    ]
    assert warnings({"books": 12_000 * GROWTH_FACTOR - 1, "computers": 5}, last_year) == []


def test_without_last_year_or_without_a_figure_nothing_is_compared() -> None:
    assert warnings({"books": 120_000}) == []
    assert warnings({"books": None}, {"books": 12_000}) == []
    assert warnings({"books": 120_000}, {"books": 0}) == []


def test_every_rule_names_numeric_fields_of_the_schema() -> None:
    for rule in RULES:
        if isinstance(rule, Ceiling):
            keys = [rule.key]
        elif isinstance(rule, RatioCeiling):
            keys = [rule.numerator, rule.denominator]
        else:
            keys = [key for key in (rule.part, rule.whole, rule.times) if key is not None]
        assert all(FIELDS_BY_KEY[key].kind in NUMERIC_KINDS for key in keys), rule
