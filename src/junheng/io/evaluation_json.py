"""An evaluation as the JSON object of `junheng evaluate --format json`, contracts.md §2.

The same county objects are served by the web API (contracts.md §4) and embedded in `plan`'s
output (§3), so this is the one place that shapes them. Numbers are unrounded: floats stay floats,
counts stay integers, an undefined difference coefficient is null.

A national file has about 250,000 school parts. Their objects are encoded by Polars, row-wise in
Rust, and spliced into the text; building them as Python dicts first takes several times longer.
`evaluation_to_json` parses that same text, so the object and the text cannot disagree.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import polars as pl

from junheng.engine import Evaluation
from junheng.engine.indicators import value_column
from junheng.engine.rules import meets_column
from junheng.engine.scope import KEYS
from junheng.io.finite import finite_columns

_encode = functools.partial(json.dumps, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def evaluation_to_json(evaluation: Evaluation) -> dict[str, Any]:
    """`{"standard", "counties": [...]}` exactly as contracts.md §2 lays it out."""
    document: dict[str, Any] = json.loads(dumps(evaluation))
    return document


def dumps(evaluation: Evaluation) -> str:
    """The compact JSON text of contracts.md §2, Chinese left readable (not \\u-escaped)."""
    rows = (
        evaluation.counties.select(*KEYS, "pass")
        .join(_school_lists(evaluation), on=KEYS, how="left", nulls_equal=True)
        .join(_excluded_lists(evaluation), on=KEYS, how="left", nulls_equal=True)
        .rows()
    )
    levels = _levels(evaluation)
    counties = [
        f'{{"county":{_encode(county)},"year":{_encode(year)},"pass":{_encode(passed)},'
        f'"levels":{_encode(levels.get((county, year), {}))},'
        f'"schools":[{schools or ""}],"excluded":[{excluded or ""}]}}'
        for county, year, passed, schools, excluded in rows
    ]
    return f'{{"standard":{_encode(evaluation.standard.name)},"counties":[{",".join(counties)}]}}'


def _school_lists(evaluation: Evaluation) -> pl.DataFrame:
    """Per county, its school-part objects as comma-separated JSON text, in the engine's order."""
    ids = evaluation.standard.indicator_ids
    values = pl.struct(pl.col(value_column(i)).alias(i) for i in ids).alias("values")
    if evaluation.standard.school_rule is not None:
        meets = pl.struct(pl.col(meets_column(i)).alias(i) for i in ids).alias("meets")
        school = pl.struct("school_id", "level", "students", values, meets, "pass").struct.json_encode()
    else:
        # Without a school rule `meets` is {}; Polars has no empty struct, so the text is joined around it.
        school = pl.concat_str(
            pl.struct("school_id", "level", "students", values).struct.json_encode().str.strip_suffix("}"),
            pl.lit(',"meets":{},'),
            pl.struct("pass").struct.json_encode().str.strip_prefix("{"),
        )
    return evaluation.schools.group_by(KEYS, maintain_order=True).agg(school.str.join(",").alias("schools"))


def _excluded_lists(evaluation: Evaluation) -> pl.DataFrame:
    excluded = pl.struct("school_id", "reason").struct.json_encode()
    return evaluation.excluded.group_by(KEYS, maintain_order=True).agg(excluded.str.join(",").alias("excluded"))


def _levels(evaluation: Evaluation) -> dict[tuple[str, int], dict[str, Any]]:
    """`levels` per county: the 学段 present, in the standard's order, each with its indicators."""
    standard = evaluation.standard
    level_order = {lv: i for i, lv in enumerate(standard.levels)}
    indicator_order = {ind_id: i for i, ind_id in enumerate(standard.indicator_ids)}
    rows = (
        finite_columns(evaluation.levels)
        .with_columns(
            pl.col("level").replace_strict(level_order, default=len(level_order)).alias("_level"),
            pl.col("indicator").replace_strict(indicator_order, default=len(indicator_order)).alias("_indicator"),
        )
        .sort([*KEYS, "_level", "_indicator"], maintain_order=True)
        .select(*KEYS, "level", "schools", "students", "indicator", "mean", "cv", "limit", "pass")
        .to_dicts()
    )
    composites = _composites(evaluation)
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for row in rows:
        key = (row["county"], row["year"])
        county_levels = out.setdefault(key, {})
        level = county_levels.get(row["level"])
        if level is None:
            level = {"schools": row["schools"], "students": row["students"], "indicators": {}}
            if composites is not None:
                level["composite"] = composites[(*key, row["level"])]
            county_levels[row["level"]] = level
        level["indicators"][row["indicator"]] = {
            "mean": row["mean"],
            "cv": row["cv"],
            "limit": row["limit"],
            "pass": row["pass"],
        }
    return out


def _composites(evaluation: Evaluation) -> dict[tuple[str, int, str], dict[str, Any]] | None:
    """basic-2012's composite per county and 学段 as `{"cv", "limit", "pass"}` (standard.md §8)."""
    if evaluation.composites is None:
        return None
    return {
        (row["county"], row["year"], row["level"]): {"cv": row["composite"], "limit": row["limit"], "pass": row["pass"]}
        for row in finite_columns(evaluation.composites).to_dicts()
    }
