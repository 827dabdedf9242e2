"""A plan as a readable Chinese report for the terminal (`junheng plan`, the default format)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from junheng.engine import evaluate
from junheng.messages import level_label, verdict_word
from junheng.plan import ACTION_LABELS, CountyPlan

_STATUS = {"optimal": "最优（已证明）", "feasible": "可行（未证明最优）", "infeasible": "无可行方案"}


def render_plan(plans: Sequence[CountyPlan], schools: pl.DataFrame) -> str:
    """Per county: status, total cost, actions by school, and every difference coefficient before and after."""
    return "\n\n".join(_county(plan, schools) for plan in plans) + "\n"


def _county(plan: CountyPlan, schools: pl.DataFrame) -> str:
    lines = [f"{plan.county} {plan.year} 年 达标规划：{_STATUS.get(plan.status, plan.status)}"]
    if plan.gap is not None and plan.status != "infeasible":
        lines.append(f"  求解相对间隙：{plan.gap:.2%}")
    if plan.reason:
        lines.append(f"  说明：{plan.reason}")
    if plan.search is not None:
        lines.append(f"  求解情况：{plan.search.note()}")
    if plan.budget is not None:
        lines.append(f"  预算：{plan.budget:,.2f} 元")
    lines.append(
        f"  总费用：{plan.total_cost:,.2f} 元；规划后资源配置：{verdict_word(bool(plan.after.counties['pass'][0]))}"
    )
    names = dict(schools.select("school_id", "school_name").iter_rows())
    by_school: dict[str, list[str]] = {}
    for action in plan.actions:
        first = action.changes[0].school_id
        detail = "，".join(f"{c.column} {c.delta:+g}" for c in action.changes)
        if action.kind == "transfer_teacher":
            target = next(c.school_id for c in action.changes if c.delta > 0)
            detail = f"调往 {names.get(target, target)}：{detail}"
        by_school.setdefault(first, []).append(
            f"    {ACTION_LABELS[action.kind]} {action.quantity:g}，{action.cost:,.2f} 元（{detail}）"
        )
    if by_school:
        lines.append("  措施（按学校）：")
        for school_id, items in by_school.items():
            lines.append(f"  {names.get(school_id, school_id)}（{school_id}）")
            lines.extend(items)
    lines.append("  差异系数（规划前 → 规划后，限值）：")
    table = schools.filter((pl.col("county") == plan.county) & (pl.col("year") == plan.year))
    before = evaluate(table, plan.after.standard).levels
    joined = before.select("level", "indicator", pl.col("cv").alias("before")).join(
        plan.after.levels.select("level", "indicator", "cv", "limit", "pass"), on=["level", "indicator"], how="left"
    )
    for row in joined.iter_rows(named=True):
        lines.append(
            f"    {level_label(row['level'])} {row['indicator']}：{_cv(row['before'])} → {_cv(row['cv'])}"
            f"（≤ {row['limit']}）{'' if row['pass'] else ' 未达标'}"
        )
    return "\n".join(lines)


def _cv(value: float | None) -> str:
    return "无定义" if value is None else f"{value:.3f}"
