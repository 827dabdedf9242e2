"""The county's shares of 大班额 and 超大班额 per snapshot, as an ECharts option against the targets."""

from __future__ import annotations

from typing import Any

import polars as pl

from junheng.engine.class_size import ClassSizeRules

COLORS = ("#b26a00", "#c62828")


def shares_by_snapshot(shares: pl.DataFrame, rules: ClassSizeRules) -> dict[str, Any]:
    """One line per target (share in %, one point per snapshot) with its maximum as a dashed line."""
    series: list[dict[str, Any]] = []
    for target, color in zip(rules.targets, COLORS, strict=False):
        points = [
            {"value": round(share * 100, 1), "tip": f"{term}：{target.label} {count}/{classes} 个班，{share:.1%}"}
            for term, share, count, classes in shares.select(
                "term", f"{target.key}_share", target.key, "classes"
            ).iter_rows()
        ]
        limit = round(target.max_share * 100, 1)
        series.append(
            {
                "type": "line",
                "name": f"{target.label}占比",
                "data": points,
                "itemStyle": {"color": color},
                "markLine": {
                    "symbol": "none",
                    "silent": True,
                    "data": [
                        {
                            "yAxis": limit,
                            "lineStyle": {"color": color, "type": "dashed"},
                            "label": {"formatter": f"{target.label}目标 ≤ {limit}%", "color": color},
                        }
                    ],
                },
            }
        )
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 48, "right": 120, "top": 40, "bottom": 32},
        "xAxis": {"type": "category", "data": shares["term"].to_list()},
        "yAxis": {"type": "value", "name": "%", "min": 0},
        "series": series,
    }
