"""School places (学位, issue 6 part 3; standard.md §9): capacity, demand per catchment, gap and warning.

No official rule exists: every figure comes from the standard's `[places]` table (examples the county
replaces) and the class sizes of G5 (`[class_size].limits`). Tables are long, one row per 学段 (`level`):

- capacities: `school`, `year`, `catchment` (name or null), `level`, `design_classes`, `class_size`
  (null: the standard class size of the 学段);
- births: `catchment` (null: the whole county), `year` (of birth), `series` (户籍 or 常住, never mixed),
  `births`;
- deliveries: `catchment`, `year`, `households` (homes handed over that year);
- enrolment: `catchment`, `year`, `level`, `students` (e.g. the projection of the schools' enrolment);
- catchments: `catchment`, `level` (a catchment serves one 学段).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from junheng.levels import COMPULSORY_LEVELS
from junheng.standards import Standard, StandardError

GREEN, YELLOW, RED = "green", "yellow", "red"
GRADES = {level.value: len(level.grades) for level in COMPULSORY_LEVELS}  # grades per 学段: 6 and 3


@dataclass(frozen=True, slots=True)
class PlacesRules:
    """The `[places]` settings and the standard class sizes (never literals in code)."""

    red: float
    yellow: float
    people_per_household: float
    pupils_per_1000_people: Mapping[str, float]
    entry_age: int
    norm_per_1000_residents: Mapping[str, float]
    class_size: Mapping[str, int]
    grades: Mapping[str, int]
    horizon_years: int

    @classmethod
    def of(cls, standard: Standard) -> PlacesRules:
        settings, class_size = standard.places, standard.class_size
        if settings is None or class_size is None:
            raise StandardError(standard.name, "标准没有学位（[places]）或班额（[class_size]）的设置")
        return cls(
            red=float(settings.warning.red),
            yellow=float(settings.warning.yellow),
            people_per_household=float(settings.people_per_household),
            pupils_per_1000_people={str(k): float(v) for k, v in settings.pupils_per_1000_people.items()},
            entry_age=settings.entry_age,
            norm_per_1000_residents={str(k): float(v) for k, v in settings.norm_per_1000_residents.items()},
            class_size={str(k): v for k, v in class_size.limits.items()},
            grades=GRADES,
            horizon_years=settings.horizon_years,
        )

    def per_level(self, values: Mapping[str, float]) -> pl.Expr:
        return pl.col("level").replace_strict(dict(values), default=None, return_dtype=pl.Float64)


def capacity(capacities: pl.DataFrame, rules: PlacesRules) -> pl.DataFrame:
    """Each row with `places` = design classes × standard class size (the school's own, else G5's)."""
    size = pl.col("class_size").cast(pl.Float64).fill_null(rules.per_level(rules.class_size))
    return capacities.with_columns((pl.col("design_classes") * size).round(0).cast(pl.Int64).alias("places"))


def places_in(capacities: pl.DataFrame, years: Sequence[int], rules: PlacesRules) -> pl.DataFrame:
    """Places per catchment, 学段 and year: each school counted with its latest capacity row of that year
    or before (a school keeps its places until the county records new ones)."""
    wanted = pl.DataFrame({"as_of": sorted(set(years))}, schema={"as_of": pl.Int64})
    rows = capacity(capacities, rules).join(wanted, how="cross").filter(pl.col("year") <= pl.col("as_of"))
    latest = rows.filter(pl.col("year") == pl.col("year").max().over("school", "level", "as_of"))
    return (
        latest.group_by("catchment", "level", "as_of")
        .agg(pl.col("places").sum())
        .rename({"as_of": "year"})
        .sort("catchment", "level", "year")
    )


def births_demand(births: pl.DataFrame, series: str, rules: PlacesRules) -> pl.DataFrame:
    """Pupils per catchment, 学段 and year from births of one series: grade 1 in year Y is the births of
    Y − entry age (six years earlier), grade g those of Y − entry age − (g − 1); a 学段's demand is the sum
    of its grades' cohorts, and only where every cohort's births are known. Also `entrants` (grade 1
    of primary, grade 7 of junior)."""
    chosen = births.filter(pl.col("series") == series).select("catchment", "year", "births")
    parts = []
    first = rules.entry_age
    for level in ("primary", "junior"):
        grades = rules.grades[level]
        cohorts = pl.concat(
            chosen.with_columns((pl.col("year") + first + g).alias("at"), pl.lit(g).alias("grade"))
            for g in range(grades)
        )
        parts.append(
            cohorts.group_by("catchment", "at")
            .agg(
                pl.col("births").sum().alias("demand"),
                pl.col("births").filter(pl.col("grade") == 0).sum().alias("entrants"),
                pl.col("grade").n_unique().alias("cohorts"),
            )
            .filter(pl.col("cohorts") == grades)
            .select("catchment", pl.col("at").alias("year"), pl.lit(level).alias("level"), "demand", "entrants")
        )
        first += grades
    return pl.concat(parts).with_columns(pl.col("demand").cast(pl.Float64), pl.col("entrants").cast(pl.Float64))


def housing_demand(deliveries: pl.DataFrame, years: Sequence[int], rules: PlacesRules) -> pl.DataFrame:
    """Pupils per catchment, 学段 and year from the homes delivered that year and before: households ×
    people per household × pupils per 1,000 people ÷ 1,000 (families stay once they have moved in)."""
    wanted = pl.DataFrame({"as_of": sorted(set(years))}, schema={"as_of": pl.Int64})
    levels = pl.DataFrame({"level": list(rules.pupils_per_1000_people)})
    return (
        deliveries.join(wanted, how="cross")
        .filter(pl.col("year") <= pl.col("as_of"))
        .group_by("catchment", "as_of")
        .agg(pl.col("households").sum())
        .join(levels, how="cross")
        .select(
            "catchment",
            pl.col("as_of").alias("year"),
            "level",
            (
                pl.col("households") * rules.people_per_household * rules.per_level(rules.pupils_per_1000_people) / 1000
            ).alias("housing"),
        )
    )


def warning(ratio: pl.Expr, rules: PlacesRules) -> pl.Expr:
    """red at or above `red` of the places, yellow at or above `yellow`, green below; null when unknown."""
    return (
        pl.when(ratio.is_null())
        .then(None)
        .when(ratio >= rules.red)
        .then(pl.lit(RED))
        .when(ratio >= rules.yellow)
        .then(pl.lit(YELLOW))
        .otherwise(pl.lit(GREEN))
    )


def _judged(table: pl.DataFrame, rules: PlacesRules) -> pl.DataFrame:
    """`demand` = base + housing (null when the base is unknown), `gap` = places − demand (negative: a
    shortage), `ratio` = demand ÷ places and the `warning`; all null when the places are unknown. With no
    places and some demand: red."""
    table = table.with_columns(pl.col("housing").fill_null(0.0)).with_columns(
        (pl.col("base") + pl.col("housing")).alias("demand")
    )
    ratio = (
        pl.when(pl.col("places").is_null())
        .then(None)
        .when(pl.col("places") > 0)
        .then(pl.col("demand") / pl.col("places"))
        .when(pl.col("demand") > 0)
        .then(pl.lit(float("inf")))
        .when(pl.col("demand").is_not_null())
        .then(pl.lit(0.0))
    )
    return table.with_columns((pl.col("places") - pl.col("demand")).alias("gap"), ratio.alias("ratio")).with_columns(
        warning(pl.col("ratio"), rules).alias("warning")
    )


def gaps(
    catchments: pl.DataFrame,
    places: pl.DataFrame,
    base: pl.DataFrame,
    housing: pl.DataFrame,
    rules: PlacesRules,
) -> pl.DataFrame:
    """Per catchment and year (its own 学段 only): `places`, `base` (projection or births), `housing`,
    then demand, gap, ratio and warning. Every catchment appears in every year that has places or demand:
    one without schools has 0 places (a shortage as soon as it has pupils); in a year before any capacity
    is recorded the places are unknown (null), not 0. Rows of `base` without a catchment (the county's
    own births) belong to `county_gaps`, not here."""
    keys = ["catchment", "year", "level"]
    base = base.filter(pl.col("catchment").is_not_null())
    years = pl.concat([places.select("year", "level"), base.select("year", "level")]).unique()
    known = places.select("year").unique().with_columns(pl.lit(True).alias("known"))
    table = (
        catchments.select("catchment", "level")
        .join(years, on="level")
        .join(places.select(*keys, "places"), on=keys, how="left")
        .join(known, on="year", how="left")
        .join(base.select(*keys, pl.col("demand").alias("base")), on=keys, how="left")
        .join(housing.select(*keys, "housing"), on=keys, how="left")
        .with_columns(pl.when(pl.col("known")).then(pl.col("places").fill_null(0)).alias("places"))
        .drop("known")
    )
    return _judged(table, rules).sort("catchment", "year", "level")


def county_gaps(places: pl.DataFrame, base: pl.DataFrame, housing: pl.DataFrame, rules: PlacesRules) -> pl.DataFrame:
    """The county as one catchment (`catchment` null), for each year and 学段 its own demand is known:
    every school's places (in a catchment or not), the county's births demand (the rows of `base` without a
    catchment; the catchments' own births are never added to it, so nothing is counted twice) plus the
    housing of all catchments; then gap, ratio and warning as for a catchment."""
    keys = ["year", "level"]
    own = base.filter(pl.col("catchment").is_null()).select(*keys, pl.col("demand").alias("base"))
    table = (
        own.join(places.group_by(keys).agg(pl.col("places").sum()), on=keys, how="left")
        .join(housing.group_by(keys).agg(pl.col("housing").sum()), on=keys, how="left")
        .select(pl.lit(None, pl.String).alias("catchment"), *keys, "places", "base", "housing")
    )
    return _judged(table, rules).sort("year", "level")


def places_per_1000_residents(capacities: pl.DataFrame, residents: pl.DataFrame, rules: PlacesRules) -> pl.DataFrame:
    """The county's places per 1,000 residents by year and 学段 against the county's norm (standard.md §9):
    `places`, `residents`, `per_1000`, `norm`, `meets`, for every year with capacities or residents; null
    where either is missing (a year without its residents is shown as such, not dropped)."""
    years = sorted(set(capacities["year"].to_list()) | set(residents["year"].to_list()))
    places = places_in(capacities, years, rules).group_by("year", "level").agg(pl.col("places").sum())
    levels = pl.DataFrame({"level": list(rules.norm_per_1000_residents)})
    return (
        pl.DataFrame({"year": years}, schema={"year": pl.Int64})
        .join(levels, how="cross")
        .join(places, on=["year", "level"], how="left")
        .join(residents.select("year", "residents"), on="year", how="left")
        .with_columns(
            pl.when(pl.col("residents") > 0).then(pl.col("places") * 1000 / pl.col("residents")).alias("per_1000"),
            rules.per_level(rules.norm_per_1000_residents).alias("norm"),
        )
        .with_columns((pl.col("per_1000") >= pl.col("norm")).alias("meets"))
        .sort("year", "level")
    )
