"""The places page's tables in Excel (issue 12 §5): places against demand per catchment and year, with the
warning, under the page's demand method (?method=); and places per 1,000 residents.

The view reads through `services.county_places`, the page's own call, so it answers as the page does.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from junheng.io.xlsx_table import Column, Kind, Table
from junheng.levels import LEVEL_LABELS
from junheng.numbers import FORMS, Quantity
from junheng.web.exports import file_name, xlsx_response
from junheng.web.places import services
from junheng.web.places.views import _method, gap_rows

WARNINGS = {"red": "红色", "yellow": "黄色", "green": "绿色"}


@login_required
@require_GET
def county(request: HttpRequest, county_id: int) -> HttpResponse:
    """Both tables of the county's places page, under the demand method it shows."""
    view = services.county_places(user=request.user, county_id=county_id, method=_method(request))
    method = services.METHODS[view.method]
    sheets = [_gaps(gap_rows(view), method), _per_1000(list(view.per_1000.iter_rows(named=True)))]
    return xlsx_response(file_name(view.county.name, f"学位供需（{method}）"), sheets)


def _gaps(rows: list[dict[str, Any]], method: str) -> Table:
    return Table(
        f"学位与需求（{method}）",
        [
            Column("学区", [r["name"] for r in rows]),
            Column("学段", [LEVEL_LABELS.get(r["level"], r["level"]) for r in rows]),
            Column("年度", [r["year"] for r in rows], Kind.YEAR),
            Column(
                "学位", [r["places"] if r["places"] is not None else "未上传学位" for r in rows], Kind.COUNT, unit="个"
            ),
            Column("基础需求", [r["base"] for r in rows], Kind.COUNT, unit="人"),
            Column("住宅交付", [r["housing"] for r in rows], Kind.COUNT, unit="人"),
            Column("需求合计", [r["demand"] for r in rows], Kind.COUNT, unit="人"),
            Column("余缺", [r["gap"] for r in rows], Kind.COUNT, unit="个"),
            Column("预警", [WARNINGS.get(r["warning"] or "", "—") for r in rows]),
        ],
    )


def _per_1000(rows: list[dict[str, Any]]) -> Table:
    return Table(
        "每千人学位",
        [
            Column("年度", [r["year"] for r in rows], Kind.YEAR),
            Column("学段", [LEVEL_LABELS.get(r["level"], r["level"]) for r in rows]),
            Column(
                "学位", [r["places"] if r["places"] is not None else "未上传学位" for r in rows], Kind.COUNT, unit="个"
            ),
            Column(
                "常住人口",
                [r["residents"] if r["residents"] is not None else "未上传常住人口" for r in rows],
                Kind.COUNT,
                unit="人",
            ),
            Column(
                "每千人学位",
                [r["per_1000"] for r in rows],
                Kind.VALUE,
                unit="个",
                decimals=FORMS[Quantity.AVERAGE].decimals,
            ),
            Column("县定标准（示例）", [r["norm"] for r in rows], Kind.COUNT, unit="个"),
            Column("是否达到", ["—" if r["meets"] is None else "达到" if r["meets"] else "未达到" for r in rows]),
        ],
    )
