"""The sections of a standard's data file beyond the indicators, typed (standard.md §5–§7, §9).

Each class is one table of the TOML file, with the same keys. They are checked when the file is loaded
(`junheng.standards.loader`): an unknown key, a missing one or a value of the wrong kind is refused then,
naming the file and the key, never later in a computation.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, model_validator
from pydantic.dataclasses import dataclass

from junheng.levels import Level

# Every table refuses keys it does not know: a misspelt setting must not be silently ignored.
STRICT = ConfigDict(extra="forbid")
Share = Annotated[Decimal, Field(ge=0, le=1)]
NonNegativeDecimal = Annotated[Decimal, Field(ge=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]
PositiveInt = Annotated[int, Field(gt=0)]


def _level(key: str) -> str:
    if key not in {level.value for level in Level}:
        raise ValueError(f"“{key}”不是学段；应为以下之一：{'、'.join(Level)}")
    return key


# A key naming a 学段 ("primary", "junior", "senior"), kept as text so tables are looked up by it.
LevelKey = Annotated[str, AfterValidator(_level)]


@dataclass(frozen=True, config=STRICT)
class Check:
    """One check of an item computed from county figures: a ratio (`numerator` ÷ `denominator`), a single
    `figure`, or a yes/no `flag`, against the item's setting named by `at_least`, `less_than` or `at_most`
    (a dotted name such as "min_rate.junior")."""

    label: str
    unit: str = ""
    flag: str | None = None
    figure: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    at_least: str | None = None
    less_than: str | None = None
    at_most: str | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> Check:
        bounds = [b for b in (self.at_least, self.less_than, self.at_most) if b is not None]
        if self.flag is not None:
            if self.figure or self.numerator or self.denominator or bounds:
                raise ValueError("是否项（flag）不应同时给出数值或阈值")
            return self
        if (self.numerator is None) != (self.denominator is None):
            raise ValueError("比例检查应同时给出 numerator 和 denominator")
        if (self.figure is None) == (self.numerator is None):
            raise ValueError("检查应给出 flag、figure 或 numerator 与 denominator 之一")
        if len(bounds) != 1:
            raise ValueError("检查应给出一个阈值：at_least、less_than 或 at_most")
        return self

    @property
    def figures(self) -> tuple[str, ...]:
        """The county figures the check reads."""
        names = (self.flag, self.numerator, self.denominator, self.figure)
        return tuple(name for name in names if name is not None)

    @property
    def bound(self) -> tuple[str, str] | None:
        """The comparison ("≥", "<" or "≤") and the name of the item's setting it compares with."""
        for name, comparison in ((self.at_least, "≥"), (self.less_than, "<"), (self.at_most, "≤")):
            if name is not None:
                return comparison, name
        return None


PerLevelOrOne = Decimal | dict[LevelKey, Decimal]


@dataclass(frozen=True, config=STRICT)
class Item:
    """A government-guarantee (G1–G15, standard.md §5) or education-quality item (Q1–Q9, §6).

    `kind` says how it is judged: by the county office (judgement), from the schools' data
    (school_data: G3–G5) or from the figures the county enters (county_figure, with `checks`). The
    other fields are the item's settings; only those the item uses are given.
    """

    name: str
    kind: Literal["judgement", "school_data", "county_figure"]
    checks: tuple[Check, ...] = ()
    # G3: 12 classes per music and art room, the rooms' smallest areas in ㎡.
    classes_per_room: PositiveInt | None = None
    music_room_min_m2: Decimal | None = None
    art_room_min_m2: Decimal | None = None
    # G4: school size; G5: class size per 学段.
    max_students: PositiveInt | None = None
    max_students_through_school: PositiveInt | None = None
    max_class_size: dict[LevelKey, PositiveInt] | None = None
    # G6–G15, Q1–Q9: the thresholds the checks name.
    funded_minimum_students: NonNegativeInt | None = None
    min_yuan_per_student: Decimal | None = None
    min_ratio_to_civil_servants: Decimal | None = None
    min_rate: PerLevelOrOne | None = None
    min_rotation_rate: Decimal | None = None
    min_backbone_share: Decimal | None = None
    max_difference_rate: Decimal | None = None

    @model_validator(mode="after")
    def _checks_name_settings(self) -> Item:
        if self.kind == "county_figure" and not self.checks:
            raise ValueError("由县级数据计算的项目（county_figure）应给出 checks")
        for check in self.checks:
            if check.bound is not None:
                self.setting(check.bound[1])
        return self

    def setting(self, name: str) -> Decimal:
        """The setting a check names ("min_rate" or "min_rate.junior"), as a decimal."""
        first, _, level = name.partition(".")
        value = getattr(self, first, None) if first in _SETTINGS else None
        if isinstance(value, dict) and level in value:
            value = value[level]
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            raise ValueError(f"检查所引用的阈值“{name}”不是本项目的设置")
        return Decimal(value)


_SETTINGS = frozenset(
    (
        "classes_per_room",
        "music_room_min_m2",
        "art_room_min_m2",
        "max_students",
        "max_students_through_school",
        "funded_minimum_students",
        "min_yuan_per_student",
        "min_ratio_to_civil_servants",
        "min_rate",
        "min_rotation_rate",
        "min_backbone_share",
        "max_difference_rate",
    )
)


@dataclass(frozen=True, config=STRICT)
class CountyFigure:
    """A figure the county enters each year (`[county_figures]`): a number (with its unit) or a yes/no flag."""

    label: str
    unit: str = ""
    kind: Literal["number", "flag"] = "number"


@dataclass(frozen=True, config=STRICT)
class Recognition:
    """`[recognition]`, standard.md §7: the survey's scale, the counted answers, the sample and the floors."""

    min_rate: Share
    counted_options: tuple[str, ...]
    options: tuple[str, ...]
    unknown_option_leaves_denominator: bool
    sample_per_mille: NonNegativeDecimal
    min_sample: NonNegativeInt
    min_parent_share: Share
    min_valid_return_rate: Share

    @model_validator(mode="after")
    def _counted_are_options(self) -> Recognition:
        stray = [option for option in self.counted_options if option not in self.options]
        if stray:
            raise ValueError(f"counted_options 中的“{'、'.join(stray)}”不在 options 中")
        return self


@dataclass(frozen=True, config=STRICT)
class VetoItem:
    """One 一票否决 item (standard.md §1)."""

    key: str
    label: str


@dataclass(frozen=True, config=STRICT)
class Veto:
    """`[veto]`: the items any one of which fails the county."""

    items: tuple[VetoItem, ...] = ()


@dataclass(frozen=True, config=STRICT)
class Band:
    """A class-size band, `min` to `max` students inclusive (no `max`: no upper end), standard.md §9."""

    key: str
    label: str
    min: NonNegativeInt
    max: int | None = None


@dataclass(frozen=True, config=STRICT)
class Target:
    """At most `max_share` of a group's classes may fall in `bands`."""

    key: str
    label: str
    bands: tuple[str, ...]
    max_share: Share


@dataclass(frozen=True, config=STRICT)
class ClassSize:
    """`[class_size]`: the bands, the G5 limits per 学段, the targets, the closing rule and the measures."""

    bands: tuple[Band, ...]
    limits: dict[LevelKey, PositiveInt]
    targets: tuple[Target, ...]
    closing_snapshots: PositiveInt
    measures: tuple[str, ...]

    @model_validator(mode="after")
    def _targets_name_bands(self) -> ClassSize:
        known = {band.key for band in self.bands}
        for target in self.targets:
            unknown = [b for b in target.bands if b not in known]
            if unknown:
                raise ValueError(f"目标“{target.key}”引用了不存在的班额段“{'、'.join(unknown)}”")
        return self


@dataclass(frozen=True, config=STRICT)
class PlacesWarning:
    """Demand ÷ places at or above which a catchment is red, or yellow."""

    red: NonNegativeDecimal
    yellow: NonNegativeDecimal


@dataclass(frozen=True, config=STRICT)
class Places:
    """`[places]`, issue 6 part 3, standard.md §9: warnings, housing yields, entry age, horizon, norms."""

    warning: PlacesWarning
    people_per_household: NonNegativeDecimal
    pupils_per_1000_people: dict[LevelKey, NonNegativeDecimal]
    entry_age: NonNegativeInt
    horizon_years: NonNegativeInt
    norm_per_1000_residents: dict[LevelKey, NonNegativeDecimal]


@dataclass(frozen=True, config=STRICT)
class Rotation:
    """`[plan.rotation]`: whether moves stay within a township by default."""

    same_township: bool = False


@dataclass(frozen=True, config=STRICT)
class Projection:
    """`[plan.projection]`: the share of a grade that moves up a year later (the grades are `junheng.levels`')."""

    progression_rate: NonNegativeDecimal = Decimal(1)


@dataclass(frozen=True, config=STRICT)
class Plan:
    """`[plan]`: the planner's unit costs (元 per unit of each action), the recurring ones, rotation, projection."""

    unit_costs: dict[str, NonNegativeDecimal] = Field(default_factory=dict)
    recurring: tuple[str, ...] = ()
    rotation: Rotation = Field(default_factory=Rotation)
    projection: Projection = Field(default_factory=Projection)
