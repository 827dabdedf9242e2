"""Each kind of item of the assessment, built from what the engine computed or the county recorded.

Resource allocation (standard.md §2–§4) from the evaluation; G3–G5 from the schools' data (§5); the
items computed from county figures (§5–§6, `engine.county_items`); the items the county office decides;
the survey's recognition (§7). Each returns an `Item` whose checks hold numbers, states and words.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from junheng import messages as msg
from junheng.assessment.model import Check, Decision, Item, SchoolNote
from junheng.assessment.recognition import Recognition, RecognitionSettings
from junheng.assessment.states import State
from junheng.engine import Evaluation
from junheng.engine.county_items import CheckResult, ItemResult
from junheng.engine.guarantee import GuaranteeRules
from junheng.standards import Standard

NO_SURVEY = "未开展调查"
NOT_DECIDED = "尚未认定"
JUDGEMENT_THRESHOLD = "县级督导室认定达标（附佐证材料）"


def resource_items(evaluation: Evaluation, school_ids: Mapping[str, int]) -> tuple[Item, ...]:
    """The school rule with the schools that fail it, then each difference coefficient against its limit."""
    standard = evaluation.standard
    if evaluation.schools.is_empty():
        check = Check(
            "学校数据", None, None, "≥", "所", State.PENDING, "无", "各校填报本年度数据", "本年度没有学校数据"
        )
        return (Item("R0", "学校数据", "resources", (check,), State.PENDING),)
    items = []
    for row in evaluation.levels.iter_rows(named=True):
        indicator = standard.indicator(row["indicator"])
        level = msg.level_label(row["level"])
        limit = standard.cv_limits.get(row["level"])
        state = State.of(None if row["pass"] is None else bool(row["pass"]))
        check = Check(
            "差异系数",
            row["cv"],
            None if limit is None else float(limit),
            "≤",
            "",
            state,
            msg.cv_number(row["cv"], standard),
            f"≤ {limit}" if limit is not None else "—",
            None if state is State.PASSED else msg.cv_text(standard, row["level"], indicator, row["cv"]),
        )
        items.append(Item(f"{indicator.id}·{level}", f"{level}{indicator.name}", "resources", (check,), state))
    failing = evaluation.schools.filter(pl.col("pass").not_()).sort("school_id", "level")  # any row order alike
    notes = tuple(
        SchoolNote(
            row["school_id"],
            row["school_name"],
            f"{msg.level_label(row['level'])}："
            + msg.school_rule_text(
                standard,
                {i: row[f"meets_{i}"] for i in standard.indicator_ids},
                {i: row[f"above_floor_{i}"] for i in standard.indicator_ids},
            ),
            State.FAILED,
            school_ids.get(row["school_id"]),
        )
        for row in failing.iter_rows(named=True)
    )
    total = evaluation.schools["school_id"].n_unique()
    bad = failing["school_id"].n_unique()
    state = State.of(bad == 0)
    rule = Check(
        "未达标学校",
        float(bad),
        0.0,
        "≤",
        "所",
        state,
        f"{bad} 所 / 共 {total} 所",
        "0 所",
        None if bad == 0 else f"{bad} 所学校未达到学校达标规则",
    )
    items.insert(0, Item("学校达标规则", "每所学校达到学校达标规则（标准 §2）", "resources", (rule,), state, notes))
    return tuple(items)


def school_data_item(
    item_id: str, name: str, schools: pl.DataFrame, standard: Standard, school_ids: Mapping[str, int]
) -> Item:
    """G3, G4 or G5 from `engine.guarantee.guarantee_items`: 未达标 if any school fails, 待判定 while any
    school has not reported what it needs (standard.md §5)."""
    threshold = _school_threshold(item_id, GuaranteeRules.of(standard))
    if schools.is_empty():
        check = Check("学校", None, 0.0, "≤", "所", State.PENDING, "无", threshold, "本年度没有参与评估的学校数据")
        return Item(item_id, name, "school_data", (check,), State.PENDING)
    judged = schools.select("school_id", "school_name", pl.col(item_id).alias("ok"), pl.col(f"{item_id}_reason"))
    failing = judged.filter(pl.col("ok").not_()).sort("school_id")  # listed alike whatever the rows' order
    missing = judged.filter(pl.col("ok").is_null()).sort("school_id")
    state = State.FAILED if failing.height else State.PENDING if missing.height else State.PASSED
    notes = tuple(
        SchoolNote(
            row["school_id"],
            row["school_name"],
            row[f"{item_id}_reason"] or "",
            state_,
            school_ids.get(row["school_id"]),
        )
        for frame, state_ in ((failing, State.FAILED), (missing, State.PENDING))
        for row in frame.iter_rows(named=True)
    )
    reasons = [f"{failing.height} 所学校未达标"] if failing.height else []
    reasons += [f"{missing.height} 所学校未填报所需数据"] if missing.height else []
    check = Check(
        "未达标学校",
        float(failing.height),
        0.0,
        "≤",
        "所",
        state,
        f"{failing.height} 所 / 共 {judged.height} 所" + (f"（{missing.height} 所未填报）" if missing.height else ""),
        threshold,
        "；".join(reasons) or None,
    )
    return Item(item_id, name, "school_data", (check,), state, notes)


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


def figure_item(result: ItemResult) -> Item:
    """An item computed from county figures (`engine.county_items`), each check as computed."""
    checks = tuple(_check(c) for c in result.checks)
    return Item(result.id, result.name, "county_figure", checks, State.of(result.passed))


def _check(found: CheckResult) -> Check:
    state = State.of(found.passed)
    bound = None if found.bound is None else float(found.bound)
    if found.comparison == "是":
        figure = "—" if found.passed is None else "是" if found.passed else "否"
        return Check(found.label, found.value, None, "是", found.unit, state, figure, "是", found.reason)
    shown_bound = "—" if bound is None else _shown(bound, found.unit)
    figure = "—" if found.value is None else _shown(found.value, found.unit)
    threshold = f"{found.comparison} {shown_bound}"
    return Check(found.label, found.value, bound, found.comparison, found.unit, state, figure, threshold, found.reason)


def _shown(value: float, unit: str) -> str:
    if unit == "%":
        return msg.number_text(value * 100, 2) + "%"
    return msg.number_text(value, 4) + (f" {unit}" if unit else "")


def judgement_item(item_id: str, name: str, decision: Decision | None) -> Item:
    """An item the county office decides, with its note and evidence; 待判定 until it has."""
    if decision is None:
        check = Check("认定结果", None, None, "是", "", State.PENDING, "—", JUDGEMENT_THRESHOLD, NOT_DECIDED)
        return Item(item_id, name, "judgement", (check,), State.PENDING)
    state = State.of(decision.passed)
    reason = None if decision.passed else "认定未达标" + (f"：{decision.note}" if decision.note else "")
    value = 1.0 if decision.passed else 0.0
    check = Check("认定结果", value, None, "是", "", state, str(state), JUDGEMENT_THRESHOLD, reason)
    return Item(item_id, name, "judgement", (check,), state, decision=decision)


def recognition_item(found: Recognition | None, settings: RecognitionSettings | None, standard: str) -> Item:
    """The survey's overall rate against its minimum, and its valid-return rate against its floor (§7);
    待判定 without a survey or while it has no valid answer."""
    if settings is None:
        unset = f"标准 {standard} 没有社会认可度（[recognition]）的设置"
        check = Check("社会认可度", None, None, "≥", "%", State.PENDING, "—", "—", unset)
        return Item("S1", "社会认可度", "recognition", (check,), State.PENDING)
    minimum = float(settings.min_rate)
    threshold = f"≥ {_shown(minimum, '%')}"
    if found is None or found.rate is None:
        check = Check("社会认可度", None, minimum, "≥", "%", State.PENDING, NO_SURVEY, threshold, NO_SURVEY)
        return Item("S1", "社会认可度", "recognition", (check,), State.PENDING)
    value = float(found.rate)
    state = State.of(value >= minimum)
    figure = _shown(value, "%")
    reason = None if state is State.PASSED else f"社会认可度 {figure}，低于 {threshold[2:]}"
    checks = [Check("社会认可度", value, minimum, "≥", "%", state, figure, threshold, reason)]
    if found.return_rate is not None:
        floor = float(settings.min_valid_return_rate)
        returned = float(found.return_rate)
        met = State.of(returned >= floor)
        shown, needed = _shown(returned, "%"), _shown(floor, "%")
        reason = None if met is State.PASSED else f"问卷有效回收率 {shown}，低于 {needed}"
        checks.append(Check("问卷有效回收率", returned, floor, "≥", "%", met, shown, f"≥ {needed}", reason))
    overall = State.FAILED if any(c.state is State.FAILED for c in checks) else State.PASSED
    return Item("S1", "社会认可度", "recognition", tuple(checks), overall)
