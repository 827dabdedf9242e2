"""The resource-allocation evaluation of every county in a table, standard.md §2–§4 (and §8)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from junheng.engine.difference import coefficients_by_group
from junheng.engine.indicators import indicator_values, resource_column, value_column
from junheng.engine.rounding import rounded_quotient, rounded_units, units_value
from junheng.engine.rules import FLOAT_NOISE, floors, level_constant, school_rule, shortfall_amount, thresholds
from junheng.engine.scope import KEYS, partition_scope
from junheng.engine.split import school_parts, split_shared_resources
from junheng.standards import Standard

LEVEL_KEYS = [*KEYS, "level"]

SHORTFALL_SCHEMA: dict[str, pl.DataType] = {
    "school_id": pl.String(),
    "school_name": pl.String(),
    "level": pl.String(),
    "students": pl.Int64(),
    "indicator": pl.String(),
    "value": pl.Float64(),
    "threshold": pl.Float64(),
    "floor": pl.Float64(),
    "above_floor": pl.Boolean(),
    "school_pass": pl.Boolean(),
    "to_threshold": pl.Float64(),
    "to_floor": pl.Float64(),
}


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The result of `evaluate`, as tables.

    - `schools`: one row per school part (学段): keys, `school_id`, `school_name`, `school_type`,
      `level`, `students`, `weight_part`, `weight_total`, `r_ID`, `v_ID`, and for a standard with a
      school rule `meets_ID`, `above_floor_ID`, `met_count`; `pass` (null without a school rule).
    - `levels`: one row per county, year, 学段 and indicator: `schools`, `students`, `mean`, `cv`
      (null where the mean is 0), `limit`, `pass`, `near_limit`.
    - `composites`: basic-2012 only, one row per county, year and 学段: `composite`, `limit`, `pass`,
      `near_limit`.
    - `counties`: one row per county and year: `pass`, `schools` (distinct schools in scope), `students`
      (compulsory students in scope), `failing_schools` (schools with a failing part) and
      `failing_indicators` (coefficients, or composites, over their limit or undefined).
    - `excluded`: schools left out, with the `reason`.
    """

    standard: Standard
    schools: pl.DataFrame
    levels: pl.DataFrame
    composites: pl.DataFrame | None
    counties: pl.DataFrame
    excluded: pl.DataFrame

    def shortfalls(self) -> pl.DataFrame:
        """Every indicator below its threshold at a school part, with the amounts missing.

        One row per school part and indicator, in the order of `schools`. Columns: keys, `school_id`,
        `school_name`, `level`, `students`, `indicator`, `value`, `threshold`, `floor`, `above_floor`,
        `school_pass`, `to_threshold` and `to_floor` (resource the whole school must add, in the
        indicator's resource unit).
        """
        rule = self.standard.school_rule
        if rule is None:
            return pl.DataFrame(schema={k: self.schools.schema[k] for k in KEYS} | SHORTFALL_SCHEMA)
        parts = self.schools.with_row_index("_part")
        frames = []
        for position, ind in enumerate(self.standard.indicators):
            threshold = level_constant(thresholds(ind))
            floor = level_constant(floors(ind, rule))
            frames.append(
                parts.filter(~pl.col(f"meets_{ind.id}")).select(
                    "_part",
                    pl.lit(position).alias("_indicator"),
                    *KEYS,
                    "school_id",
                    "school_name",
                    "level",
                    "students",
                    pl.lit(ind.id).alias("indicator"),
                    pl.col(value_column(ind.id)).alias("value"),
                    threshold.alias("threshold"),
                    floor.alias("floor"),
                    pl.col(f"above_floor_{ind.id}").alias("above_floor"),
                    pl.col("pass").alias("school_pass"),
                    shortfall_amount(ind, threshold).alias("to_threshold"),
                    shortfall_amount(ind, floor).alias("to_floor"),
                )
            )
        # in the order of the school parts, each part's indicators in the standard's order
        return pl.concat(frames).sort("_part", "_indicator").drop("_part", "_indicator")


def evaluate(schools: pl.DataFrame, standard: Standard) -> Evaluation:
    """Evaluate resource allocation for every county and year in `schools` (validated data-file rows)."""
    counties = schools.select(KEYS).unique(maintain_order=True)
    included, excluded = partition_scope(schools.with_row_index("_order"), standard)
    parts = school_rule(
        indicator_values(school_parts(split_shared_resources(included, standard), standard), standard),
        standard,
    ).sort("_order", maintain_order=True)  # a school's parts together, in the file's order
    keep = [
        *KEYS,
        "school_id",
        "school_name",
        "school_type",
        "level",
        "students",
        "weight_part",
        "weight_total",
        *(resource_column(i) for i in standard.indicator_ids),
        *(value_column(i) for i in standard.indicator_ids),
        *(c for c in parts.columns if c.startswith(("meets_", "above_floor_"))),
        *(["met_count"] if standard.school_rule else []),
        "pass",
    ]
    parts = parts.select(keep)
    levels = _levels(parts, standard)
    composites = composite_coefficients(levels, standard)
    verdicts = _verdicts(counties, parts, levels, composites)
    return Evaluation(standard, parts, levels, composites, verdicts, excluded)


def _levels(parts: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    specs = [(i.id, value_column(i.id), resource_column(i.id), i.per_students) for i in standard.indicators]
    level_order = {lv: i for i, lv in enumerate(standard.levels)}
    stats = (
        coefficients_by_group(parts, LEVEL_KEYS, specs)
        .with_columns(pl.col("level").replace_strict(level_order, return_dtype=pl.Int32).alias("_level"))
        .sort([*KEYS, "_level"], maintain_order=True)
        .drop("_level")
    )
    limits = {lv: float(v) for lv, v in standard.cv_limits.items()}
    margin = float(standard.near_limit_margin)
    if not limits:
        return stats.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("limit"),
            pl.lit(None, dtype=pl.Boolean).alias("pass"),
            pl.lit(False).alias("near_limit"),
        )
    limit = level_constant(limits)
    return stats.with_columns(limit.alias("limit")).with_columns(
        (pl.col("cv").is_not_null() & (pl.col("cv") <= pl.col("limit") + FLOAT_NOISE)).alias("pass"),
        ((pl.col("cv") - pl.col("limit")).abs() <= margin).fill_null(False).alias("near_limit"),
    )


def composite_coefficients(levels: pl.DataFrame, standard: Standard) -> pl.DataFrame | None:
    """basic-2012's composite: the mean of the CVs, each at 3 decimals, reported at 3 (standard.md §8).

    Both roundings follow the standard's rule on decimals (四舍五入: a mean of 0.5505 is 0.551), as the
    published tables and Excel's ROUND do; the mean of the rounded CVs is taken exactly, in integers.
    """
    composite = standard.composite
    if composite is None:
        return None
    limits = {lv: float(v) for lv, v in composite.limits.items()}
    component, report = composite.component_decimals, composite.report_decimals
    units = rounded_units(pl.col("cv"), component, standard.rounding)
    # mean = Σ units ÷ n in 10^-component; in 10^-report that is (Σ units × 10^(report − component)) ÷ n
    total = units.sum() * 10 ** max(report - component, 0)
    count = units.count() * 10 ** max(component - report, 0)
    return (
        levels.group_by(LEVEL_KEYS, maintain_order=True)
        .agg(
            units_value(rounded_quotient(total, count, standard.rounding), report).alias("composite"),
            pl.col("cv").is_null().any().alias("undefined"),
        )
        .with_columns(
            pl.when(pl.col("undefined")).then(None).otherwise(pl.col("composite")).alias("composite"),
            level_constant(limits).alias("limit"),
        )
        .with_columns(
            (pl.col("composite").is_not_null() & (pl.col("composite") <= pl.col("limit") + FLOAT_NOISE)).alias("pass"),
            ((pl.col("composite") - pl.col("limit")).abs() <= float(standard.near_limit_margin))
            .fill_null(False)
            .alias("near_limit"),
        )
        .drop("undefined")
    )


def _verdicts(
    counties: pl.DataFrame, parts: pl.DataFrame, levels: pl.DataFrame, composites: pl.DataFrame | None
) -> pl.DataFrame:
    """A county passes when every school part passes and every difference coefficient (or composite) does."""
    school_counts = parts.group_by(KEYS).agg(
        pl.col("school_id").n_unique().alias("schools"),
        pl.col("students").sum().alias("students"),
        pl.col("school_id").filter(pl.col("pass").not_()).n_unique().alias("failing_schools"),
    )
    judged = composites if composites is not None else levels
    cv_fail = judged.group_by(KEYS).agg(pl.col("pass").not_().sum().alias("failing_indicators"))
    counts = ["schools", "students", "failing_schools", "failing_indicators"]
    return (
        counties.join(school_counts, on=KEYS, how="left", nulls_equal=True)
        .join(cv_fail, on=KEYS, how="left", nulls_equal=True)
        .with_columns(pl.col(c).fill_null(0) for c in counts)
        .with_columns(
            (pl.col("schools").gt(0) & pl.col("failing_schools").eq(0) & pl.col("failing_indicators").eq(0)).alias(
                "pass"
            )
        )
        .select(*KEYS, "pass", *counts)
    )
