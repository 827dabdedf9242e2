"""The groups pages' tables in Excel (issue 12 §5): the county's groups and pairings, the Theil split of the
year (?year=, as on the page) and the groups' balance over the years; a group's members, their progress
against the core, teachers exchanged, within-group coefficients, gaps and activities.

The views read through `services.county_groups` and `services.group`, the pages' own calls, so they answer
as the pages do.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from junheng.io.xlsx_table import Column, Kind, Table
from junheng.numbers import FORMS, Quantity
from junheng.web.exports import file_name, xlsx_response
from junheng.web.groups import scorecards, services
from junheng.web.groups.models import Activity, Group, Membership, Pairing, TeacherExchange
from junheng.web.groups.views import _analysis, _balance, _rows, group_context
from junheng.web.years import asked_year

# Theil indices and scores are not an Excel kind of their own: their decimals are the pages' (junheng.numbers).
THEIL_DECIMALS = FORMS[Quantity.INDEX].decimals
SCORE_DECIMALS = FORMS[Quantity.SCORE].decimals
NO_DATA = "未取得数据"


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
            Column("组间占比", [r["between_share"] for r in rows], Kind.PERCENT),
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


@login_required
@require_GET
def group(request: HttpRequest, group_id: int) -> HttpResponse:
    """Every table of a group's page, for the year it shows."""
    context = group_context(request, group_id)
    found: Group = context["group"]
    sheets = [_members(context["memberships"]), _progress(context["progress"], context["progress_years"])]
    sheets.append(_exchanges(context["exchanges"]))
    if context["analysis"] is not None:
        sheets += [_within(context["within"]), _gaps(context["gaps"])]
    sheets.append(_activities(context["activities"]))
    year = context["year"] if context["analysis"] is not None else None
    return xlsx_response(file_name(found.county.name, found.name, year), sheets)


def _members(memberships: list[Membership]) -> Table:
    return Table(
        "成员",
        [
            Column("学校", [str(m.school) for m in memberships]),
            Column("角色", [m.get_role_display() for m in memberships]),
            Column("加入", [m.joined for m in memberships], Kind.DATE),
            Column("退出", [m.left for m in memberships], Kind.DATE),
        ],
    )


def _progress(rows: list[dict[str, Any]], years: list[int]) -> Table:
    """Each member's value over the core's, per year: the ratio (100% = level with the core) and the difference."""
    columns = [
        Column("学校", [r["school_name"] for r in rows]),
        Column("学段", [r["level_name"] for r in rows]),
        Column("指标", [r["indicator_name"] for r in rows]),
    ]
    for i, year in enumerate(years):
        cells = [r["cells"][i] for r in rows]
        columns += [
            Column(
                f"{year}年与核心校之比",
                ["—" if c is None else "无核心校数据" if c["ratio"] is None else c["ratio"] for c in cells],
                Kind.PERCENT,
            ),
            Column(f"{year}年差", [None if c is None else c["difference"] for c in cells], Kind.VALUE),
        ]
    return Table("成员与核心校对比", columns)


def _exchanges(exchanges: list[TeacherExchange]) -> Table:
    return Table(
        "教师共享与交流",
        [
            Column("教师", [x.teacher for x in exchanges]),
            Column("派出学校", [str(x.from_school) for x in exchanges]),
            Column("接收学校", [str(x.to_school) for x in exchanges]),
            Column("方式", [x.get_kind_display() for x in exchanges]),
            Column("骨干教师", ["是" if x.backbone else "否" for x in exchanges]),
            Column("开始日期", [x.start for x in exchanges], Kind.DATE),
            Column("结束日期", [x.end if x.end else "今" for x in exchanges], Kind.DATE),
            Column("说明", [x.note for x in exchanges]),
        ],
    )


def _within(rows: list[dict[str, Any]]) -> Table:
    return Table(
        "集团内差异系数",
        [
            Column("学段", [r["level_name"] for r in rows]),
            Column("指标", [r["indicator_name"] for r in rows]),
            Column("学校数", [r["schools"] for r in rows], Kind.COUNT, unit="所"),
            Column("学生数", [r["students"] for r in rows], Kind.COUNT, unit="人"),
            Column("均值", [r["mean"] for r in rows], Kind.VALUE),
            Column(
                "差异系数",
                ["无法计算（均值为 0）" if r["cv"] is None else r["cv"] for r in rows],
                Kind.COEFFICIENT,
            ),
        ],
    )


def _gaps(rows: list[dict[str, Any]]) -> Table:
    return Table(
        "核心校与成员校差距",
        [
            Column("学段", [r["level_name"] for r in rows]),
            Column("指标", [r["indicator_name"] for r in rows]),
            *(
                Column(title, [r[key] for r in rows], Kind.VALUE)
                for title, key in (("核心校", "core"), ("成员校", "members"), ("差距", "gap"))
            ),
        ],
    )


def _activities(activities: list[Activity]) -> Table:
    return Table(
        "活动记录",
        [
            Column("日期", [a.date for a in activities], Kind.DATE),
            Column("类型", [str(a.kind) for a in activities]),
            Column("说明", [a.note for a in activities]),
            Column("佐证材料", ["、".join(e.name for e in a.evidence.all()) for a in activities]),
        ],
    )


@login_required
@require_GET
def scorecard(request: HttpRequest, county_id: int) -> HttpResponse:
    """The scorecard page of a year (?year=): its items, and every group's total and item scores."""
    page = scorecards.scorecard(user=request.user, county_id=county_id, year=asked_year(request))
    items = page.items
    sheets = [
        Table(
            "考核项目",
            [
                Column("项目", [i.name for i in items]),
                Column("数据来源", [i.get_source_display() for i in items]),
                Column("指标", [f"{i.indicator} {i.get_level_display()}".strip() for i in items]),
                Column("权重", [float(i.weight) for i in items], Kind.VALUE, decimals=SCORE_DECIMALS),
                Column(
                    "赋分规则",
                    [f"{i.get_rule_display()}（{'越高越好' if i.higher_is_better else '越低越好'}）" for i in items],
                ),
                Column("目标值", [float(i.target) for i in items], Kind.VALUE),
                Column(
                    "最低值",
                    [None if i.floor is None else float(i.floor) for i in items],
                    Kind.VALUE,
                ),
                Column("数据说明", [i.data_note for i in items]),
            ],
        ),
        Table(
            "各集团得分",
            [
                Column("教育集团", [g.group.name for g in page.groups]),
                Column(
                    "总分",
                    [NO_DATA if g.score is None else g.score for g in page.groups],
                    Kind.VALUE,
                    decimals=SCORE_DECIMALS,
                ),
                Column("已计权重", [g.weight_scored for g in page.groups], Kind.VALUE, decimals=SCORE_DECIMALS),
                Column("全部权重", [g.weight_total for g in page.groups], Kind.VALUE, decimals=SCORE_DECIMALS),
                *(
                    col
                    for n, item in enumerate(items)
                    for col in (
                        Column(
                            f"{item.name}得分",
                            [NO_DATA if g.items[n][1] is None else g.items[n][1] for g in page.groups],
                            Kind.VALUE,
                            decimals=SCORE_DECIMALS,
                        ),
                        Column(
                            f"{item.name}数值",
                            [g.items[n][0] for g in page.groups],
                            Kind.VALUE,
                        ),
                    )
                ),
            ],
        ),
    ]
    return xlsx_response(file_name(page.county.name, "集团捆绑考核", page.year), sheets)
