"""Teacher rotation (交流轮岗), standard.md §5 G11 and issue 5 part 3: plan the year's moves, check recorded ones.

Eligible teachers: the `rotation_eligible_<level>` figure of a school where the county gives one
(`read_rotation_file`), otherwise the school's `teachers_above_degree_<level>`. Every moved teacher is
taken to hold the required degree, so a move shifts L1; a backbone teacher shifts L2 as well, a PE/art
teacher L3. The G11 floors and the denominator of the backbone share (those rotated, or Anhui's: those
eligible) are read from the standard's `[guarantee.G11]` and its `checks`, so a variant changes them.

The plan is a MILP solved by HiGHS: integer flows of plain, backbone and PE/art teachers out of and
into every school part, balanced within each 学段 (and township, under the same-township rule). It
rotates the fewest teachers G11 allows and, among such plans, minimises Σ CV² over L1–L3 and both
学段. With enrolment and the county total fixed, CV² is a convex quadratic in each school's teacher
count; it enters exactly at whole numbers through the secants between neighbouring integers, added
where the solution lands until none is violated. A school part never loses an indicator it met, nor
falls further below one it did not, so rotation never makes a school fail the school rule.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

import numpy as np
import polars as pl

from junheng.engine import Evaluation, evaluate
from junheng.engine.county_items import ItemResult, county_figure_items
from junheng.engine.scope import KEYS
from junheng.plan.apply import apply_changes
from junheng.plan.milp import Milp, linear
from junheng.plan.model import FULL_TIME, TRANSFER_TYPES, sendable
from junheng.plan.result import FEASIBLE, INFEASIBLE, OPTIMAL, Change
from junheng.standards import Indicator, Standard

G11 = "G11"
ROTATED = "teachers_rotated"
ELIGIBLE = "teachers_eligible_for_rotation"
BACKBONE_ROTATED = "backbone_teachers_rotated"
MAX_ROUNDS = 60
MIP_REL_GAP = 1e-6
_NOISE = 1e-9


@dataclass(frozen=True, slots=True)
class RotationRule:
    """G11's floors (standard.md §5): rotated ≥ rate × eligible, backbone ≥ share × (rotated or eligible)."""

    min_rotation_rate: Decimal
    min_backbone_share: Decimal
    backbone_of_eligible: bool

    def required(self, eligible: int) -> tuple[int, int]:
        """The fewest teachers rotated and backbone teachers among them that pass G11."""
        rotated = _ceil(self.min_rotation_rate * eligible)
        if self.backbone_of_eligible:
            backbone = _ceil(self.min_backbone_share * eligible)
            return max(rotated, backbone), backbone
        return rotated, _ceil(self.min_backbone_share * rotated)


def rotation_rule(standard: Standard) -> RotationRule:
    """G11 as the standard states it; the backbone check's denominator says which variant applies."""
    item = standard.guarantee.get(G11)
    if item is None or item.min_rotation_rate is None or item.min_backbone_share is None:
        raise ValueError(f"标准 {standard.name} 没有 G11（教师交流轮岗）的规定，无法安排交流")
    backbone_checks = [c for c in item.checks if c.numerator == BACKBONE_ROTATED]
    if len(backbone_checks) != 1 or backbone_checks[0].denominator not in {ROTATED, ELIGIBLE}:
        raise ValueError(f"标准 {standard.name} 的 G11 应有一项骨干教师比例检查，分母为交流轮岗或符合条件教师数")
    return RotationRule(item.min_rotation_rate, item.min_backbone_share, backbone_checks[0].denominator == ELIGIBLE)


@dataclass(frozen=True, slots=True)
class RotationLimits:
    """Limits a county sets: teachers moved out of / into one school part (None: no limit), and
    whether moves stay within a township (only where townships are given)."""

    max_out: int | None = None
    max_in: int | None = None
    same_township: bool = False


@dataclass(frozen=True, slots=True)
class Move:
    """`teachers` of one 学段 moving from one school to another, `backbone` of them backbone teachers."""

    from_school: str
    to_school: str
    level: str
    teachers: int
    backbone: int
    pe_art: int = 0


@dataclass(frozen=True, slots=True)
class G11Figures:
    """The county figures G11 is judged from (standard.md §5)."""

    rotated: int
    eligible: int
    backbone_rotated: int

    def as_county_figures(self) -> dict[str, float | int | bool | None]:
        return {ROTATED: self.rotated, ELIGIBLE: self.eligible, BACKBONE_ROTATED: self.backbone_rotated}


@dataclass(frozen=True, slots=True)
class RotationPlan:
    """A county's rotation for a year. `after` is the engine's evaluation with every move applied;
    `required` the fewest (teachers, backbone teachers) G11 allows; `g11` the item judged from `figures`."""

    county: str
    year: int
    status: str
    moves: tuple[Move, ...]
    figures: G11Figures
    required: tuple[int, int]
    g11: ItemResult
    before: Evaluation
    after: Evaluation
    reason: str | None = None


def judge_g11(standard: Standard, figures: G11Figures) -> ItemResult:
    """G11 computed by the engine from the three figures (engine.county_items)."""
    return next(i for i in county_figure_items(standard, figures.as_county_figures()) if i.id == G11)


def check_recorded_rotations(standard: Standard, moves: Sequence[Move], eligible: int) -> tuple[G11Figures, ItemResult]:
    """G11 from the rotations actually made (standard.md §5): their figures and the item's verdict."""
    figures = G11Figures(sum(m.teachers for m in moves), eligible, sum(m.backbone for m in moves))
    return figures, judge_g11(standard, figures)


def eligible_teachers(
    table: pl.DataFrame, standard: Standard, given: Mapping[tuple[str, str], int]
) -> dict[tuple[str, str], int]:
    """(school, 学段) → teachers eligible for rotation: the county's figure, else teachers above the degree."""
    out: dict[tuple[str, str], int] = {}
    for record in table.iter_rows(named=True):
        for level in standard.levels:
            key = (record["school_id"], level)
            default = record.get(f"teachers_above_degree_{level}") or 0
            count = given.get(key, default)
            if count:
                out[key] = int(count)
    return out


def plan_rotation(
    schools: pl.DataFrame,
    standard: Standard,
    *,
    eligible: Mapping[tuple[str, str], int] | None = None,
    townships: Mapping[str, str] | None = None,
    limits: RotationLimits | None = None,
    time_limit: float = 60.0,
) -> tuple[RotationPlan, ...]:
    """The rotation of every county and year in `schools` (validated data-file rows), in the file's order.

    Under the same-township rule a school without a township stays out of the moves.
    """
    rule = rotation_rule(standard)
    counties = schools.select(KEYS).unique(maintain_order=True).rows()
    return tuple(
        _plan_county(
            schools.filter((pl.col("county") == county) & (pl.col("year") == year)),
            standard,
            rule,
            eligible or {},
            townships if limits is not None and limits.same_township else None,
            limits or RotationLimits(),
            time_limit,
        )
        for county, year in counties
    )


@dataclass(frozen=True, slots=True)
class _Part:
    school_id: str
    level: str
    students: int


def _plan_county(
    table: pl.DataFrame,
    standard: Standard,
    rule: RotationRule,
    given: Mapping[tuple[str, str], int],
    townships: Mapping[str, str] | None,
    limits: RotationLimits,
    time_limit: float,
) -> RotationPlan:
    county, year = table["county"][0], table["year"][0]
    before = evaluate(table, standard)
    eligible = eligible_teachers(table, standard, given)
    total = sum(eligible.values())
    need_rotated, need_backbone = rule.required(total)

    def result(status: str, moves: tuple[Move, ...], after: Evaluation, reason: str | None) -> RotationPlan:
        figures = G11Figures(sum(m.teachers for m in moves), total, sum(m.backbone for m in moves))
        return RotationPlan(
            county,
            year,
            status,
            moves,
            figures,
            (need_rotated, need_backbone),
            judge_g11(standard, figures),
            before,
            after,
            reason,
        )

    if total == 0:
        return result(INFEASIBLE, (), before, "没有符合交流条件的教师")
    parts = [
        _Part(r["school_id"], r["level"], r["students"])
        for r in before.schools.select("school_id", "level", "students").iter_rows(named=True)
    ]
    records = {r["school_id"]: r for r in table.iter_rows(named=True)}
    teacher_indicators = [
        i for i in standard.indicators if i.per_level_resource and any(i.resource in s for s in TRANSFER_TYPES.values())
    ]
    milp = Milp()
    outs: dict[tuple[int, str], int] = {}
    ins: dict[tuple[int, str], int] = {}
    big = float(need_rotated)
    for p, part in enumerate(parts):
        record = records[part.school_id]
        if townships is not None and part.school_id not in townships:
            continue
        stock = _stock(record, part.level)
        out_cap = min(
            eligible.get((part.school_id, part.level), 0),
            sendable(record, part.level),
            _cap(limits.max_out, need_rotated),
        )
        in_cap = _cap(limits.max_in, need_rotated)
        for t in TRANSFER_TYPES:
            sending = milp.var(upper=1.0, integer=True)  # a part sends or receives a type, never both
            outs[(p, t)] = milp.var(upper=float(min(stock[t], out_cap)), integer=True)
            ins[(p, t)] = milp.var(upper=float(in_cap), integer=True)
            milp.row({outs[(p, t)]: 1.0, sending: -big}, upper=0.0)
            milp.row({ins[(p, t)]: 1.0, sending: big}, upper=big)
        milp.row({outs[(p, t)]: 1.0 for t in TRANSFER_TYPES}, upper=float(out_cap))
        milp.row({ins[(p, t)]: 1.0 for t in TRANSFER_TYPES}, upper=float(in_cap))
    groups: dict[tuple[str, str], list[int]] = {}
    for p, part in enumerate(parts):
        if (p, "degree") in outs:
            group = townships[part.school_id] if townships is not None else ""
            groups.setdefault((part.level, group), []).append(p)
    for members in groups.values():
        for t in TRANSFER_TYPES:
            milp.row(
                linear(([ins[(p, t)] for p in members], 1.0), ([outs[(p, t)] for p in members], -1.0)),
                lower=0.0,
                upper=0.0,
            )
    milp.row({c: 1.0 for c in outs.values()}, lower=float(need_rotated), upper=float(need_rotated))
    milp.row({c: 1.0 for (p, t), c in outs.items() if t == "backbone"}, lower=float(need_backbone))

    # CV² of each (学段, indicator) as Σ f_p(R_p), f_p convex; epigraph t_p ≥ f_p on the secants added so far.
    curves: list[tuple[int, float, dict[int, float], _Curve]] = []
    for level in standard.levels:
        members = [p for p, part in enumerate(parts) if part.level == level]
        level_students = sum(parts[p].students for p in members)
        for ind in teacher_indicators:
            base = {p: float(records[parts[p].school_id][ind.resource_column(level)] or 0) for p in members}
            total_resource = sum(base.values())
            if level_students == 0 or total_resource == 0:
                continue
            mean = ind.per_students * total_resource / level_students
            for p in members:
                terms = _terms(p, ind, outs, ins)
                curve = _Curve(ind.per_students, parts[p].students, level_students, mean)
                floor_value = min(base[p], _needed(ind, level, parts[p].students))
                if terms:
                    milp.row(terms, lower=floor_value - base[p])
                column = milp.var(cost=1.0)
                curves.append((column, base[p], terms, curve))
                for a in {
                    int(base[p]) - 1,
                    int(base[p]),
                    math.floor(curve.fair_share) - 1,
                    math.floor(curve.fair_share),
                }:
                    _secant(milp, column, base[p], terms, curve, a)
    added: set[tuple[int, int]] = set()
    solution = None  # the last solution with moves: every round's satisfies G11 and the limits
    proved_none = settled = False  # settled: the last solution's CV² is exact, not only approximated
    deadline = time.perf_counter() + time_limit  # for all rounds together
    for _ in range(MAX_ROUNDS):
        if time.perf_counter() >= deadline:
            break
        attempt = milp.solve(time_limit=deadline - time.perf_counter(), mip_rel_gap=MIP_REL_GAP)
        if attempt.values is None:
            proved_none = attempt.infeasible
            break
        solution, values = attempt, attempt.values
        violated = False
        for column, base_value, terms, curve in curves:
            r = base_value + sum(c * values[j] for j, c in terms.items())
            a = round(r)
            if values[column] < curve.value(a) - _NOISE:
                for b in (a - 1, a):
                    if (column, b) not in added:
                        added.add((column, b))
                        _secant(milp, column, base_value, terms, curve, b)
                        violated = True
        if not violated:
            settled = True
            break
    if solution is None or solution.values is None:
        reason = (
            f"在所设限制下无法安排 {need_rotated} 名教师交流（其中骨干教师至少 {need_backbone} 名）"
            if proved_none
            else f"在 {time_limit:g} 秒时限内未找到交流方案（并非已证明无解）；请放宽时限或限制后重试"
        )
        return result(INFEASIBLE, (), before, reason)
    moves = _moves(parts, outs, ins, solution.values, townships)
    after = evaluate(apply_changes(table, move_changes(moves, table)), standard)
    return result(OPTIMAL if solution.optimal and settled else FEASIBLE, moves, after, None)


@dataclass(frozen=True, slots=True)
class _Curve:
    """f(R) = (k·R − P_p·X̄)² ÷ (P_p · P · X̄²): part p's share of CV² at R teachers (standard.md §3)."""

    per_students: int
    students: int
    level_students: int
    mean: float

    @property
    def fair_share(self) -> float:
        return self.students * self.mean / self.per_students

    def value(self, r: float) -> float:
        return (self.per_students * r - self.students * self.mean) ** 2 / (
            self.students * self.level_students * self.mean**2
        )


def _secant(milp: Milp, column: int, base: float, terms: Mapping[int, float], curve: _Curve, a: int) -> None:
    """t ≥ f(a) + (f(a+1) − f(a))·(R − a), with R = base + Σ terms: exact at whole R for a convex f."""
    if a < 0:
        return
    slope = curve.value(a + 1) - curve.value(a)
    milp.row(
        {column: 1.0, **{j: -slope * c for j, c in terms.items()}}, lower=curve.value(a) - slope * a + slope * base
    )


def _terms(
    p: int, ind: Indicator, outs: Mapping[tuple[int, str], int], ins: Mapping[tuple[int, str], int]
) -> dict[int, float]:
    return linear(
        *((ins[(p, t)], 1.0) for t, stems in TRANSFER_TYPES.items() if ind.resource in stems and (p, t) in ins),
        *((outs[(p, t)], -1.0) for t, stems in TRANSFER_TYPES.items() if ind.resource in stems and (p, t) in outs),
    )


def _needed(ind: Indicator, level: str, students: int) -> float:
    """Whole teachers for the threshold: a part meeting it keeps meeting it."""
    return math.ceil(students / ind.per_students * float(ind.thresholds[level]) - _NOISE)


def _stock(record: Mapping[str, Any], level: str) -> dict[str, int]:
    """Teachers of each moving type a part can send: plain ones are those neither backbone nor PE/art."""
    degree, backbone, pe_art = (
        int(record.get(f"{stem}_{level}") or 0)
        for stem in ("teachers_above_degree", "backbone_teachers", "pe_art_teachers")
    )
    return {
        "degree": max(degree - backbone - pe_art, 0),
        "backbone": min(backbone, degree),
        "pe_art": min(pe_art, degree),
    }


def _cap(limit: int | None, ceiling: int) -> int:
    return ceiling if limit is None else min(limit, ceiling)


def _moves(
    parts: Sequence[_Part],
    outs: Mapping[tuple[int, str], int],
    ins: Mapping[tuple[int, str], int],
    values: np.ndarray,
    townships: Mapping[str, str] | None,
) -> tuple[Move, ...]:
    """Pair senders with receivers of each type, in the schools' order, within 学段 and township."""
    counts: dict[tuple[str, str, str], dict[str, int]] = {}
    for t in TRANSFER_TYPES:
        groups: dict[tuple[str, str], tuple[list[list[object]], list[list[object]]]] = {}
        for (p, tt), column in outs.items():
            if tt != t:
                continue
            part = parts[p]
            group = groups.setdefault((part.level, townships[part.school_id] if townships else ""), ([], []))
            sent, received = round(values[column]), round(values[ins[(p, t)]])
            if sent > 0:
                group[0].append([part.school_id, sent])
            if received > 0:
                group[1].append([part.school_id, received])
        for (level, _), (sources, sinks) in groups.items():
            while sources and sinks:
                n = min(int(str(sources[0][1])), int(str(sinks[0][1])))
                key = (str(sources[0][0]), str(sinks[0][0]), level)
                tally = counts.setdefault(key, {"teachers": 0, "backbone": 0, "pe_art": 0})
                tally["teachers"] += n
                if t in ("backbone", "pe_art"):
                    tally[t] += n
                for queue in (sources, sinks):
                    queue[0][1] = int(str(queue[0][1])) - n
                    if queue[0][1] == 0:
                        queue.pop(0)
    return tuple(
        Move(src, dst, level, c["teachers"], c["backbone"], c["pe_art"]) for (src, dst, level), c in counts.items()
    )


def move_changes(moves: Iterable[Move], table: pl.DataFrame) -> list[Change]:
    """The data-file deltas of the moves: above-degree teachers, backbone and PE/art, and full-time
    teachers at each school whose row reports them."""
    reported = {
        (r["school_id"], level)
        for r in table.iter_rows(named=True)
        for level in ("primary", "junior")
        if r.get(f"{FULL_TIME}_{level}") is not None
    }
    changes: list[Change] = []
    for m in moves:
        deltas = {"teachers_above_degree": m.teachers, "backbone_teachers": m.backbone, "pe_art_teachers": m.pe_art}
        for stem, n in deltas.items():
            if n:
                changes += [Change(m.from_school, f"{stem}_{m.level}", -n), Change(m.to_school, f"{stem}_{m.level}", n)]
        changes += [
            Change(school, f"{FULL_TIME}_{m.level}", sign * m.teachers)
            for school, sign in ((m.from_school, -1), (m.to_school, 1))
            if (school, m.level) in reported and m.teachers
        ]
    return changes


def coefficient_changes(plan: RotationPlan) -> list[tuple[str, str, float | None, float | None]]:
    """(学段, indicator, CV before, CV after) for the teacher indicators, from the engine's evaluations."""
    ids = [i.id for i in plan.before.standard.indicators if i.per_level_resource]
    rows = []
    for level, ind, cv in (
        plan.before.levels.filter(pl.col("indicator").is_in(ids)).select("level", "indicator", "cv").iter_rows()
    ):
        after = plan.after.levels.filter((pl.col("level") == level) & (pl.col("indicator") == ind))["cv"][0]
        rows.append((level, ind, cv, after))
    return rows


def _ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))
