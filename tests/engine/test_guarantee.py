"""Government-guarantee items from school data, standard.md §5: G3 rooms, G4 school size, G5 class size."""

from __future__ import annotations

from typing import Any

import pytest

from junheng.engine.guarantee import county_guarantee, guarantee_items
from junheng.standards import load_standard
from tests.builders import junior_school, nine_year_school, primary_school, table

NATIONAL = load_standard("national-2017")


def _rooms(classes: int, music: int = 1, art: int = 1, music_m2: float = 96.0, art_m2: float = 90.0) -> dict[str, Any]:
    return {
        "classes_primary": classes,
        "music_rooms": music,
        "art_rooms": art,
        "music_room_min_area_m2": music_m2,
        "art_room_min_area_m2": art_m2,
        "max_class_size_primary": 45,
    }


def _item(record: dict[str, Any]) -> dict[str, Any]:
    return guarantee_items(table(record), NATIONAL).row(0, named=True)


def test_exactly_12_classes_need_one_music_and_one_art_room() -> None:
    school = _item(primary_school("a", **_rooms(12)))
    assert school["G3_rooms_needed"] == 1
    assert school["G3"] is True
    assert school["G3_reason"] is None


def test_13_classes_need_two_rooms_of_each() -> None:
    school = _item(primary_school("a", **_rooms(13)))
    assert school["G3_rooms_needed"] == 2
    assert school["G3"] is False
    assert school["G3_reason"] == "音乐专用教室 1 间，应不少于 2 间；美术专用教室 1 间，应不少于 2 间"


def test_a_music_room_of_95_9_square_metres_is_too_small() -> None:
    school = _item(primary_school("a", **_rooms(12, music_m2=95.9)))
    assert school["G3"] is False
    assert school["G3_reason"] == "最小音乐教室 95.9 ㎡，应不小于 96 ㎡"


def test_rooms_not_reported_are_not_judged_as_passing() -> None:
    school = _item(primary_school("a", **(_rooms(12) | {"music_room_min_area_m2": None})))
    assert school["G3"] is None
    assert school["G3_reason"] == "未填报班级数、专用教室数或最小教室面积"


@pytest.mark.parametrize(("students", "passes"), [(2000, True), (2001, False)])
def test_a_primary_school_may_have_2000_students(students: int, passes: bool) -> None:
    school = _item(primary_school("a", students=students, max_class_size_primary=45))
    assert school["G4"] is passes
    assert school["G4_limit"] == 2000


@pytest.mark.parametrize(("junior", "passes"), [(2500 - 166, True), (2501 - 166, False)])
def test_a_nine_year_schools_compulsory_part_may_have_2500_students(junior: int, passes: bool) -> None:
    school = _item(nine_year_school(students_junior=junior, max_class_size_primary=45, max_class_size_junior=50))
    assert school["G4_students"] == 166 + junior
    assert school["G4"] is passes


@pytest.mark.parametrize(
    ("record", "passes", "reason"),
    [
        (primary_school("a", max_class_size_primary=45), True, None),
        (primary_school("a", max_class_size_primary=46), False, "小学最大班额 46 人，超过 45 人"),
        (junior_school("j", max_class_size_junior=50), True, None),
        (junior_school("j", max_class_size_junior=51), False, "初中最大班额 51 人，超过 50 人"),
        (primary_school("a"), None, "未填报最大班额"),
    ],
)
def test_class_sizes_are_at_most_45_in_primary_and_50_in_junior(
    record: dict[str, Any], passes: bool | None, reason: str | None
) -> None:
    school = _item(record)
    assert school["G5"] is passes
    assert school["G5_reason"] == reason


def test_the_county_passes_an_item_only_when_every_school_does() -> None:
    records = [
        primary_school("a", **_rooms(12)),
        primary_school("b", **_rooms(13)),
        primary_school("sp", school_type="special", max_class_size_primary=80),  # not in scope
    ]
    county = county_guarantee(guarantee_items(table(*records), NATIONAL)).row(0, named=True)
    assert county["G3"] is False
    assert county["G3_failing"] == ["b"]
    assert county["G5"] is True
    assert county["G4"] is True
