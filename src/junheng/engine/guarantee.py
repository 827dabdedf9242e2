"""Government-guarantee items computed from school data, standard.md §5: G3 rooms, G4 school size, G5 class size.

Each item is judged per school in scope (the schools of the resource-allocation evaluation) and the
county passes an item when every school does. A school that did not report a figure the item needs is
not judged as passing: it is listed with the reason, so the county can fill the gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from junheng.engine.scope import KEYS, partition_scope
from junheng.engine.text import sentence
from junheng.levels import LEVEL_LABELS
from junheng.standards import Standard, StandardError

# Types whose compulsory part may be as large as `max_students_through_school` (九年/十二年一贯制).
THROUGH_SCHOOL_TYPES = ("nine_year", "twelve_year")


@dataclass(frozen=True, slots=True)
class GuaranteeRules:
    """The thresholds of G3–G5 read from the standard's data (never literals in code)."""

    classes_per_room: int
    music_room_min_m2: float
    art_room_min_m2: float
    max_students: int
    max_students_through_school: int
    max_class_size: dict[str, int]

    @classmethod
    def of(cls, standard: Standard) -> GuaranteeRules:
        """G3–G5's settings; a standard without them (basic-2012) cannot judge these items."""
        items = standard.guarantee
        try:
            g3, g4, g5 = items["G3"], items["G4"], items["G5"]
            music, art, size = g3.music_room_min_m2, g3.art_room_min_m2, g5.max_class_size
            if g3.classes_per_room is None or music is None or art is None or size is None:
                raise KeyError("G3/G5")
            if g4.max_students is None or g4.max_students_through_school is None:
                raise KeyError("G4")
        except KeyError:
            raise StandardError(standard.name, "标准没有给出 G3–G5 的设置（专用教室、学校规模、班额）") from None
        return cls(
            classes_per_room=g3.classes_per_room,
            music_room_min_m2=float(music),
            art_room_min_m2=float(art),
            max_students=g4.max_students,
            max_students_through_school=g4.max_students_through_school,
            max_class_size={str(k): v for k, v in size.items()},
        )


def guarantee_items(schools: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """One row per school in scope with G3, G4 and G5 judged: `G3`, `G4`, `G5` (true, false, or null when
    a needed figure is not reported) and `G3_reason`, `G4_reason`, `G5_reason` in Chinese for the others."""
    rules = GuaranteeRules.of(standard)
    included, _ = partition_scope(schools, standard)
    classes = pl.col("classes_primary").fill_null(0) + pl.col("classes_junior").fill_null(0)
    reported_classes = pl.col("classes_primary").is_not_null() | pl.col("classes_junior").is_not_null()
    needed = (classes + rules.classes_per_room - 1) // rules.classes_per_room  # ceil(classes / 12)
    compulsory = pl.col("students_primary") + pl.col("students_junior")
    limit = (
        pl.when(pl.col("school_type").is_in(THROUGH_SCHOOL_TYPES))
        .then(rules.max_students_through_school)
        .otherwise(rules.max_students)
    )
    return included.select(
        *KEYS,
        "school_id",
        "school_name",
        "school_type",
        needed.alias("G3_rooms_needed"),
        *_g3(rules, needed, reported_classes),
        compulsory.alias("G4_students"),
        limit.alias("G4_limit"),
        (compulsory <= limit).alias("G4"),
        pl.when(compulsory > limit)
        .then(sentence("义务教育阶段在校生 ", compulsory, " 人，超过 ", limit, " 人"))
        .otherwise(None)
        .alias("G4_reason"),
        *_g5(rules),
    )


def _g3(rules: GuaranteeRules, needed: pl.Expr, reported_classes: pl.Expr) -> list[pl.Expr]:
    music, art = pl.col("music_rooms"), pl.col("art_rooms")
    music_area, art_area = pl.col("music_room_min_area_m2"), pl.col("art_room_min_area_m2")
    missing = ~reported_classes | music.is_null() | art.is_null() | music_area.is_null() | art_area.is_null()
    problems = pl.concat_str(
        [
            pl.when(music < needed).then(sentence("音乐专用教室 ", music, " 间，应不少于 ", needed, " 间")),
            pl.when(art < needed).then(sentence("美术专用教室 ", art, " 间，应不少于 ", needed, " 间")),
            pl.when(music_area < rules.music_room_min_m2).then(
                sentence("最小音乐教室 ", music_area, f" ㎡，应不小于 {_number(rules.music_room_min_m2)} ㎡")
            ),
            pl.when(art_area < rules.art_room_min_m2).then(
                sentence("最小美术教室 ", art_area, f" ㎡，应不小于 {_number(rules.art_room_min_m2)} ㎡")
            ),
        ],
        separator="；",
        ignore_nulls=True,
    )
    return [
        pl.when(missing).then(None).otherwise(problems == "").alias("G3"),
        pl.when(missing)
        .then(pl.lit("未填报班级数、专用教室数或最小教室面积"))
        .when(problems != "")
        .then(problems)
        .otherwise(None)
        .alias("G3_reason"),
    ]


def _g5(rules: GuaranteeRules) -> list[pl.Expr]:
    over = [
        pl.when(pl.col(f"max_class_size_{level}") > limit).then(
            sentence(f"{LEVEL_LABELS[level]}最大班额 ", pl.col(f"max_class_size_{level}"), f" 人，超过 {limit} 人")
        )
        for level, limit in rules.max_class_size.items()
    ]
    unreported = pl.any_horizontal(
        (pl.col(f"students_{level}") > 0) & pl.col(f"max_class_size_{level}").is_null()
        for level in rules.max_class_size
    )
    problems = pl.concat_str(over, separator="；", ignore_nulls=True)
    return [
        pl.when(unreported).then(None).otherwise(problems == "").alias("G5"),
        pl.when(unreported)
        .then(pl.lit("未填报最大班额"))
        .when(problems != "")
        .then(problems)
        .otherwise(None)
        .alias("G5_reason"),
    ]


def county_guarantee(items: pl.DataFrame) -> pl.DataFrame:
    """Per county and year, each item passes when every school passes it (unreported counts against it)."""
    return items.group_by(KEYS, maintain_order=True).agg(
        *(pl.col(item).fill_null(False).all().alias(item) for item in ("G3", "G4", "G5")),
        *(
            pl.col("school_id").filter(~pl.col(item).fill_null(False)).alias(f"{item}_failing")
            for item in ("G3", "G4", "G5")
        ),
    )


def _number(value: float) -> str:
    return f"{value:g}"
