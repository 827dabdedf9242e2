"""The planner's actions and their unit costs (contracts.md §3; defaults in the standard, standard.md §9)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from junheng.standards import Standard

BUILD_TEACHING_AREA = "build_teaching_area"
BUILD_SPORTS_AREA = "build_sports_area"
BUY_EQUIPMENT = "buy_equipment"
ADD_MULTIMEDIA_ROOM = "add_multimedia_room"
HIRE_TEACHER = "hire_teacher"
UPGRADE_DEGREE = "upgrade_degree"
TRAIN_BACKBONE = "train_backbone"
TRANSFER_TEACHER = "transfer_teacher"

ACTION_LABELS: Mapping[str, str] = MappingProxyType(
    {
        BUILD_TEACHING_AREA: "新建教学及辅助用房（㎡）",
        BUILD_SPORTS_AREA: "新建体育运动场馆（㎡）",
        BUY_EQUIPMENT: "购置教学仪器设备（元）",
        ADD_MULTIMEDIA_ROOM: "新增网络多媒体教室（间）",
        HIRE_TEACHER: "招聘教师（名）",
        UPGRADE_DEGREE: "教师学历提升（名）",
        TRAIN_BACKBONE: "培养县级以上骨干教师（名）",
        TRANSFER_TEACHER: "教师交流调配（名）",
    }
)
ACTION_KINDS: tuple[str, ...] = tuple(ACTION_LABELS)

# The data-file column (contracts.md §1) that one unit of a school-wide action adds to.
SHARED_ACTION_COLUMNS: Mapping[str, str] = MappingProxyType(
    {
        BUILD_TEACHING_AREA: "teaching_aux_area_m2",
        BUILD_SPORTS_AREA: "sports_area_m2",
        BUY_EQUIPMENT: "equipment_value_yuan",
        ADD_MULTIMEDIA_ROOM: "multimedia_rooms",
    }
)
# Teacher columns (per 学段): a hired or transferred teacher counts as above the required degree.
DEGREE = "teachers_above_degree"
BACKBONE = "backbone_teachers"
PE_ART = "pe_art_teachers"


class CostsError(ValueError):
    """Unit costs that cannot be used, with every problem (file, row, column, message)."""

    def __init__(self, issues: list[tuple[str, int | None, str | None, str]]) -> None:
        self.issues = tuple(issues)
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """`FILE:ROW:COLUMN: message`, as the data file's problems are shown (contracts.md §2)."""
        return [f"{f}:{'-' if r is None else r}:{c or '-'}: {m}" for f, r, c, m in self.issues]


@dataclass(frozen=True, slots=True)
class UnitCosts:
    """元 per unit of every action kind; the kinds in `recurring` cost their unit again every year after
    the action (a hired teacher's pay), the others once (a building)."""

    yuan: Mapping[str, float]
    recurring: frozenset[str] = frozenset()

    def __getitem__(self, kind: str) -> float:
        return self.yuan[kind]

    def replaced(self, overrides: Mapping[str, float]) -> UnitCosts:
        return UnitCosts(MappingProxyType({**self.yuan, **overrides}), self.recurring)


def default_unit_costs(standard: Standard) -> UnitCosts:
    """The standard's `[plan.unit_costs]` table (national-2017, inherited by its variants)."""
    table = standard.plan.unit_costs  # each a decimal ≥ 0, checked when the standard was loaded
    source = f"{standard.name}.toml"
    issues: list[tuple[str, int | None, str | None, str]] = []
    yuan: dict[str, float] = {}
    for kind in ACTION_KINDS:
        if kind not in table:
            issues.append((source, None, f"plan.unit_costs.{kind}", f"标准缺少行动“{kind}”的单价"))
        else:
            yuan[kind] = float(table[kind])
    for kind in table:
        if kind not in ACTION_LABELS:
            issues.append((source, None, f"plan.unit_costs.{kind}", f"未知的行动类型“{kind}”"))
    recurring = standard.plan.recurring
    for kind in recurring:
        if kind not in ACTION_LABELS:
            issues.append((source, None, "plan.recurring", f"未知的行动类型“{kind}”"))
    if issues:
        raise CostsError(issues)
    return UnitCosts(MappingProxyType(yuan), frozenset(str(kind) for kind in recurring))


def costs_from_csv(text: str, source: str, base: UnitCosts) -> UnitCosts:
    """`base` with the rows of a COSTS.csv (`kind,unit_cost_yuan`, header first) replacing its figures.

    Every bad row is reported, by the row number a spreadsheet shows (the header is row 1).
    """
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    header = [cell.strip() for cell in rows[0]] if rows else []
    if header[:2] != ["kind", "unit_cost_yuan"]:
        raise CostsError([(source, 1, None, "第一行应为表头 kind,unit_cost_yuan")])
    issues: list[tuple[str, int | None, str | None, str]] = []
    overrides: dict[str, float] = {}
    known = "、".join(ACTION_KINDS)
    for number, row in enumerate(rows[1:], start=2):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        kind, amount = [*cells, "", ""][:2]
        if kind not in ACTION_LABELS:
            issues.append((source, number, "kind", f"未知的行动类型“{kind}”；应为以下之一：{known}"))
        elif kind in overrides:
            issues.append((source, number, "kind", f"行动类型“{kind}”重复出现；每种行动只写一行"))
        value = _cost(amount)
        if value is None:
            issues.append((source, number, "unit_cost_yuan", f"单价应为不小于 0 的数（元），实际为“{amount}”"))
        elif kind in ACTION_LABELS:
            overrides[kind] = value
    if issues:
        raise CostsError(issues)
    return base.replaced(overrides)


def _cost(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None
