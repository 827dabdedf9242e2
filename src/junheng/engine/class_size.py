"""Class sizes (大班额): bands, classes over the G5 limit and the shares against the targets.

standard.md §5 (G5: every class ≤ 45 primary / ≤ 50 junior) and §9 (the class-size bands); the
settings are the standard's `[class_size]` table. A class table has one row per class with at least
`level` ("primary" or "junior") and `students`; any other column (`school`, `township`, `snapshot`…)
may be used to group by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from junheng.levels import COMPULSORY_LEVELS
from junheng.standards import Band, Standard, StandardError


@dataclass(frozen=True, slots=True)
class Target:
    """At most `max_share` of a group's classes may fall in `bands`."""

    key: str
    label: str
    bands: tuple[str, ...]
    max_share: float


@dataclass(frozen=True, slots=True)
class ClassSizeRules:
    """The `[class_size]` settings of a standard (never literals in code)."""

    bands: tuple[Band, ...]
    limits: dict[str, int]
    targets: tuple[Target, ...]
    closing_snapshots: int
    measures: tuple[str, ...]

    @classmethod
    def of(cls, standard: Standard) -> ClassSizeRules:
        settings = standard.class_size
        if settings is None:
            raise StandardError(standard.name, "标准没有班额（[class_size]）的设置")
        return cls(
            bands=settings.bands,
            limits={str(level): limit for level, limit in settings.limits.items()},
            targets=tuple(Target(t.key, t.label, t.bands, float(t.max_share)) for t in settings.targets),
            closing_snapshots=settings.closing_snapshots,
            measures=settings.measures,
        )


def band_expr(rules: ClassSizeRules) -> pl.Expr:
    """The key of the band `students` falls in (null for a size no band covers)."""
    keys = []
    for band in rules.bands:
        within = pl.col("students") >= band.min
        if band.max is not None:
            within = within & (pl.col("students") <= band.max)
        keys.append(pl.when(within).then(pl.lit(band.key)))
    return pl.coalesce(keys).alias("band")


def limit_expr(rules: ClassSizeRules) -> pl.Expr:
    """The G5 limit of the class's 学段 (null for a 学段 without one)."""
    return pl.col("level").replace_strict(rules.limits, default=None, return_dtype=pl.Int64).alias("limit")


def classify(classes: pl.DataFrame, rules: ClassSizeRules) -> pl.DataFrame:
    """The classes with `band`, `limit` and `over_limit` (students above the G5 limit, standard.md §5)."""
    return classes.with_columns(band_expr(rules), limit_expr(rules)).with_columns(
        (pl.col("students") > pl.col("limit")).fill_null(False).alias("over_limit")
    )


def distribution(classes: pl.DataFrame, rules: ClassSizeRules, by: Sequence[str] = ()) -> pl.DataFrame:
    """Number of classes per band (every band, zeros included) for each group of `by` (standard.md §9)."""
    counted = classify(classes, rules).group_by([*by, "band"]).agg(pl.len().alias("classes"))
    bands = pl.DataFrame({"band": [b.key for b in rules.bands], "order": list(range(len(rules.bands)))})
    groups = counted.select(by).unique() if by else pl.DataFrame()
    grid = groups.join(bands, how="cross") if by else bands
    return (
        grid.join(counted, on=[*by, "band"], how="left")
        .with_columns(pl.col("classes").fill_null(0).cast(pl.Int64))
        .sort([*by, "order"])
        .drop("order")
    )


def shares(classes: pl.DataFrame, rules: ClassSizeRules, by: Sequence[str] = ()) -> pl.DataFrame:
    """Per group of `by`: `classes`, `over_limit` (classes above 45/50), and for each target `<key>`
    (classes in its bands), `<key>_share` and `<key>_meets` (share ≤ the target's maximum)."""
    classified = classify(classes, rules)
    counts = [pl.len().cast(pl.Int64).alias("classes"), pl.col("over_limit").sum().cast(pl.Int64).alias("over_limit")]
    counts += [pl.col("band").is_in(t.bands).sum().cast(pl.Int64).alias(t.key) for t in rules.targets]
    grouped = classified.group_by(by, maintain_order=True).agg(counts).sort(by) if by else classified.select(counts)
    return grouped.with_columns(
        column
        for t in rules.targets
        for column in (
            (pl.col(t.key) / pl.col("classes")).alias(f"{t.key}_share"),
            (pl.col(t.key) / pl.col("classes") <= t.max_share).alias(f"{t.key}_meets"),
        )
    )


def over_limit(classes: pl.DataFrame, rules: ClassSizeRules) -> pl.DataFrame:
    """The classes above their G5 limit (standard.md §5), with `band` and `limit`."""
    return classify(classes, rules).filter(pl.col("over_limit"))


# Classes known across terms -------------------------------------------------------------------------

# The grade each 学段 starts at: the structure of compulsory education, not a setting of a standard.
START_GRADES = {level.value: level.start_grade for level in COMPULSORY_LEVELS}


def school_year(month: int, year: int) -> int:
    """The school year a date falls in: the autumn term of year Y and the spring term of Y+1 are school
    year Y (a school year starts in August)."""
    return year if month >= 8 else year - 1


def cohort_expr() -> pl.Expr:
    """The school year a class started its 学段 (`school_year` − grades since the start grade), which
    with its name identifies the class across the promotion from one grade to the next."""
    start = pl.col("level").replace_strict(START_GRADES, return_dtype=pl.Int64)
    return (pl.col("school_year") - (pl.col("grade") - start)).alias("cohort")


# The start-grade guard -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IntakeProblem:
    """A planned intake that cannot be checked: its position in the table, the column and why."""

    index: int
    column: str
    message: str


class InvalidIntake(ValueError):
    """Planned intakes with problems, every one of them."""

    def __init__(self, problems: Sequence[IntakeProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("；".join(p.message for p in self.problems))


def intake_problems(plans: pl.DataFrame, rules: ClassSizeRules) -> list[IntakeProblem]:
    """What is wrong with planned intakes (`level`, `grade`, `students`, `classes`): a grade other than the
    start grade of its 学段, a 学段 without a limit, students planned in no class."""
    checked = plans.with_row_index("index").with_columns(
        pl.col("level").replace_strict(START_GRADES, default=None, return_dtype=pl.Int64).alias("start"),
        limit_expr(rules),
    )
    problems = [
        IntakeProblem(i, "grade", f"{grade} 年级不是起始年级；小学只能填 1 年级，初中只能填 7 年级")
        for i, grade in checked.filter(pl.col("start").is_not_null() & (pl.col("grade") != pl.col("start")))
        .select("index", "grade")
        .iter_rows()
    ]
    problems += [
        IntakeProblem(i, "level", f"学段“{level}”没有班额限额；请填写小学或初中")
        for i, level in checked.filter(pl.col("limit").is_null()).select("index", "level").iter_rows()
    ]
    problems += [
        IntakeProblem(i, "classes", f"计划招生 {students} 人却计划 0 个班；请填写计划班数（至少 1 个班）")
        for i, students in checked.filter((pl.col("classes") == 0) & (pl.col("students") > 0))
        .select("index", "students")
        .iter_rows()
    ]
    return sorted(problems, key=lambda p: p.index)


def start_grade_guard(plans: pl.DataFrame, rules: ClassSizeRules) -> pl.DataFrame:
    """Planned grade-1 and grade-7 intakes (`level`, `grade`, `students`, `classes`) with `limit`,
    `largest_class` = ⌈students ÷ classes⌉, `over_limit` (the largest class above the G5 limit) and
    `classes_needed` = ⌈students ÷ limit⌉, standard.md §5 G5. Raises `InvalidIntake` for plans that
    cannot be checked (`intake_problems`)."""
    problems = intake_problems(plans, rules)
    if problems:
        raise InvalidIntake(problems)

    def ceil_div(a: pl.Expr, b: pl.Expr) -> pl.Expr:
        return (a + b - 1) // b

    return (
        plans.with_columns(limit_expr(rules))
        .with_columns(
            pl.when(pl.col("classes") > 0)
            .then(ceil_div(pl.col("students"), pl.col("classes")))
            .otherwise(0)
            .cast(pl.Int64)
            .alias("largest_class"),
            ceil_div(pl.col("students"), pl.col("limit")).cast(pl.Int64).alias("classes_needed"),
        )
        .with_columns((pl.col("largest_class") > pl.col("limit")).alias("over_limit"))
    )
