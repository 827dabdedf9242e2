"""The county's planning MILP (contracts.md §3): action quantities, which indicators meet, the rule.

The difference coefficients' cones are added by `cone.extend`, their cuts as the search goes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from junheng.engine import Evaluation
from junheng.plan.costs import (
    BACKBONE,
    DEGREE,
    HIRE_TEACHER,
    PE_ART,
    SHARED_ACTION_COLUMNS,
    TRAIN_BACKBONE,
    TRANSFER_TEACHER,
    UPGRADE_DEGREE,
    UnitCosts,
)
from junheng.plan.milp import INF, Milp, linear
from junheng.schema import FIELDS_BY_KEY, Kind
from junheng.standards import Indicator, Standard

# Teacher columns each per-学段 action adds one to (a transfer takes them from its source too).
TEACHER_MOVES: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "hire": (HIRE_TEACHER, (DEGREE,)),
    "hire_pe_art": (HIRE_TEACHER, (DEGREE, PE_ART)),
    "upgrade": (UPGRADE_DEGREE, (DEGREE,)),
    "train": (TRAIN_BACKBONE, (BACKBONE,)),
}
# A transferred teacher is above the required degree; a backbone or PE/art one is that as well.
TRANSFER_TYPES: Mapping[str, tuple[str, ...]] = {
    "degree": (DEGREE,),
    "backbone": (DEGREE, BACKBONE),
    "pe_art": (DEGREE, PE_ART),
}
FULL_TIME = "full_time_teachers"
# Kelley's cuts approach the CV limit from outside; aiming this much (relative) inside it ends the rounds.
CV_AIM = 1e-4
_NOISE = 1e-9


@dataclass(frozen=True, slots=True)
class Part:
    school_id: str
    level: str
    students: int
    share: float  # the part's share of a shared resource, w·N_part ÷ Σ w·N


@dataclass
class CountyModel:
    """The MILP of one county and year, with the columns' meaning kept for reading the answer back."""

    standard: Standard
    costs: UnitCosts
    parts: list[Part]
    schools: dict[str, dict[str, Any]]
    milp: Milp = field(default_factory=Milp)
    shared: dict[tuple[str, str], int] = field(default_factory=dict)  # (school, kind) → column
    moves: dict[tuple[int, str], int] = field(default_factory=dict)  # (part, move) → column
    transfers_in: dict[tuple[int, str], int] = field(default_factory=dict)
    transfers_out: dict[tuple[int, str], int] = field(default_factory=dict)
    passes: list[int] = field(default_factory=list)
    meets: list[int] = field(default_factory=list)  # per part and indicator: it meets its threshold
    trainable: dict[int, float] = field(default_factory=dict)  # part → teachers it has to train, before hires
    spend: dict[int, float] = field(default_factory=dict)  # column → 元 per unit

    def whole(self, p: int, ind: Indicator) -> tuple[float, dict[int, float]]:
        """The resource an action changes for part p's indicator: the 学段's teachers or the school's total."""
        part = self.parts[p]
        record = self.schools[part.school_id]
        if not ind.per_level_resource:
            kinds = [k for k, column in SHARED_ACTION_COLUMNS.items() if column == ind.resource]
            terms = {self.shared[(part.school_id, k)]: 1.0 for k in kinds}
            return float(record[ind.resource] or 0), terms
        terms = linear(
            *((self.moves[(p, m)], 1.0) for m, (_, stems) in TEACHER_MOVES.items() if ind.resource in stems),
            *(
                (self.transfers_in[(p, t)], 1.0)
                for t, s in TRANSFER_TYPES.items()
                if ind.resource in s and (p, t) in self.transfers_in
            ),
            *(
                (self.transfers_out[(p, t)], -1.0)
                for t, s in TRANSFER_TYPES.items()
                if ind.resource in s and (p, t) in self.transfers_out
            ),
        )
        return float(record[ind.resource_column(part.level)] or 0), terms

    def factor(self, p: int, ind: Indicator) -> float:
        """Part resource ÷ the resource `whole` describes (standard.md §4)."""
        return 1.0 if ind.per_level_resource else self.parts[p].share


def build(
    standard: Standard, costs: UnitCosts, table: pl.DataFrame, before: Evaluation, *, budget: float | None
) -> CountyModel:
    """Variables and rows of contracts.md §3's plan for the county in `table` (one county and year).

    Without a budget every part must pass the school rule (standard.md §2) and the objective is the
    cost; with one, the number of passing parts is maximised, the cost (≤ budget) breaking ties.
    """
    rule = standard.school_rule
    assert rule is not None
    parts = [
        Part(r["school_id"], r["level"], r["students"], r["weight_part"] / r["weight_total"])
        for r in before.schools.select("school_id", "level", "students", "weight_part", "weight_total").iter_rows(
            named=True
        )
    ]
    ids = list(dict.fromkeys(part.school_id for part in parts))
    schools = {r["school_id"]: r for r in table.filter(pl.col("school_id").is_in(ids)).iter_rows(named=True)}
    model = CountyModel(standard, costs, parts, schools)
    milp = model.milp
    scale = 1.0 if budget is None else 0.5 / max(budget, 1.0)  # the cost only breaks ties between pass counts

    def spend(kind: str, *, integer: bool, upper: float = INF) -> int:
        column = milp.var(cost=costs[kind] * scale, integer=integer, upper=upper)
        model.spend[column] = costs[kind]
        return column

    shared_columns = {ind.resource for ind in standard.indicators if not ind.per_level_resource}
    for school_id in ids:
        for kind, column in SHARED_ACTION_COLUMNS.items():
            if column in shared_columns:
                model.shared[(school_id, kind)] = spend(kind, integer=FIELDS_BY_KEY[column].kind is Kind.INTEGER)

    per_level = {ind.resource for ind in standard.indicators if ind.per_level_resource}
    levels_with_several = {lv for lv in standard.levels if sum(part.level == lv for part in parts) > 1}
    for p, part in enumerate(parts):
        record = schools[part.school_id]
        degree = _count(record, DEGREE, part.level)
        backbone = _count(record, BACKBONE, part.level)
        pe_art = _count(record, PE_ART, part.level)
        full_time = record.get(f"{FULL_TIME}_{part.level}")
        for move, (kind, stems) in TEACHER_MOVES.items():
            if not per_level & set(stems):
                continue
            upper = max(full_time - degree, 0) if move == "upgrade" and full_time is not None else INF
            if move == "upgrade" and full_time is None:
                upper = 0.0
            model.moves[(p, move)] = spend(kind, integer=True, upper=upper)
        if (p, "train") in model.moves:
            known = max(full_time or 0, degree, pe_art)
            hires = [model.moves[(p, m)] for m in ("hire", "hire_pe_art") if (p, m) in model.moves]
            model.trainable[p] = float(max(known - backbone, 0))
            milp.row(linear((model.moves[(p, "train")], 1.0), (hires, -1.0)), upper=model.trainable[p])
        if part.level in levels_with_several:
            stock = {"degree": degree, "backbone": backbone, "pe_art": pe_art}
            for t in TRANSFER_TYPES:
                model.transfers_in[(p, t)] = spend(TRANSFER_TEACHER, integer=True)
                model.transfers_out[(p, t)] = milp.var(integer=True, upper=stock[t])
            milp.row({model.transfers_out[(p, t)]: 1.0 for t in TRANSFER_TYPES}, upper=sendable(record, part.level))
        model.passes.append(
            milp.var(
                lower=1.0 if budget is None else 0.0, upper=1.0, cost=0.0 if budget is None else -1.0, integer=True
            )
        )
        _school_rule(
            model,
            p,
            rule.min_met,
            {ind.id: float(rule.floor(ind.thresholds[part.level])) for ind in standard.indicators},
        )
    for lv in levels_with_several:
        for t in TRANSFER_TYPES:
            ins = [c for (p, tt), c in model.transfers_in.items() if tt == t and parts[p].level == lv]
            outs = [c for (p, tt), c in model.transfers_out.items() if tt == t and parts[p].level == lv]
            milp.row(linear((ins, 1.0), (outs, -1.0)), lower=0.0, upper=0.0)
    if budget is not None:
        milp.row(dict(model.spend), upper=budget)
    return model


def _school_rule(model: CountyModel, p: int, min_met: int, floors: dict[str, float]) -> None:
    """Part p passes ⇒ every indicator ≥ its floor and at least `min_met` ≥ their thresholds (standard.md §2)."""
    milp = model.milp
    part = model.parts[p]
    passed = model.passes[p]
    meets = []
    for ind in model.standard.indicators:
        needed = part.students / ind.per_students / model.factor(p, ind)  # whole resource per unit of value
        at_threshold = needed * float(ind.thresholds[part.level])
        at_floor = needed * floors[ind.id]
        if ind.integral:
            at_threshold, at_floor = math.ceil(at_threshold - _NOISE), math.ceil(at_floor - _NOISE)
        base, terms = model.whole(p, ind)
        z = milp.var(upper=1.0, integer=True)
        meets.append(z)
        model.meets.append(z)
        milp.row(linear((z, 1.0), (passed, -1.0)), upper=0.0)
        milp.row({**terms, passed: -at_floor, z: -(at_threshold - at_floor)}, lower=-base)
    milp.row(linear((meets, 1.0), (passed, -float(min_met))), lower=0.0)


def sendable(record: Mapping[str, Any], level: str) -> int:
    """Teachers a school part can send away: above the degree and, where the file reports them, full-time,
    so that no count it holds goes below zero (a moved teacher leaves both)."""
    degree = _count(record, DEGREE, level)
    full_time = record.get(f"{FULL_TIME}_{level}")
    return degree if full_time is None else max(min(degree, int(full_time)), 0)


def _count(record: Mapping[str, Any], stem: str, level: str) -> int:
    value = record.get(f"{stem}_{level}")
    return int(value) if value is not None else 0
