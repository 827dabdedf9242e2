"""Flags for suspicious figures, so that a reviewer catches falsified or mistyped data (a veto item).

Pure functions over records: the caller fetches a county's records of a year and of the year before
in one query and passes them in. A flag is a question for the reviewer, not an error: the importer
has already rejected what is impossible on its face.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

from junheng.io.cells import at_most_message, bounds_text
from junheng.levels import COMPULSORY_LEVELS, LEVEL_LABELS
from junheng.messages import number_text
from junheng.plausibility import warnings
from junheng.schema import AT_MOST, FIELDS, FIELDS_BY_KEY
from junheng.web.collection.models import SchoolRecord

# JUNHENG_CHANGE_RATIO: a figure moving more than this share of last year's value is flagged.
DEFAULT_CHANGE_RATIO = 0.5
# Area per student outside [Q1 − FENCE·IQR, Q3 + FENCE·IQR] of the county's schools is flagged: 3 is
# Tukey's "far out", so a county's ordinary spread between town and village schools stays unflagged.
FENCE = 3.0
# Quartiles of fewer schools say nothing about a county's range.
FEWEST_SCHOOLS_FOR_RANGE = 4

_STUDENT_KEYS = tuple(f"students_{level}" for level in LEVEL_LABELS)
_TEACHER_STEMS = (
    "teachers_above_degree",
    "backbone_teachers",
    "pe_art_teachers",
    "full_time_teachers",
    "mid_title_teachers",
)
CHANGE_KEYS: tuple[str, ...] = (
    *_STUDENT_KEYS,
    *(f"{stem}_{level}" for stem in _TEACHER_STEMS for level in COMPULSORY_LEVELS),
    "teaching_aux_area_m2",
    "sports_area_m2",
    "equipment_value_yuan",
)
ROOM_KEYS = ("multimedia_rooms", "music_rooms", "art_rooms")
AREA_KEYS = ("teaching_aux_area_m2", "sports_area_m2")


class FlagKind(StrEnum):
    CHANGE = "change"
    INCONSISTENT = "inconsistent"
    OUTLIER = "outlier"
    OUT_OF_RANGE = "out_of_range"
    IMPLAUSIBLE = "implausible"

    @property
    def label(self) -> str:
        return {
            "change": "与上年相比变化过大",
            "inconsistent": "数据前后矛盾",
            "outlier": "生均面积异常",
            "out_of_range": "超出合理范围",
            "implausible": "不合常理",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Flag:
    """A figure of a record a reviewer should check, and why (in Chinese)."""

    record: SchoolRecord
    field: str
    kind: FlagKind
    message: str

    @property
    def label(self) -> str:
        return FIELDS_BY_KEY[self.field].label


def change_ratio() -> float:
    """The JUNHENG_CHANGE_RATIO setting: 0.5 flags changes beyond ±50 % of last year's figure."""
    return float(getattr(settings, "JUNHENG_CHANGE_RATIO", DEFAULT_CHANGE_RATIO))


def county_flags(records: Sequence[SchoolRecord], previous: Sequence[SchoolRecord], *, ratio: float) -> list[Flag]:
    """Every flag for a county's records of a year; `previous` are its records of the year before."""
    last_year = {record.school_id: record for record in previous}
    flags: list[Flag] = []
    for record in records:
        before = last_year.get(record.school_id)
        if before is not None:
            flags += change_flags(record, before, ratio=ratio)
        flags += bound_flags(record)
        flags += consistency_flags(record)
        flags += plausibility_flags(record, before, flagged={flag.field for flag in flags if flag.record is record})
    flags += area_flags(records)
    return flags


def plausibility_flags(record: SchoolRecord, previous: SchoolRecord | None, *, flagged: set[str]) -> list[Flag]:
    """The plausibility rules' warnings (junheng.plausibility) on figures no other flag has questioned."""
    found = warnings(record.values(), None if previous is None else previous.values())
    return [Flag(record, w.field, FlagKind.IMPLAUSIBLE, w.message) for w in found if w.field not in flagged]


def change_flags(record: SchoolRecord, previous: SchoolRecord, *, ratio: float) -> list[Flag]:
    """Students, teachers, areas and equipment that moved beyond ±`ratio` of last year's figure.

    A figure that was 0 or not reported last year has no ratio to move by and is not flagged.
    """
    flags = []
    for key in CHANGE_KEYS:
        old, new = getattr(previous, key), getattr(record, key)
        if old is None or new is None or old == 0:
            continue
        change = (new - old) / old
        if abs(change) > ratio:
            direction = "增加" if change > 0 else "减少"
            message = (
                f"{_label(key)}由 {_number(old)} 变为 {_number(new)}，比上年{direction} {_percent(abs(change))}，"
                f"超过 ±{_percent(ratio)}；请核对是否填错，或在修改原因中说明"
            )
            flags.append(Flag(record, key, FlagKind.CHANGE, message))
    return flags


def bound_flags(record: SchoolRecord) -> list[Flag]:
    """Figures outside their bounds, stored before the importer refused them: the evaluation reads them as
    not reported (`schema.within_bounds`) until the school corrects them."""
    flags = []
    for field in FIELDS:
        value = None if field.maximum is None else getattr(record, field.key)
        if value is None or 0 <= value <= field.maximum:
            continue
        # Too long in digits to read beyond 10^15: 1e+308 rather than 309 digits.
        shown = _number(value) if abs(value) < 1e15 else f"{value:g}"
        message = f"“{shown}”超出{bounds_text(field)}；评估时按未填报处理，请学校更正"
        flags.append(Flag(record, field.key, FlagKind.OUT_OF_RANGE, message))
    return flags


def consistency_flags(record: SchoolRecord) -> list[Flag]:
    """Figures of one record that contradict each other, one flag per figure."""
    flags: dict[str, Flag] = {}
    for key, message in _contradictions(record):
        flags.setdefault(key, Flag(record, key, FlagKind.INCONSISTENT, message))
    return list(flags.values())


def _contradictions(record: SchoolRecord) -> Iterator[tuple[str, str]]:
    for level in COMPULSORY_LEVELS:
        students_key, classes_key, max_key = f"students_{level}", f"classes_{level}", f"max_class_size_{level}"
        students, classes, largest = (getattr(record, k) for k in (students_key, classes_key, max_key))
        if students is None or classes is None:
            continue
        if classes > 0 and students == 0:
            yield classes_key, f"{_label(classes_key)}为 {classes}，但{_label(students_key)}为 0：有班级却没有学生"
        if students > 0 and classes == 0:
            yield classes_key, f"{_label(students_key)}为 {students}，但{_label(classes_key)}为 0：有学生却没有班级"
        if largest is not None and classes > 0 and largest * classes < students:
            yield (
                max_key,
                (
                    f"{_label(max_key)}为 {largest}，小于平均班额 {number_text(students / classes, 1)}"
                    f"（{students} 人 ÷ {classes} 个班）；最大班额不会小于平均班额，请核对"
                ),
            )
    if _students(record) == 0:
        for key in ROOM_KEYS:
            rooms = getattr(record, key)
            if rooms:
                yield key, f"{_label(key)}为 {rooms}，但全校在校生数为 0；请核对在校生数"
    # The importer's own relations (schema.AT_MOST), for figures stored before it checked them.
    for relation in AT_MOST:
        part, whole = getattr(record, relation.part), getattr(record, relation.whole)
        if part is not None and whole is not None and part > whole:
            yield relation.part, at_most_message(relation, part, whole)


def area_flags(records: Sequence[SchoolRecord]) -> list[Flag]:
    """Area per student far outside the range of the county's schools of the same year (Q1/Q3 ± 3·IQR)."""
    flags = []
    for key in AREA_KEYS:
        per_student = {
            index: getattr(record, key) / _students(record)
            for index, record in enumerate(records)
            if getattr(record, key) is not None and _students(record) > 0
        }
        if len(per_student) < FEWEST_SCHOOLS_FOR_RANGE:
            continue
        q1, _, q3 = statistics.quantiles(per_student.values(), n=4, method="inclusive")
        low, high = q1 - FENCE * (q3 - q1), q3 + FENCE * (q3 - q1)
        for index, value in per_student.items():
            if value < low or value > high:
                where = "低于" if value < low else "高于"
                message = (
                    f"生均{_label(key)} {number_text(value, 2)} ㎡，远{where}全县学校的一般范围"
                    f"（{number_text(max(low, 0.0), 2)}–{number_text(high, 2)} ㎡）；请核对{_label(key)}和在校生数"
                )
                flags.append(Flag(records[index], key, FlagKind.OUTLIER, message))
    return flags


def _students(record: SchoolRecord) -> int:
    return sum(getattr(record, key) or 0 for key in _STUDENT_KEYS)


def _label(key: str) -> str:
    return FIELDS_BY_KEY[key].label


def _number(value: float) -> str:
    return number_text(value, 2)


def _percent(share: float) -> str:
    return f"{number_text(share * 100, 0)}%"
