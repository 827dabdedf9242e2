"""The national-2017 resource-allocation evaluation written again in vectorised pandas: the benchmark's peer.

It follows standard.md §2–§4 from the standard's data, as a careful pandas programmer would write it
(whole-column arithmetic and groupby/transform, no Python loop over schools or groups), so that the
benchmark compares two honest implementations. `disagreements` checks it against `junheng.engine`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd
import polars as pl

from junheng.engine import Evaluation
from junheng.standards import Standard

KEYS = ["county", "year"]
LEVEL_KEYS = [*KEYS, "level"]
CV_TOLERANCE = 1e-9
# A CV of exactly 0.5 can come out of floating point as 0.5000000000000001: like the engine, judge a limit
# with this much slack, far below any difference data can make.
LIMIT_SLACK = 1e-12


@dataclass(frozen=True, slots=True)
class PeerEvaluation:
    """`schools`: one row per school part with `v_ID`, `meets_ID`, `pass`; `levels`: one row per county,
    year, 学段 and indicator with `mean`, `cv` (NaN where the mean is 0), `pass`; `counties`: `pass`,
    `failing_schools`, `failing_indicators`."""

    schools: pd.DataFrame
    levels: pd.DataFrame
    counties: pd.DataFrame


def to_pandas(df: pl.DataFrame) -> pd.DataFrame:
    """A Polars table as pandas, column by column through NumPy (no pyarrow needed)."""
    return pd.DataFrame({name: df[name].to_numpy() for name in df.columns})


def evaluate_pandas(schools: pd.DataFrame, standard: Standard) -> PeerEvaluation:
    """Exclusions, split of shared resources, values, the school rule, CVs and the county verdict."""
    rule = standard.school_rule
    if rule is None:
        raise ValueError(f"{standard.name} has no school rule; the peer implements national-2017-style standards")
    included = schools.loc[~_excluded(schools, standard)]
    parts = _parts(included, standard)
    met = pd.DataFrame(index=parts.index)
    above = pd.DataFrame(index=parts.index)
    for ind in standard.indicators:
        level_threshold = {lv: float(t) for lv, t in ind.thresholds.items()}
        level_floor = {lv: float(rule.floor(t)) for lv, t in ind.thresholds.items()}
        met[ind.id] = parts[f"v_{ind.id}"] >= parts["level"].map(level_threshold)
        above[ind.id] = parts[f"v_{ind.id}"] >= parts["level"].map(level_floor)
        parts[f"meets_{ind.id}"] = met[ind.id]
    parts["met_count"] = met.sum(axis=1)
    parts["pass"] = (parts["met_count"] >= rule.min_met) & (met | above).all(axis=1)
    levels = _coefficients(parts, standard)
    return PeerEvaluation(parts, levels, _verdicts(schools, parts, levels))


def _excluded(schools: pd.DataFrame, standard: Standard) -> pd.Series:
    compulsory = sum(schools[f"students_{lv}"] for lv in standard.levels)
    small_point = (schools["school_type"] == "teaching_point") & (compulsory < standard.teaching_point_min_students)
    return schools["school_type"].isin(list(standard.excluded_school_types)) | small_point | (compulsory == 0)


def _integer_weights(standard: Standard) -> dict[str, int]:
    """1, 1.1, 1.32 → 100, 110, 132: weighted enrolments then add up exactly."""
    places = max(-min(int(w.as_tuple().exponent), 0) for w in standard.split_weights.values())
    return {lv: int(w * Decimal(10) ** places) for lv, w in standard.split_weights.items()}


def _parts(schools: pd.DataFrame, standard: Standard) -> pd.DataFrame:
    """One row per school and compulsory 学段 with students, with `r_ID` (the part's resource) and `v_ID`."""
    weights = _integer_weights(standard)
    weighted = {
        lv: schools[f"students_{lv}"].to_numpy(np.int64) * weights[lv] for lv in ("primary", "junior", "senior")
    }
    total = sum(weighted.values())
    frames = []
    for level in standard.levels:  # the two 学段, not the schools
        has = schools[f"students_{level}"].to_numpy() > 0
        part = schools.loc[has, [*KEYS, "school_id", "school_type"]].copy()
        part["level"] = level
        students = schools[f"students_{level}"].to_numpy(np.int64)[has]
        part["students"] = students
        w_part, w_total = weighted[level][has], total[has]
        single = w_part == w_total
        for ind in standard.indicators:
            column = ind.resource_column(level)
            whole = schools[column].to_numpy(np.float64)[has]
            share = whole if ind.per_level_resource else np.where(w_total > 0, whole * w_part / w_total, 0.0)
            # A school with one 学段 is valued from its whole resource, exactly as R·k ÷ N.
            part[f"r_{ind.id}"] = share
            part[f"v_{ind.id}"] = np.where(single, whole, share) * ind.per_students / students
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def _coefficients(parts: pd.DataFrame, standard: Standard) -> pd.DataFrame:
    """The enrolment-weighted CV per county, year, 学段 and indicator, standard.md §3, in long form."""
    grouped = parts.groupby(LEVEL_KEYS, sort=False)
    total_students = grouped["students"].transform("sum")
    spread = pd.DataFrame(index=parts.index)
    for ind in standard.indicators:
        mean = grouped[f"r_{ind.id}"].transform("sum") * ind.per_students / total_students
        spread[ind.id] = parts["students"] * (parts[f"v_{ind.id}"] - mean) ** 2
        spread[f"sum_{ind.id}"] = parts[f"r_{ind.id}"]
    spread[LEVEL_KEYS] = parts[LEVEL_KEYS]
    spread["students"] = parts["students"]
    sums = spread.groupby(LEVEL_KEYS, sort=False).sum().reset_index()
    limits = {lv: float(v) for lv, v in standard.cv_limits.items()}
    frames = []
    for ind in standard.indicators:
        mean = sums[f"sum_{ind.id}"] * ind.per_students / sums["students"]
        cv = np.sqrt(sums[ind.id] / sums["students"]) / mean.where(mean != 0)
        limit = sums["level"].map(limits)
        frames.append(
            sums[LEVEL_KEYS].assign(
                indicator=ind.id, mean=mean, cv=cv, limit=limit, **{"pass": cv.notna() & (cv <= limit + LIMIT_SLACK)}
            )
        )
    return pd.concat(frames, ignore_index=True)


def _verdicts(schools: pd.DataFrame, parts: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """A county passes when it has schools in scope, none with a failing part, and every CV within its limit.

    `failing_schools` counts schools: a 九年一贯制 school failing in both 学段 is one failing school.
    """
    counties = schools[KEYS].drop_duplicates()
    in_scope = parts.groupby(KEYS, sort=False)["school_id"].nunique().rename("schools")
    failing = parts.loc[~parts["pass"]].groupby(KEYS, sort=False)["school_id"].nunique().rename("failing_schools")
    failing_cvs = (~levels["pass"]).groupby([levels[k] for k in KEYS], sort=False).sum().rename("failing_indicators")
    out = counties
    for counts in (in_scope, failing, failing_cvs):
        out = out.merge(counts.reset_index(), on=KEYS, how="left")
    counts = ["schools", "failing_schools", "failing_indicators"]
    out[counts] = out[counts].fillna(0).astype(np.int64)
    out["pass"] = (out["schools"] > 0) & (out["failing_schools"] == 0) & (out["failing_indicators"] == 0)
    return out[[*KEYS, "pass", "failing_schools", "failing_indicators"]].reset_index(drop=True)


def _to_polars(frame: pd.DataFrame, columns: list[str]) -> pl.DataFrame:
    return pl.DataFrame({name: frame[name].to_numpy() for name in columns})


def disagreements(evaluation: Evaluation, peer: PeerEvaluation) -> list[str]:
    """Where the peer and the engine differ: school parts, their flags, CVs beyond 1e-9, verdicts. Empty if none."""
    ids = evaluation.standard.indicator_ids
    found: list[str] = []
    part_keys = [*LEVEL_KEYS, "school_id"]
    flags = ["pass", *(f"meets_{i}" for i in ids)]
    ours = evaluation.schools.select(*part_keys, *flags)
    theirs = _to_polars(peer.schools, [*part_keys, *flags]).cast({"year": pl.Int64})
    joined = ours.join(theirs, on=part_keys, how="full", suffix="_peer", coalesce=True)
    if joined.height != ours.height or joined.height != theirs.height:
        found.append(f"school parts differ: engine {ours.height}, peer {theirs.height}, together {joined.height}")
    for flag in flags:
        differing = joined.filter(pl.col(flag).ne_missing(pl.col(f"{flag}_peer")))
        if differing.height:
            found.append(f"{flag} differs at {differing.height} school parts, e.g. {differing.row(0, named=True)}")
    level_keys = [*LEVEL_KEYS, "indicator"]
    ours_levels = evaluation.levels.select(*level_keys, "cv", "pass")
    theirs_levels = _to_polars(peer.levels, [*level_keys, "cv", "pass"]).cast({"year": pl.Int64}).fill_nan(None)
    levels = ours_levels.join(theirs_levels, on=level_keys, how="full", suffix="_peer", coalesce=True)
    if levels.height != ours_levels.height or levels.height != theirs_levels.height:
        found.append(f"(county, year, 学段, indicator) groups differ: {ours_levels.height} vs {theirs_levels.height}")
    far = levels.filter(
        ((pl.col("cv") - pl.col("cv_peer")).abs() > CV_TOLERANCE).fill_null(True)
        & ~(pl.col("cv").is_null() & pl.col("cv_peer").is_null())
    )
    if far.height:
        found.append(f"CV differs by more than {CV_TOLERANCE} in {far.height} groups, e.g. {far.row(0, named=True)}")
    flipped = levels.filter(pl.col("pass").ne_missing(pl.col("pass_peer")))
    if flipped.height:
        found.append(f"CV verdict differs in {flipped.height} groups, e.g. {flipped.row(0, named=True)}")
    verdict = ["pass", "failing_schools", "failing_indicators"]
    ours_counties = evaluation.counties.select(*KEYS, *verdict)
    theirs_counties = _to_polars(peer.counties, [*KEYS, *verdict]).cast({"year": pl.Int64})
    counties = ours_counties.join(theirs_counties, on=KEYS, how="full", suffix="_peer", coalesce=True)
    for column in verdict:
        differing = counties.filter(pl.col(column).ne_missing(pl.col(f"{column}_peer")))
        if differing.height:
            found.append(f"county {column} differs in {differing.height} counties, e.g. {differing.row(0, named=True)}")
    return found
