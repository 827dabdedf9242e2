"""A standard, parsed from its data file: what the engine needs to evaluate a county."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from enum import StrEnum

from pydantic.dataclasses import dataclass as checked

from junheng.levels import Level
from junheng.standards.sections import (
    STRICT,
    ClassSize,
    CountyFigure,
    Item,
    LevelKey,
    Places,
    Plan,
    PositiveInt,
    Recognition,
    Share,
    VetoItem,
)


class Rounding(StrEnum):
    """How a figure is taken to a number of decimals: `[difference] rounding` in a standard's data."""

    HALF_UP = "half_up"  # 四舍五入, as the published tables and Excel's ROUND: 0.5505 → 0.551
    HALF_EVEN = "half_even"  # 四舍六入五成双: 0.5505 → 0.550

    @property
    def label(self) -> str:
        """The rule's Chinese name."""
        return "四舍五入" if self is Rounding.HALF_UP else "四舍六入五成双"

    @property
    def decimal_mode(self) -> str:
        """The `decimal` module's rounding mode of this rule."""
        return ROUND_HALF_UP if self is Rounding.HALF_UP else ROUND_HALF_EVEN


@dataclass(frozen=True, slots=True)
class Indicator:
    """One per-school indicator: resource ÷ students × per_students (standard.md §2, §8)."""

    id: str
    name: str
    short: str
    resource: str
    per_level_resource: bool
    per_students: int
    value_unit: str
    resource_unit: str
    integral: bool
    thresholds: Mapping[str, Decimal] = field(default_factory=dict)

    def resource_column(self, level: str) -> str:
        """The data-file column holding this indicator's resource for a 学段."""
        return f"{self.resource}_{level}" if self.per_level_resource else self.resource

    def threshold(self, level: str) -> Decimal | None:
        return self.thresholds.get(level)


@checked(frozen=True, config=STRICT)
class SchoolRule:
    """standard.md §2: at least `min_met` indicators meet; every other one ≥ floor_ratio × threshold."""

    min_met: PositiveInt
    floor_ratio: Share

    def floor(self, threshold: Decimal) -> Decimal:
        """The 85 % floor, computed in decimal so that 4.2 × 0.85 is exactly 3.57."""
        return threshold * self.floor_ratio


@checked(frozen=True, config=STRICT)
class Composite:
    """standard.md §8: the mean of the indicators' CVs, each rounded first, against a limit."""

    limits: dict[LevelKey, Decimal]
    component_decimals: int = 3
    report_decimals: int = 3


@dataclass(frozen=True, slots=True)
class Standard:
    """A standard with its parents merged in."""

    name: str
    title: str
    kind: str
    version: str
    parent: str | None
    levels: tuple[Level, ...]
    excluded_school_types: frozenset[str]
    teaching_point_min_students: int
    split_weights: Mapping[str, Decimal]
    shared_columns: tuple[str, ...]
    split_rooms_as_fractions: bool
    indicators: tuple[Indicator, ...]
    cv_limits: Mapping[str, Decimal]
    report_decimals: int
    rounding: Rounding
    near_limit_margin: Decimal
    school_rule: SchoolRule | None
    composite: Composite | None
    guarantee: Mapping[str, Item]
    quality: Mapping[str, Item]
    recognition: Recognition | None
    county_figures: Mapping[str, CountyFigure]
    veto: tuple[VetoItem, ...]
    plan: Plan
    class_size: ClassSize | None
    places: Places | None
    # Whether each setting is confirmed in a published source: dotted key → "C", "S" or "U" (the file's
    # `status` and `*_status` keys, e.g. "scope.teaching_point_min_students" → "C").
    statuses: Mapping[str, str]

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(ind.id for ind in self.indicators)

    def items(self, section: str) -> Mapping[str, Item]:
        """The items of "guarantee" (G1–G15) or "quality" (Q1–Q9), in the file's order."""
        return {"guarantee": self.guarantee, "quality": self.quality}[section]

    def required_columns(self) -> tuple[str, ...]:
        """Data-file columns this standard cannot evaluate without (contracts.md §1)."""
        cols: list[str] = []
        for ind in self.indicators:
            if ind.per_level_resource:
                cols.extend(ind.resource_column(level) for level in self.levels)
            else:
                cols.append(ind.resource)
        return tuple(dict.fromkeys(cols))
