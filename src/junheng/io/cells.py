"""Parsing and checking the data file's cells (contracts.md §1), every column at once as Polars expressions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from junheng.io.headers import Column
from junheng.levels import LEVEL_LABELS
from junheng.messages import number_text
from junheng.schema import (
    AREA_TYPE_VALUES,
    AT_MOST,
    FIELDS_BY_KEY,
    OWNERSHIP_VALUES,
    SCHOOL_TYPE_ALIASES,
    SCHOOL_TYPE_LABELS,
    SCHOOL_TYPE_LEVELS,
    YES_NO_VALUES,
    AtMost,
    Field,
    Kind,
)

FIRST_YEAR, LAST_YEAR = 1990, 2100
_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$"

_DTYPES: dict[Kind, pl.DataType] = {
    Kind.INTEGER: pl.Int64(),
    Kind.NUMBER: pl.Float64(),
    Kind.YES_NO: pl.Boolean(),
}

# Accepted spellings, lower-cased, of the values a choice column may hold.
_CHOICES: dict[Kind, Mapping[str, str | bool]] = {
    Kind.SCHOOL_TYPE: {
        **{key: key for key in SCHOOL_TYPE_LABELS},
        **{label: key for key, label in SCHOOL_TYPE_LABELS.items()},
        **SCHOOL_TYPE_ALIASES,
    },
    Kind.OWNERSHIP: OWNERSHIP_VALUES,
    Kind.AREA_TYPE: AREA_TYPE_VALUES,
    Kind.YES_NO: YES_NO_VALUES,
}


def _either(options: Sequence[str]) -> str:
    quoted = [f"“{option}”" for option in options]
    return f"{'、'.join(quoted[:-1])}或{quoted[-1]}"


_CHOICE_HINTS: dict[Kind, str] = {
    Kind.SCHOOL_TYPE: "以下之一：" + "、".join(SCHOOL_TYPE_LABELS.values()),
    Kind.OWNERSHIP: _either([v for v in OWNERSHIP_VALUES if not v.isascii()]),
    Kind.AREA_TYPE: _either([v for v in AREA_TYPE_VALUES if not v.isascii()]),
    Kind.YES_NO: _either([v for v in YES_NO_VALUES if not v.isascii()]),
}

# Per-学段 columns that make sense only where the 学段 has students, with what they count.
_NEEDS_STUDENTS: dict[str, str] = {
    "teachers_above_degree": "教师",
    "backbone_teachers": "教师",
    "pe_art_teachers": "教师",
    "full_time_teachers": "教师",
    "mid_title_teachers": "教师",
    "classes": "班级",
    "max_class_size": "班额",
}


_STUDENT_KEYS = [f"students_{level}" for level in LEVEL_LABELS]


@dataclass(frozen=True, slots=True)
class CellProblem:
    """What is wrong with one cell; `value` is the cell's text, None when it is empty."""

    row: int
    column: Column
    message: str
    value: str | None


def check_cells(cells: pl.DataFrame, columns: Sequence[Column]) -> tuple[pl.DataFrame, list[CellProblem]]:
    """The typed table of contracts.md §1, and every problem in its cells.

    `cells` holds the file's cells as stripped strings, null where empty ("not reported"), one column
    per file column named by position (`c0`, `c1`, …), and `row`. A field without a column comes out
    as nulls.
    """
    by_key = {column.field.key: column for column in columns}
    numeric = [key for key, column in by_key.items() if column.field.kind in (Kind.INTEGER, Kind.NUMBER)]
    checks = list(_cross_checks(by_key))
    problem_names = [f"problem:{key}" for key in by_key] + [f"cross{i}:{key}" for i, (key, _) in enumerate(checks)]
    # In stages, each naming the columns of the one before: an expression is then computed once.
    checked = (
        cells.lazy()
        .select("row", *(pl.col(f"c{column.position}").alias(f"text:{key}") for key, column in by_key.items()))
        .with_columns(_number(pl.col(f"text:{key}")).alias(f"number:{key}") for key in numeric)
        .with_columns(pl.lit(None, pl.Float64).alias(f"number:{key}") for key in _STUDENT_KEYS if key not in by_key)
        .with_columns(_problem(column).alias(f"problem:{key}") for key, column in by_key.items())
        .with_columns(
            (_value(by_key[key]) if key in by_key else pl.lit(None, _dtype(field))).alias(key)
            for key, field in FIELDS_BY_KEY.items()
        )
        .with_columns(pl.col("row").min().over("year", "school_id").alias("first_row"))
        .with_columns(check.alias(name) for name, (_, check) in zip(problem_names[len(by_key) :], checks, strict=True))
        .collect()
    )
    failing = checked.filter(pl.any_horizontal(pl.col(name).is_not_null() for name in problem_names))
    problems: list[CellProblem] = []
    for record in failing.iter_rows(named=True):
        reported: set[str] = set()
        for name in problem_names:
            code, key = record[name], name.partition(":")[2]
            # One problem per cell, the first found: a cross-check adds nothing to a cell already wrong.
            if code is not None and key not in reported:
                reported.add(key)
                column = by_key[key]
                value = record[f"text:{key}"]
                problems.append(CellProblem(record["row"], column, _message(code, column, record), value))
    return checked.select(*FIELDS_BY_KEY, "row"), problems


def _dtype(field: Field) -> pl.DataType:
    return _DTYPES.get(field.kind, pl.String())


def _number(text: pl.Expr) -> pl.Expr:
    """The cell as a float, null if it is not a number; thousands separators (1,234) are allowed."""
    plain = pl.when(text.str.contains(_THOUSANDS)).then(text.str.replace_all(",", "", literal=True)).otherwise(text)
    return plain.cast(pl.Float64, strict=False)


def _problem(column: Column) -> pl.Expr:
    """A code naming what is wrong with the cell, null where it is right: the first rule that applies."""
    field = column.field
    text = pl.col(f"text:{field.key}")
    empty_code: pl.Expr = pl.lit("required" if column.required else None, pl.String)
    if column.required and _blank_means_zero(field):
        empty_code = pl.when(_no_students(field)).then(pl.lit(None, pl.String)).otherwise(empty_code)
    rules: list[tuple[pl.Expr, pl.Expr]] = [(text.is_null(), empty_code)]
    if field.kind in _CHOICES:
        rules.append((_choice(field).is_null(), pl.lit("bad_choice")))
    elif field.kind in (Kind.INTEGER, Kind.NUMBER):
        number = pl.col(f"number:{field.key}")
        not_number = number.is_null() | ~number.is_finite()
        whole = number == number.floor()
        if field.key == "year":
            rules.append((not_number | ~whole | (number < FIRST_YEAR) | (number > LAST_YEAR), pl.lit("year")))
        else:
            rules += [(not_number, pl.lit("not_number")), (number < 0, pl.lit("negative"))]
            if field.kind is Kind.INTEGER:
                rules.append((~whole, pl.lit("not_integer")))
            rules.append((number * column.scale > pl.lit(field.maximum), pl.lit("out_of_range")))
    problem = pl.lit(None, pl.String)
    for condition, code in reversed(rules):
        problem = pl.when(condition).then(code).otherwise(problem)
    return problem


def _blank_means_zero(field: Field) -> bool:
    """A per-学段 count (teachers, classes) left blank in a 学段 the school has no students in is 0."""
    return field.level is not None and field.key.removesuffix(f"_{field.level}") in _NEEDS_STUDENTS


def _no_students(field: Field) -> pl.Expr:
    return (pl.col(f"number:students_{field.level}") == 0).fill_null(False)


def _value(column: Column) -> pl.Expr:
    """The field's value in the schema's type and unit, null where the cell is empty or wrong."""
    field = column.field
    if field.kind is Kind.TEXT:
        value = pl.col(f"text:{field.key}")
    elif field.kind in _CHOICES:
        value = _choice(field)
    else:
        number = pl.col(f"number:{field.key}")
        # 万元 to 元: rounding drops the float noise of the product (12.34 × 10000 = 123399.99999999999).
        value = number if column.scale == 1 else (number * column.scale).round(4)
        if column.required and _blank_means_zero(field):
            value = pl.when(pl.col(f"text:{field.key}").is_null() & _no_students(field)).then(0).otherwise(value)
    return pl.when(pl.col(f"problem:{field.key}").is_null()).then(value).cast(_dtype(field))


def _choice(field: Field) -> pl.Expr:
    text = pl.col(f"text:{field.key}").str.to_lowercase()
    return text.replace_strict(_CHOICES[field.kind], default=None, return_dtype=_dtype(field))


def _cross_checks(by_key: Mapping[str, Column]) -> Iterator[tuple[str, pl.Expr]]:
    """Checks between fields, each a problem code on the offending column's cells."""
    if "school_id" in by_key:
        repeated = pl.col("year").is_not_null() & pl.col("school_id").is_not_null()
        yield "school_id", pl.when(repeated & (pl.col("row") != pl.col("first_row"))).then(pl.lit("duplicate"))
    for key, column in by_key.items():
        level = column.field.level
        if level is not None and key.removesuffix(f"_{level}") in _NEEDS_STUDENTS:
            no_students = (pl.col(key) > 0) & (pl.col(f"students_{level}") == 0)
            yield key, pl.when(no_students).then(pl.lit("no_students"))
    for level in LEVEL_LABELS:
        key = f"students_{level}"
        if key in by_key:
            not_offered = [school_type for school_type, levels in SCHOOL_TYPE_LEVELS.items() if level not in levels]
            wrong = (pl.col(key) > 0) & pl.col("school_type").is_in(not_offered)
            yield key, pl.when(wrong).then(pl.lit("level_not_offered"))
    for number, relation in enumerate(AT_MOST):
        # A figure left empty is not reported, and its null comparison raises nothing.
        if relation.part in by_key and relation.whole in by_key:
            larger = pl.col(relation.part) > pl.col(relation.whole)
            yield relation.part, pl.when(larger).then(pl.lit(f"at_most:{number}"))


def _message(code: str, column: Column, record: Mapping[str, Any]) -> str:
    """What is wrong with one cell and what to do, in Chinese."""
    field = column.field
    label, value = field.label, record[f"text:{field.key}"]
    match code:
        case "required" if field.kind in (Kind.INTEGER, Kind.NUMBER) and field.key != "year":
            return f"{label}不能为空；没有的请填 0"
        case "required" if field.kind in _CHOICE_HINTS:
            return f"{label}不能为空；应为{_CHOICE_HINTS[field.kind]}"
        case "required":
            return f"{label}不能为空"
        case "bad_choice":
            return f"{label}“{value}”无法识别；应为{_CHOICE_HINTS[field.kind]}"
        case "not_number":
            return f"“{value}”不是数字；{label}应填数值，例如 12"
        case "negative":
            return f"“{value}”是负数；{label}不能小于 0"
        case "not_integer":
            return f"“{value}”应为整数；{label}是个数"
        case "out_of_range":
            message = f"“{value}”超出{bounds_text(field)}"
            if column.scale != 1:
                assert field.maximum is not None
                message += f"（本列“{column.header}”即 0 至 {number_text(field.maximum / column.scale, 4)}）"
            return f"{message}；请核对数值和单位"
        case "year":
            return f"年度“{value}”应为 {FIRST_YEAR} 至 {LAST_YEAR} 之间的整数，例如 2025"
        case "duplicate":
            return (
                f"学校标识码“{value}”在 {record['year']} 年度重复，与第 {record['first_row']} 行相同；"
                "同一年度每所学校只能有一行"
            )
        case "no_students":
            assert field.level is not None
            level = LEVEL_LABELS[field.level]
            noun = _NEEDS_STUDENTS[field.key.removesuffix(f"_{field.level}")]
            return (
                f"{level}在校生数为 0，{label}却为 {value}：该学段有{noun}但没有学生；"
                f"请核对{level}在校生数，或把{label}改为 0"
            )
        case "level_not_offered":
            assert field.level is not None
            school_type = SCHOOL_TYPE_LABELS[record["school_type"]]
            return (
                f"学校类型为{school_type}，不应有{LEVEL_LABELS[field.level]}在校生（此处为 {value}）；"
                f"请核对学校类型，或把{label}改为 0"
            )
        case str() if code.startswith("at_most:"):
            relation = AT_MOST[int(code.removeprefix("at_most:"))]
            return at_most_message(relation, record[relation.part], record[relation.whole])
    raise AssertionError(code)


def bounds_text(field: Field) -> str:
    """`…的合理范围：应在 0 至 MAX 单位 之间`, the field's bounds in words (schema.FIELDS' `maximum`)."""
    assert field.maximum is not None, f"{field.key} has no bound in schema.FIELDS"
    unit = f" {field.unit}" if field.unit else ""
    return f"{field.label}的合理范围：应在 0 至 {number_text(field.maximum, 0)}{unit} 之间"


def at_most_message(relation: AtMost, part: float, whole: float) -> str:
    """Why a part larger than its whole (schema.AT_MOST) is wrong, naming both figures, and what to do."""
    part_label, whole_label = FIELDS_BY_KEY[relation.part].label, FIELDS_BY_KEY[relation.whole].label
    return (
        f"{part_label}（{number_text(part, 4)}）多于{whole_label}（{number_text(whole, 4)}）："
        f"{relation.why}，不能多于{whole_label}；请核对这两个数"
    )
