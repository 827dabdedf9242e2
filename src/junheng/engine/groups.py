"""Education groups (集团化办学) seen through the evaluation: coverage, within-group balance, core-minus-member
gaps and the between-/within-group Theil decomposition of county inequality (issue 6 §1).

Every function takes the school parts of an evaluation (`Evaluation.schools`: `school_id`, `level`,
`students`, `r_ID`, `v_ID`) and a `groups` table of one row per school in a group: `school_id`, `group`
and, for the gaps, `core` (the school is a core school of its group). A school is in at most one group
here; the caller decides which when it belongs to several.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from junheng.engine.difference import coefficients_by_group
from junheng.engine.indicators import resource_column, value_column
from junheng.standards import Standard

UNGROUPED = "未加入集团"


@dataclass(frozen=True, slots=True)
class Coverage:
    """Schools and students in groups, out of all schools and students of the evaluated table."""

    schools: int
    schools_in_groups: int
    students: int
    students_in_groups: int

    @property
    def school_share(self) -> float | None:
        return self.schools_in_groups / self.schools if self.schools else None

    @property
    def student_share(self) -> float | None:
        return self.students_in_groups / self.students if self.students else None


def coverage(parts: pl.DataFrame, groups: pl.DataFrame) -> Coverage:
    """Schools in groups ÷ all schools, and their students ÷ all students (every 学段 of a school counts)."""
    per_school = parts.group_by("school_id").agg(pl.col("students").sum())
    grouped = per_school.filter(pl.col("school_id").is_in(groups["school_id"].implode()))
    return Coverage(
        schools=per_school.height,
        schools_in_groups=grouped.height,
        students=int(per_school["students"].sum()),
        students_in_groups=int(grouped["students"].sum()),
    )


def _specs(standard: Standard) -> list[tuple[str, str, str, int]]:
    return [(i.id, value_column(i.id), resource_column(i.id), i.per_students) for i in standard.indicators]


def within_group_coefficients(parts: pl.DataFrame, groups: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """The official CV (standard.md §3) of every indicator over each group's member school parts.

    One row per group, 学段 and indicator: `group`, `level`, `schools`, `students`, `indicator`, `mean`,
    `cv` — the figures `evaluate` gives for a county made of the group's schools.
    """
    members = parts.join(groups.select("school_id", "group"), on="school_id", how="inner")
    return coefficients_by_group(members, ["group", "level"], _specs(standard))


def core_member_gaps(parts: pl.DataFrame, groups: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """Core minus members: per group, 学段 and indicator, the enrolment-weighted mean (ΣR × k ÷ ΣP) of the
    core schools' parts minus that of the other members' parts. Columns `group`, `level`, `indicator`,
    `core`, `members`, `gap`; null where either side has no part of that 学段."""
    members = parts.join(groups.select("school_id", "group", "core"), on="school_id", how="inner")
    sums = members.group_by("group", "level", "core").agg(
        pl.col("students").sum(), *(pl.col(resource_column(i.id)).sum() for i in standard.indicators)
    )
    frames = []
    for ind in standard.indicators:
        mean = (pl.col(resource_column(ind.id)) * ind.per_students / pl.col("students")).alias("mean")
        side = sums.select("group", "level", "core", mean)
        core = side.filter(pl.col("core")).drop("core").rename({"mean": "core"})
        rest = side.filter(~pl.col("core")).drop("core").rename({"mean": "members"})
        frames.append(
            core.join(rest, on=["group", "level"], how="full", coalesce=True).select(
                "group", "level", pl.lit(ind.id).alias("indicator"), "core", "members"
            )
        )
    return (
        pl.concat(frames)
        .with_columns((pl.col("core") - pl.col("members")).alias("gap"))
        .sort("group", "level", maintain_order=True)
    )


def _theil_terms(value: pl.Expr, mean: pl.Expr, students: pl.Expr, total: pl.Expr) -> pl.Expr:
    """(P_i ÷ P)(x_i ÷ x̄) ln(x_i ÷ x̄), with 0 · ln 0 = 0: a part without the resource adds nothing."""
    ratio = value / mean
    return pl.when(ratio > 0).then(students / total * ratio * ratio.log()).otherwise(0.0)


def theil_decomposition(parts: pl.DataFrame, labels: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """Theil T of each indicator's per-student values over the county's school parts, weighted by
    students, split into between and within the partition `labels` (`school_id`, `partition`; a part
    of a school not in `labels` falls in the partition "未加入集团"):

        T = Σ_i (P_i ÷ P)(x_i ÷ x̄) ln(x_i ÷ x̄)          x̄ = ΣR ÷ ΣP (× k)
        T_between = Σ_g (P_g ÷ P)(x̄_g ÷ x̄) ln(x̄_g ÷ x̄)
        T_within  = Σ_g (P_g ÷ P)(x̄_g ÷ x̄) T_g             T = T_between + T_within

    One row per 学段 and indicator: `level`, `indicator`, `total`, `between`, `within`, `between_share`
    (null where the total is 0 or the mean is 0: there is no inequality to split).
    """
    labelled = parts.join(labels.select("school_id", "partition"), on="school_id", how="left").with_columns(
        pl.col("partition").fill_null(UNGROUPED)
    )
    frames = []
    for ind in standard.indicators:
        value, resource, k = value_column(ind.id), resource_column(ind.id), ind.per_students
        county_mean = pl.col(resource).sum().over("level") * k / pl.col("students").sum().over("level")
        county_students = pl.col("students").sum().over("level")
        group_mean = (
            pl.col(resource).sum().over("level", "partition") * k / pl.col("students").sum().over("level", "partition")
        )
        per_part = labelled.select(
            "level",
            "partition",
            "students",
            _theil_terms(pl.col(value), county_mean, pl.col("students"), county_students).alias("t"),
            # a part's term inside its group, weighted by the group's share of the county's resource; a
            # group with none of the resource holds none of the inequality (its weight x̄_g ÷ x̄ is 0)
            pl.when(group_mean == 0)
            .then(0.0)
            .otherwise(
                pl.col("students").sum().over("level", "partition")
                / county_students
                * (group_mean / county_mean)
                * _theil_terms(
                    pl.col(value),
                    group_mean,
                    pl.col("students"),
                    pl.col("students").sum().over("level", "partition"),
                )
            )
            .alias("w"),
            (group_mean / county_mean).alias("g_ratio"),
            (pl.col("students").sum().over("level", "partition") / county_students).alias("g_share"),
            (county_mean != 0).alias("defined"),
        )
        between = per_part.group_by("level", "partition").agg(pl.col("g_ratio", "g_share").first())
        between = between.group_by("level").agg(
            pl.when(pl.col("g_ratio") > 0)
            .then(pl.col("g_share") * pl.col("g_ratio") * pl.col("g_ratio").log())
            .otherwise(0.0)
            .sum()
            .alias("between")
        )
        totals = per_part.group_by("level", maintain_order=True).agg(
            pl.col("t").sum().alias("total"), pl.col("w").sum().alias("within"), pl.col("defined").all()
        )
        frames.append(
            totals.join(between, on="level")
            .with_columns(pl.lit(ind.id).alias("indicator"))
            .with_columns(
                pl.when(pl.col("defined")).then(pl.col(c)).otherwise(None).alias(c)
                for c in ("total", "between", "within")
            )
        )
    level_order = {lv: i for i, lv in enumerate(standard.levels)}
    return (
        pl.concat(frames)
        .with_columns(
            pl.when(pl.col("total") > 0)
            .then(pl.col("between") / pl.col("total"))
            .otherwise(None)
            .alias("between_share"),
            pl.col("level").replace_strict(level_order, return_dtype=pl.Int32).alias("_level"),
        )
        .sort("_level", maintain_order=True)
        .select("level", "indicator", "total", "between", "within", "between_share")
    )


def member_progress(parts: pl.DataFrame, groups: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """Each member school against its group's core schools, year by year, so a closing gap shows.

    `parts` are the evaluated school parts of several years (with `year`); `groups` the memberships in
    force each year (`year`, `school_id`, `group`, `core`). For every year, group, non-core member part and
    indicator: the member's per-student value, the core schools' enrolment-weighted mean of that 学段
    (ΣR × k ÷ ΣP), `ratio` = value ÷ core (null where the core mean is 0 or missing) and `difference` =
    value − core. Columns `year`, `group`, `school_id`, `school_name`, `level`, `indicator`, `value`, `core`,
    `ratio`, `difference`.
    """
    members = parts.join(groups.select("year", "school_id", "group", "core"), on=["year", "school_id"], how="inner")
    core_sums = (
        members.filter(pl.col("core"))
        .group_by("year", "group", "level")
        .agg(pl.col("students").sum(), *(pl.col(resource_column(i.id)).sum() for i in standard.indicators))
    )
    others = members.filter(~pl.col("core"))
    frames = []
    for ind in standard.indicators:
        core = core_sums.select(
            "year",
            "group",
            "level",
            pl.when(pl.col("students") > 0)
            .then(pl.col(resource_column(ind.id)) * ind.per_students / pl.col("students"))
            .alias("core"),
        )
        frames.append(
            others.select(
                "year", "group", "school_id", "school_name", "level", pl.col(value_column(ind.id)).alias("value")
            )
            .join(core, on=["year", "group", "level"], how="left")
            .select(
                "year",
                "group",
                "school_id",
                "school_name",
                "level",
                pl.lit(ind.id).alias("indicator"),
                "value",
                "core",
            )
        )
    found = pl.concat(frames)
    return found.with_columns(
        pl.when(pl.col("core") != 0).then(pl.col("value") / pl.col("core")).alias("ratio"),
        (pl.col("value") - pl.col("core")).alias("difference"),
    ).sort("group", "school_id", "level", "year", maintain_order=True)


COUNTY = "全县"


def balance_by_year(parts: pl.DataFrame, groups: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """Whether grouping narrows gaps, year by year: the mean of the indicators' official CVs (standard.md
    §3) within each group's members of that year, and over the whole county for comparison.

    `parts` are the evaluated school parts of several years (with `year`), `groups` the memberships in
    force each year (`year`, `school_id`, `group`). One row per year, group (`全县` for the county) and
    学段: `schools`, `mean_cv` (the mean over the indicators whose CV is defined; null if none is).
    """
    specs = _specs(standard)
    members = parts.join(groups.select("year", "school_id", "group"), on=["year", "school_id"], how="inner")
    within = coefficients_by_group(members, ["year", "group", "level"], specs)
    county = coefficients_by_group(parts, ["year", "level"], specs).with_columns(pl.lit(COUNTY).alias("group"))
    level_order = {lv: i for i, lv in enumerate(standard.levels)}
    return (
        pl.concat([county.select(within.columns), within])
        .group_by("year", "group", "level", maintain_order=True)
        .agg(pl.col("schools").first(), pl.col("cv").mean().alias("mean_cv"))
        .with_columns(
            (pl.col("group") != COUNTY).alias("_group"),
            pl.col("level").replace_strict(level_order, return_dtype=pl.Int32).alias("_level"),
        )
        .sort("_group", "group", "_level", "year")
        .drop("_group", "_level")
    )
