"""Class sizes (大班额): bands, classes over the G5 limit and the shares against the targets.

standard.md §5 (G5: every class ≤ 45 primary / ≤ 50 junior) and §9 (the class-size bands); the
settings are the standard's `[class_size]` table. A class table has one row per class with at least
`level` ("primary" or "junior") and `students`; any other column (`school`, `township`, `snapshot`…)
may be used to group by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from junheng.standards import Standard


@dataclass(frozen=True, slots=True)
class Band:
    key: str
    label: str
    min: int
    max: int | None  # None: no upper end


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
        raw: dict[str, Any] = standard.raw["class_size"]
        return cls(
            bands=tuple(
                Band(str(b["key"]), str(b["label"]), int(b["min"]), None if "max" not in b else int(b["max"]))
                for b in raw["bands"]
            ),
            limits={str(level): int(limit) for level, limit in raw["limits"].items()},
            targets=tuple(
                Target(
                    str(t["key"]), str(t["label"]), tuple(str(b) for b in t["bands"]), float(Decimal(t["max_share"]))
                )
                for t in raw["targets"]
            ),
            closing_snapshots=int(raw["closing_snapshots"]),
            measures=tuple(str(m) for m in raw["measures"]),
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
