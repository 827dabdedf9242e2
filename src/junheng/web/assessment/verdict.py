"""The county's verdict over the four dimensions and the veto items, standard.md §1, as plain results.

Each function here turns what the engine computed (or what the county recorded) into items a page, the
API and the report can show alike: every item with its figure, threshold, result and the schools behind
a failure. Nothing here reads the database; `services.county_verdict` gathers the inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

from junheng import messages as msg
from junheng.engine import Evaluation
from junheng.engine.county_items import CheckResult, ItemResult
from junheng.engine.guarantee import GuaranteeRules
from junheng.standards import Standard

PASSED, FAILED, UNDECIDED = "达标", "未达标", "未判定"
SECTIONS = {"guarantee": "政府保障程度", "quality": "教育质量"}
RESOURCES, RECOGNITION = "资源配置", "社会认可度"
NO_SURVEY = "未开展调查"


def result_word(passed: bool | None) -> str:
    return UNDECIDED if passed is None else PASSED if passed else FAILED


@dataclass(frozen=True, slots=True)
class Line:
    """One check of an item: what was found against what is required."""

    label: str
    figure: str
    threshold: str
    passed: bool | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class SchoolNote:
    """A school behind an item's failure; `id` is its organisation (None if the tree does not hold it)."""

    id: int | None
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class EvidenceNote:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Decision:
    """A judgement as recorded: decision, note, who and when, and its evidence."""

    passed: bool
    note: str
    decided_by: str
    decided_at: datetime
    evidence: tuple[EvidenceNote, ...]


@dataclass(frozen=True, slots=True)
class Item:
    """An item of a dimension (G14, Q3, a difference coefficient…) and its result."""

    id: str
    name: str
    kind: str
    lines: tuple[Line, ...]
    passed: bool | None
    schools: tuple[SchoolNote, ...] = ()
    decision: Decision | None = None

    @property
    def result(self) -> str:
        return result_word(self.passed)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(line.reason for line in self.lines if line.reason and line.passed is not True)


@dataclass(frozen=True, slots=True)
class Dimension:
    """One of the four dimensions; it passes only when it has items and every one passes."""

    key: str
    name: str
    items: tuple[Item, ...]

    @property
    def passed(self) -> bool:
        return bool(self.items) and all(item.passed is True for item in self.items)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why it does not pass, one sentence per item that did not."""
        return tuple(
            f"{self.name}：{item.id} {item.result}——{'；'.join(item.reasons) or item.name}"
            for item in self.items
            if item.passed is not True
        )


@dataclass(frozen=True, slots=True)
class Veto:
    """A veto item of the checklist; `applies` is None until the county office has checked it."""

    key: str
    label: str
    applies: bool | None
    note: str
    checked_by: str
    checked_at: datetime | None
    evidence: tuple[EvidenceNote, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    """standard.md §1: the county passes when all four dimensions pass and no veto applies."""

    county_id: int
    county_name: str
    year: int
    standard: str
    dimensions: tuple[Dimension, ...]
    vetoes: tuple[Veto, ...]

    @property
    def passed(self) -> bool:
        return all(d.passed for d in self.dimensions) and all(v.applies is False for v in self.vetoes)

    @property
    def headline(self) -> str:
        word = "达到" if self.passed else "未达到"
        return f"{self.county_name} {self.year} 年度{word}县域义务教育优质均衡发展要求"

    @property
    def reasons(self) -> tuple[str, ...]:
        """Every cause of failure in words: applying vetoes first, then unchecked ones, then dimensions."""
        applying = [f"一票否决：{v.label}" + (f"（{v.note}）" if v.note else "") for v in self.vetoes if v.applies]
        unchecked = [v.label for v in self.vetoes if v.applies is None]
        reasons = applying + ([f"一票否决项尚未核查：{'、'.join(unchecked)}"] if unchecked else [])
        return (*reasons, *(r for d in self.dimensions for r in d.reasons))


# 资源配置, standard.md §2–§4


def resource_items(evaluation: Evaluation, school_ids: Mapping[str, int]) -> tuple[Item, ...]:
    """Each difference coefficient against its limit, and the school rule with the schools that fail it."""
    standard = evaluation.standard
    if evaluation.schools.is_empty():
        line = Line("学校数据", "无", "各校填报本年度数据", None, "本年度没有学校数据，无法计算资源配置")
        return (Item("R0", "学校数据", "resources", (line,), None),)
    items = []
    for row in evaluation.levels.iter_rows(named=True):
        indicator = standard.indicator(row["indicator"])
        level = msg.level_label(row["level"])
        limit = standard.cv_limits.get(row["level"])
        passed = bool(row["pass"]) if row["pass"] is not None else None
        text = msg.cv_text(standard, row["level"], indicator, row["cv"])
        line = Line(
            "差异系数",
            msg.cv_number(row["cv"], standard),
            f"≤ {limit}" if limit is not None else "—",
            passed,
            None if passed else text,
        )
        items.append(Item(f"{indicator.id}·{level}", f"{level}{indicator.name}", "resources", (line,), passed))
    failing = evaluation.schools.filter(pl.col("pass").not_())
    notes = tuple(
        SchoolNote(
            school_ids.get(row["school_id"]),
            row["school_name"],
            f"{msg.level_label(row['level'])}："
            + msg.school_rule_text(
                standard,
                {i: row[f"meets_{i}"] for i in standard.indicator_ids},
                {i: row[f"above_floor_{i}"] for i in standard.indicator_ids},
            ),
        )
        for row in failing.iter_rows(named=True)
    )
    total = evaluation.schools["school_id"].n_unique()
    bad = failing["school_id"].n_unique()
    rule = Line(
        "未达标学校",
        f"{bad} 所 / 共 {total} 所",
        "0 所",
        bad == 0,
        None if bad == 0 else f"{bad} 所学校未达到学校达标规则",
    )
    items.insert(0, Item("学校达标规则", "每所学校达到学校达标规则（标准 §2）", "resources", (rule,), bad == 0, notes))
    return tuple(items)


# G3–G5 from school data, standard.md §5


def school_data_item(
    item_id: str, name: str, schools: pl.DataFrame, standard: Standard, school_ids: Mapping[str, int]
) -> Item:
    """One of G3–G5 from `engine.guarantee.guarantee_items`: failed if any school fails, 未判定 while any is
    unreported (standard.md §5)."""
    threshold = _school_threshold(item_id, GuaranteeRules.of(standard))
    if schools.is_empty():
        line = Line("学校", "无", threshold, None, "本年度没有参与评估的学校数据")
        return Item(item_id, name, "school_data", (line,), None)
    judged = schools.select("school_id", "school_name", pl.col(item_id).alias("ok"), pl.col(f"{item_id}_reason"))
    failing = judged.filter(pl.col("ok").not_())
    missing = judged.filter(pl.col("ok").is_null())
    passed = False if failing.height else None if missing.height else True
    notes = tuple(
        SchoolNote(school_ids.get(row["school_id"]), row["school_name"], row[f"{item_id}_reason"] or "")
        for row in pl.concat([failing, missing]).iter_rows(named=True)
    )
    reasons = [f"{failing.height} 所学校未达标"] if failing.height else []
    reasons += [f"{missing.height} 所学校未填报所需数据"] if missing.height else []
    line = Line(
        "未达标学校",
        f"{failing.height} 所 / 共 {judged.height} 所" + (f"（{missing.height} 所未填报）" if missing.height else ""),
        threshold,
        passed,
        "；".join(reasons) or None,
    )
    return Item(item_id, name, "school_data", (line,), passed, notes)


def _school_threshold(item_id: str, rules: GuaranteeRules) -> str:
    if item_id == "G3":
        return (
            f"每 {rules.classes_per_room} 个班音乐、美术专用教室各 ≥ 1 间；"
            f"音乐教室 ≥ {rules.music_room_min_m2:g} ㎡，美术教室 ≥ {rules.art_room_min_m2:g} ㎡"
        )
    if item_id == "G4":
        return f"≤ {rules.max_students} 人（九年/十二年一贯制 ≤ {rules.max_students_through_school} 人）"
    sizes = "，".join(f"{msg.level_label(lv)} ≤ {n} 人" for lv, n in rules.max_class_size.items())
    return f"每班 {sizes}"


# County figures (engine.county_items) and judgements


def figure_item(result: ItemResult) -> Item:
    """An item computed from county figures, each check as one line."""
    return Item(result.id, result.name, "county_figure", tuple(_line(c) for c in result.checks), result.passed)


def _line(check: CheckResult) -> Line:
    if check.comparison == "是":
        figure = "—" if check.passed is None else "是" if check.passed else "否"
        return Line(check.label, figure, "是", check.passed, check.reason)
    bound = "—" if check.bound is None else _shown(float(check.bound), check.unit)
    figure = "—" if check.value is None else _shown(check.value, check.unit)
    return Line(check.label, figure, f"{check.comparison} {bound}", check.passed, check.reason)


def _shown(value: float, unit: str) -> str:
    if unit == "%":
        return msg.number_text(value * 100, 2) + "%"
    return msg.number_text(value, 4) + (f" {unit}" if unit else "")


def judgement_item(item_id: str, name: str, decision: Decision | None) -> Item:
    """An item the county office decides, with its note and evidence; 未判定 until it has."""
    if decision is None:
        line = Line("认定结果", "—", "县级督导室认定达标（附佐证材料）", None, "尚未认定")
        return Item(item_id, name, "judgement", (line,), None)
    reason = None if decision.passed else "认定未达标" + (f"：{decision.note}" if decision.note else "")
    line = Line("认定结果", result_word(decision.passed), "县级督导室认定达标（附佐证材料）", decision.passed, reason)
    return Item(item_id, name, "judgement", (line,), decision.passed, decision=decision)


# 社会认可度, standard.md §7


def recognition_item(summary: object | None, standard: Standard) -> Item:
    """The survey's overall rate against [recognition].min_rate; 未开展调查 without a survey.

    `summary` is what `survey.services.recognition_summary` returns: None, or an object (or mapping)
    with `rate`, the overall recognition rate as a fraction (None while there are no valid answers), and
    `return_rate`, the valid-return rate, judged against [recognition].min_valid_return_rate.
    """
    settings = standard.recognition
    if settings is None:
        unset = f"标准 {standard.name} 没有社会认可度（[recognition]）的设置"
        return Item("S1", "社会认可度", "recognition", (Line("社会认可度", "—", "—", None, unset),), None)
    minimum = float(settings.min_rate)
    threshold = f"≥ {msg.number_text(minimum * 100, 2)}%"
    rate = _field(summary, "rate")
    if summary is None or rate is None:
        line = Line("社会认可度", NO_SURVEY, threshold, None, NO_SURVEY)
        return Item("S1", "社会认可度", "recognition", (line,), None)
    value = float(rate)
    passed = value >= minimum
    figure = msg.number_text(value * 100, 2) + "%"
    lines = [
        Line("社会认可度", figure, threshold, passed, None if passed else f"社会认可度 {figure}，低于 {threshold[2:]}")
    ]
    returned = _field(summary, "return_rate")
    if returned is not None:
        floor = float(settings.min_valid_return_rate)
        met = float(returned) >= floor
        shown, needed = msg.number_text(float(returned) * 100, 2) + "%", msg.number_text(floor * 100, 2) + "%"
        reason = None if met else f"问卷有效回收率 {shown}，低于 {needed}"
        lines.append(Line("问卷有效回收率", shown, f"≥ {needed}", met, reason))
    return Item("S1", "社会认可度", "recognition", tuple(lines), all(line.passed for line in lines))


def _field(summary: object | None, name: str) -> Any:
    if isinstance(summary, Mapping):
        return summary.get(name)
    return getattr(summary, name, None)


def to_json(verdict: Verdict) -> dict[str, Any]:
    """The verdict as the API answers it: dimensions with their items, the vetoes, and why it fails."""
    return {
        "county_id": verdict.county_id,
        "county": verdict.county_name,
        "year": verdict.year,
        "standard": verdict.standard,
        "pass": verdict.passed,
        "reasons": list(verdict.reasons),
        "dimensions": [
            {"key": d.key, "name": d.name, "pass": d.passed, "items": [_item_json(i) for i in d.items]}
            for d in verdict.dimensions
        ],
        "vetoes": [
            {
                "key": v.key,
                "label": v.label,
                "applies": v.applies,
                "note": v.note,
                "checked_by": v.checked_by,
                "checked_at": v.checked_at.isoformat() if v.checked_at else None,
                "evidence": [{"id": e.id, "name": e.name} for e in v.evidence],
            }
            for v in verdict.vetoes
        ],
    }


def _item_json(item: Item) -> dict[str, Any]:
    decision = item.decision
    return {
        "id": item.id,
        "name": item.name,
        "kind": item.kind,
        "pass": item.passed,
        "result": item.result,
        "checks": [
            {"label": c.label, "figure": c.figure, "threshold": c.threshold, "pass": c.passed, "reason": c.reason}
            for c in item.lines
        ],
        "schools": [{"id": s.id, "name": s.name, "reason": s.reason} for s in item.schools],
        "judgement": None
        if decision is None
        else {
            "pass": decision.passed,
            "note": decision.note,
            "decided_by": decision.decided_by,
            "decided_at": decision.decided_at.isoformat(),
            "evidence": [{"id": e.id, "name": e.name} for e in decision.evidence],
        },
    }
