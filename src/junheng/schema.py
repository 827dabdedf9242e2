"""The school data file's fields, contracts.md §1, as data.

Every layer names a column by its key here: the reader maps English or Chinese headers onto these
keys, the engine computes from them, the writers label them with the Chinese header.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from junheng.levels import COMPULSORY_LEVELS, LEVEL_LABELS


class SchoolType(StrEnum):
    PRIMARY = "primary"
    JUNIOR = "junior"
    NINE_YEAR = "nine_year"
    COMPLETE_MIDDLE = "complete_middle"
    TWELVE_YEAR = "twelve_year"
    TEACHING_POINT = "teaching_point"
    SPECIAL = "special"


SCHOOL_TYPE_LABELS: dict[str, str] = {
    "primary": "小学",
    "junior": "初中",
    "nine_year": "九年一贯制学校",
    "complete_middle": "完全中学",
    "twelve_year": "十二年一贯制学校",
    "teaching_point": "教学点",
    "special": "特殊教育学校",
}

# Other spellings users write in the 学校类型 column; the canonical labels above are accepted too.
SCHOOL_TYPE_ALIASES: dict[str, str] = {
    "小学": "primary",
    "完全小学": "primary",
    "初中": "junior",
    "初级中学": "junior",
    "九年一贯制": "nine_year",
    "九年一贯制学校": "nine_year",
    "完全中学": "complete_middle",
    "完中": "complete_middle",
    "十二年一贯制": "twelve_year",
    "十二年一贯制学校": "twelve_year",
    "教学点": "teaching_point",
    "特殊教育学校": "special",
    "特教学校": "special",
    "特殊教育": "special",
}

# The 学段 each school type may enrol. Students of any other 学段 are an input error.
SCHOOL_TYPE_LEVELS: dict[str, tuple[str, ...]] = {
    "primary": ("primary",),
    "junior": ("junior",),
    "nine_year": ("primary", "junior"),
    "complete_middle": ("junior", "senior"),
    "twelve_year": ("primary", "junior", "senior"),
    "teaching_point": ("primary",),
    "special": ("primary", "junior", "senior"),
}


class Kind(StrEnum):
    """How a cell is parsed."""

    INTEGER = "integer"
    NUMBER = "number"
    TEXT = "text"
    SCHOOL_TYPE = "school_type"
    OWNERSHIP = "ownership"
    AREA_TYPE = "area_type"
    YES_NO = "yes_no"


@dataclass(frozen=True, slots=True)
class Field:
    """One column of the data file."""

    key: str
    label: str
    kind: Kind
    always_required: bool = False
    unit: str | None = None  # the unit the value is stored in: 元 or ㎡
    level: str | None = None  # the 学段 a per-level column belongs to
    # The largest value a school can sensibly report, in `unit`: generous (several times the largest
    # school in China) but finite, so that a mistyped 1e308 is refused at entry and no sum overflows.
    maximum: float | None = None


def _per_level(
    stem: str, label_stem: str, kind: Kind, levels: tuple[str, ...], required: bool, maximum: float
) -> list[Field]:
    return [
        Field(
            f"{stem}_{lv}", f"{LEVEL_LABELS[lv]}{label_stem}", kind, always_required=required, level=lv, maximum=maximum
        )
        for lv in levels
    ]


_PJ = ("primary", "junior")

# The bounds of a school's figures: students and people of one 学段, rooms, areas (㎡) and money (元).
_STUDENTS = 50_000
_CLASSES = 1_000
_TEACHERS = 5_000
_CLASS_SIZE = 1_000
_ROOMS = 5_000
_ROOM_AREA_M2 = 10_000
_AREA_M2 = 10_000_000
_EQUIPMENT_YUAN = 10_000_000_000
_COMPUTERS = 100_000
_BOOKS = 100_000_000

FIELDS: tuple[Field, ...] = (
    Field("year", "年度", Kind.INTEGER, always_required=True),
    Field("county", "县区", Kind.TEXT, always_required=True),
    Field("county_code", "县区代码", Kind.TEXT),
    Field("school_id", "学校标识码", Kind.TEXT, always_required=True),
    Field("school_name", "学校名称", Kind.TEXT, always_required=True),
    Field("school_type", "学校类型", Kind.SCHOOL_TYPE, always_required=True),
    Field("ownership", "办学性质", Kind.OWNERSHIP),
    Field("area_type", "城乡分类", Kind.AREA_TYPE),
    Field("boarding", "寄宿制学校", Kind.YES_NO),
    *_per_level("students", "在校生数", Kind.INTEGER, ("primary", "junior", "senior"), True, _STUDENTS),
    *_per_level("classes", "班级数", Kind.INTEGER, _PJ, False, _CLASSES),
    *_per_level("teachers_above_degree", "高于规定学历教师数", Kind.INTEGER, _PJ, False, _TEACHERS),
    *_per_level("backbone_teachers", "县级以上骨干教师数", Kind.INTEGER, _PJ, False, _TEACHERS),
    *_per_level("pe_art_teachers", "体育艺术专任教师数", Kind.INTEGER, _PJ, False, _TEACHERS),
    Field("teaching_aux_area_m2", "教学及辅助用房面积", Kind.NUMBER, unit="㎡", maximum=_AREA_M2),
    Field("sports_area_m2", "体育运动场馆面积", Kind.NUMBER, unit="㎡", maximum=_AREA_M2),
    Field("equipment_value_yuan", "教学仪器设备值", Kind.NUMBER, unit="元", maximum=_EQUIPMENT_YUAN),
    Field("multimedia_rooms", "网络多媒体教室数", Kind.INTEGER, maximum=_ROOMS),
    Field("music_rooms", "音乐专用教室数", Kind.INTEGER, maximum=_ROOMS),
    Field("art_rooms", "美术专用教室数", Kind.INTEGER, maximum=_ROOMS),
    Field("music_room_min_area_m2", "最小音乐教室面积", Kind.NUMBER, unit="㎡", maximum=_ROOM_AREA_M2),
    Field("art_room_min_area_m2", "最小美术教室面积", Kind.NUMBER, unit="㎡", maximum=_ROOM_AREA_M2),
    *_per_level("max_class_size", "最大班额", Kind.INTEGER, _PJ, False, _CLASS_SIZE),
    *_per_level("full_time_teachers", "专任教师数", Kind.INTEGER, _PJ, False, _TEACHERS),
    *_per_level("mid_title_teachers", "中级及以上职称教师数", Kind.INTEGER, _PJ, False, _TEACHERS),
    Field("computers", "计算机台数", Kind.INTEGER, maximum=_COMPUTERS),
    Field("books", "图书册数", Kind.INTEGER, maximum=_BOOKS),
)

FIELDS_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}


@dataclass(frozen=True, slots=True)
class AtMost:
    """Two figures of a school where the first counts part of what the second counts, so it cannot be larger."""

    part: str  # field key
    whole: str  # field key
    why: str  # in Chinese: what makes the first a part of the second


def _per_compulsory_level(part: str, whole: str, why: str) -> list[AtMost]:
    return [AtMost(f"{part}_{lv}", f"{whole}_{lv}", why) for lv in COMPULSORY_LEVELS]


# Relations true by the figures' definitions, checked wherever both figures are reported.
AT_MOST: tuple[AtMost, ...] = (
    *_per_compulsory_level("teachers_above_degree", "full_time_teachers", "高于规定学历教师是专任教师的一部分"),
    *_per_compulsory_level("backbone_teachers", "full_time_teachers", "县级以上骨干教师是专任教师的一部分"),
    *_per_compulsory_level("pe_art_teachers", "full_time_teachers", "体育艺术专任教师是专任教师的一部分"),
    *_per_compulsory_level("mid_title_teachers", "full_time_teachers", "中级及以上职称教师是专任教师的一部分"),
    *_per_compulsory_level("classes", "students", "每个班至少有一名该学段的学生"),
    *_per_compulsory_level("max_class_size", "students", "最大班额的学生都是该学段的在校生"),
    AtMost("music_room_min_area_m2", "teaching_aux_area_m2", "音乐专用教室是教学及辅助用房的一部分"),
    AtMost("art_room_min_area_m2", "teaching_aux_area_m2", "美术专用教室是教学及辅助用房的一部分"),
)

NUMERIC_KINDS = frozenset({Kind.INTEGER, Kind.NUMBER})

OWNERSHIP_VALUES: dict[str, str] = {
    "公办": "public",
    "民办": "private",
    "public": "public",
    "private": "private",
}
AREA_TYPE_VALUES: dict[str, str] = {
    "城区": "urban",
    "镇区": "town",
    "乡村": "rural",
    "urban": "urban",
    "town": "town",
    "rural": "rural",
}
YES_NO_VALUES: dict[str, bool] = {
    "是": True,
    "否": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
}


def polars_schema() -> dict[str, pl.DataType]:
    """The dtypes of a validated data-file table, one column per field in FIELDS order."""
    dtypes: dict[Kind, pl.DataType] = {
        Kind.INTEGER: pl.Int64(),
        Kind.NUMBER: pl.Float64(),
        Kind.YES_NO: pl.Boolean(),
    }
    return {f.key: dtypes.get(f.kind, pl.String()) for f in FIELDS}


def school_table(records: list[dict[str, object]]) -> pl.DataFrame:
    """A validated-shape table from records keyed by field key; absent fields are null."""
    schema = polars_schema()
    return (
        pl.DataFrame([{key: rec.get(key) for key in schema} for rec in records], schema=schema, orient="row")
        if records
        else pl.DataFrame(schema=schema)
    )


def within_bounds(table: pl.DataFrame) -> pl.DataFrame:
    """`table` with every figure outside its field's bounds (below 0, above `maximum`, NaN) made null.

    The checks refuse such a figure at entry; one stored before they did counts as not reported, so that
    it cannot carry an infinity into a county's results, until the school corrects it.
    """
    return table.with_columns(
        pl.when(pl.col(f.key).is_between(0, f.maximum)).then(pl.col(f.key)).alias(f.key)
        for f in FIELDS
        if f.maximum is not None and f.key in table.columns
    )
