"""A plan as an Excel workbook: one sheet of actions, one summary sheet (`junheng plan --format xlsx`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from junheng.io.finite import finite
from junheng.messages import level_label
from junheng.plan import ACTION_LABELS, CountyPlan
from junheng.schema import FIELDS_BY_KEY

_STATUS = {"optimal": "最优", "feasible": "可行", "infeasible": "无可行方案"}


def write_plan_xlsx(plans: Sequence[CountyPlan], path: Path) -> None:
    """Sheets 措施 (one row per change of every action) and 汇总 (per county: status, cost, CVs after)."""
    with xlsxwriter.Workbook(str(path)) as book:
        bold = book.add_format({"bold": True})
        money = book.add_format({"num_format": "#,##0.00"})
        actions = book.add_worksheet("措施")
        head = ["县区", "年度", "措施", "数量", "费用（元）", "学校标识码", "数据列", "数据列中文", "变化量"]
        actions.write_row(0, 0, head, bold)
        row = 1
        for plan in plans:
            for action in plan.actions:
                for change in action.changes:
                    field = FIELDS_BY_KEY.get(change.column)
                    quantity = finite(action.quantity)
                    actions.write_row(row, 0, [plan.county, plan.year, ACTION_LABELS[action.kind], quantity])
                    actions.write(row, 4, finite(action.cost), money)
                    label = field.label if field else change.column
                    actions.write_row(row, 5, [change.school_id, change.column, label, finite(change.delta)])
                    row += 1
        actions.freeze_panes(1, 0)
        actions.set_column(0, 8, 16)
        summary = book.add_worksheet("汇总")
        head = ["县区", "年度", "状态", "相对间隙", "总费用（元）", "规划后是否通过", "说明", "求解情况"]
        summary.write_row(0, 0, head, bold)
        for r, plan in enumerate(plans, start=1):
            summary.write_row(r, 0, [plan.county, plan.year, _STATUS.get(plan.status, plan.status)])
            summary.write(r, 3, finite(plan.gap))
            summary.write(r, 4, finite(plan.total_cost), money)
            note = plan.search.note() if plan.search is not None else ""
            summary.write_row(r, 5, ["是" if plan.after.counties["pass"][0] else "否", plan.reason or "", note])
        start = len(plans) + 2
        summary.write_row(start, 0, ["县区", "年度", "学段", "指标", "规划后差异系数", "限值"], bold)
        for plan in plans:
            for lv in plan.after.levels.iter_rows(named=True):
                start += 1
                summary.write_row(
                    start,
                    0,
                    [plan.county, plan.year, level_label(lv["level"]), lv["indicator"], finite(lv["cv"]), lv["limit"]],
                )
        summary.set_column(0, 7, 16)
