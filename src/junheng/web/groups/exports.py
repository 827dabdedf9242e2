"""The groups page's tables in Excel (issue 12 §5): the groups and pairings, the Theil split of the year
(?year=, as on the page) and the groups' balance over the years.

The view reads through `services.county_groups`, the page's own call, so it answers as the page does.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from junheng.io.xlsx_table import Column, Kind, Table
from junheng.web.exports import file_name, xlsx_response
from junheng.web.groups import services
from junheng.web.groups.models import Group, Pairing
from junheng.web.groups.views import _analysis, _balance, _rows

THEIL_DECIMALS = 4  # as the page prints T, between and within


@login_required
@require_GET
def county(request: HttpRequest, county_id: int) -> HttpResponse:
    """The county's groups and pairings, and what the page computes of them for the year it shows."""
    found = services.county_groups(user=request.user, county_id=county_id)
    analysed = _analysis(request, found.county)
    sheets = [_groups(found.groups), _pairings(found.pairings)]
    if analysed["analysis"] is not None:
        year = analysed["year"]
        sheets += [
            _theil(f"{year}年泰尔指数（集团内外）", _rows(analysed["analysis"].grouped_vs_not, found.county)),
            _theil(f"{year}年泰尔指数（按集团）", _rows(analysed["analysis"].by_group, found.county)),
        ]
    balance = _balance(services.balance(found.county))
    if balance is not None:
        sheets.append(_balanced(balance))
    return xlsx_response(file_name(found.county.name, "集团化办学与结对帮扶"), sheets)


def _groups(groups: list[Group]) -> Table:
    return Table(
        "教育集团",
        [
            Column("名称", [g.name for g in groups]),
            Column("类型", [str(g.type) for g in groups]),
            Column("形式", [g.get_form_display() for g in groups]),
            Column("牵头学校", [str(g.lead_school) if g.lead_school else "" for g in groups]),
            Column("成员（含已退出）", [len(g.memberships.all()) for g in groups], Kind.COUNT, unit="所"),
            Column("认定等级", [g.get_recognition_display() for g in groups]),
            Column("认定批次", [g.recognition_batch for g in groups]),
            Column("认定年份", [g.recognition_year for g in groups], Kind.YEAR),
        ],
    )


def _pairings(pairings: list[Pairing]) -> Table:
    return Table(
        "结对帮扶",
        [
            Column("帮扶学校", [str(p.helper) for p in pairings]),
            Column("受援学校", [str(p.helped) for p in pairings]),
            Column("开始日期", [p.start for p in pairings], Kind.DATE),
            Column("结束日期", [p.end if p.end else "今" for p in pairings], Kind.DATE),
            Column("年度目标", [p.goals for p in pairings]),
        ],
    )


def _theil(name: str, rows: list[dict[str, Any]]) -> Table:
    return Table(
        name,
        [
            Column("学段", [r["level_name"] for r in rows]),
            Column("指标", [r["indicator_name"] for r in rows]),
            Column(
                "泰尔指数 T",
                [r["total"] if r["total"] is not None else "无法计算" for r in rows],
                Kind.COEFFICIENT,
                decimals=THEIL_DECIMALS,
            ),
            Column("组间", [r["between"] for r in rows], Kind.COEFFICIENT, decimals=THEIL_DECIMALS),
            Column("组内", [r["within"] for r in rows], Kind.COEFFICIENT, decimals=THEIL_DECIMALS),
            Column("组间占比", [r["between_share"] for r in rows], Kind.PERCENT, decimals=0),
        ],
    )


def _balanced(balance: dict[str, Any]) -> Table:
    """The mean within-group CV per group and 学段, one column per year, the county first (as the page)."""
    rows = balance["rows"]
    return Table(
        "集团内差距逐年变化",
        [
            Column("集团", [r["group"] for r in rows]),
            Column("学段", [r["level_name"] for r in rows]),
            *(
                Column(f"{year}年", [r["values"][i] for r in rows], Kind.COEFFICIENT)
                for i, year in enumerate(balance["years"])
            ),
        ],
    )
