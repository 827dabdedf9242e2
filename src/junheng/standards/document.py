"""The whole of a standard's data file as typed tables: what the loader checks a (merged) file against.

`StandardFile` has one field per table of the TOML file; every table refuses keys it does not know.
The `status` and `*_status` keys (C, S or U: whether a setting is confirmed) are taken out before the
check and kept apart (`Standard.statuses`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field
from pydantic.dataclasses import dataclass

from junheng.standards.model import Composite, SchoolRule
from junheng.standards.sections import (
    STRICT,
    ClassSize,
    CountyFigure,
    Item,
    LevelKey,
    NonNegativeDecimal,
    NonNegativeInt,
    Places,
    Plan,
    PositiveInt,
    Recognition,
    Veto,
)


@dataclass(frozen=True, config=STRICT)
class Scope:
    """`[scope]`, standard.md §2: school types never counted, and the 教学点 cut-off."""

    excluded_school_types: tuple[str, ...] = ()
    teaching_point_min_students: NonNegativeInt = 0


@dataclass(frozen=True, config=STRICT)
class Split:
    """`[split]`, standard.md §4: the weights per 学段 and the shared columns."""

    weights: dict[LevelKey, Annotated[Decimal, Field(gt=0)]]
    shared_columns: tuple[str, ...] = ()
    split_rooms_as_fractions: bool = True


@dataclass(frozen=True, config=STRICT)
class Difference:
    """`[difference]`, standard.md §3: the CV limits per 学段 and how a CV is shown."""

    limits: dict[LevelKey, NonNegativeDecimal] = Field(default_factory=dict)
    report_decimals: NonNegativeInt = 3
    rounding: str = "half_up"
    near_limit_margin: NonNegativeDecimal = Decimal(0)


@dataclass(frozen=True, config=STRICT)
class IndicatorEntry:
    """`[indicators.ID]`, standard.md §2, §8."""

    name: str
    resource: str
    per_level_resource: bool
    per_students: PositiveInt
    short: str | None = None
    value_unit: str = ""
    resource_unit: str = ""
    integral: bool = False
    thresholds: dict[LevelKey, NonNegativeDecimal] = Field(default_factory=dict)


@dataclass(frozen=True, config=STRICT)
class StandardFile:
    """A standard's data file, its parents merged in."""

    name: str
    levels: tuple[LevelKey, ...]
    scope: Scope
    split: Split
    difference: Difference
    indicators: dict[str, IndicatorEntry]
    title: str | None = None
    kind: str = "quality"
    version: str = ""
    parent: str | None = None
    school_rule: SchoolRule | None = None
    composite: Composite | None = None
    guarantee: dict[str, Item] = Field(default_factory=dict)
    quality: dict[str, Item] = Field(default_factory=dict)
    recognition: Recognition | None = None
    county_figures: dict[str, CountyFigure] = Field(default_factory=dict)
    veto: Veto = Field(default_factory=Veto)
    plan: Plan = Field(default_factory=Plan)
    class_size: ClassSize | None = None
    places: Places | None = None
