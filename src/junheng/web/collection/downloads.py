"""Downloads of the collection: a county's data file of a year, to correct offline or archive; the
tracker and the audit trail as Excel sheets."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from junheng.io.xlsx_table import Column, Kind, Table
from junheng.web.collection import services, tracker
from junheng.web.collection.models import Change
from junheng.web.collection.tracker_page import county_tracker
from junheng.web.collection.views import _filtered_changes, audit_rows
from junheng.web.exports import file_name, local_time, xlsx_response
from junheng.web.orgs import lookups
from junheng.web.years import InvalidYear, asked_year

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def county_workbook(request: HttpRequest, county_id: int) -> HttpResponse:
    """`?year=YYYY`: the county's records of that year as the workbook the importer takes."""
    year = asked_year(request)
    if year is None:
        raise InvalidYear("")
    name, content = services.county_workbook(user=request.user, county_id=county_id, year=year)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_GET
def tracker_excel(request: HttpRequest, county_id: int) -> HttpResponse:
    """The county page's 各校填报情况 of a year (?year=, else the latest round) as an Excel sheet, filtered
    and sorted as the page is (?state=, ?sort=)."""
    county = lookups.visible_county(request.user, county_id)
    year = asked_year(request) or county.rounds.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        raise Http404("该县尚未发布任何填报任务")
    state, sort = tracker.parse_state(request.GET.get("state")), tracker.parse_sort(request.GET.get("sort"))
    rows = county_tracker(county, year, state=state, sort=sort).rows
    columns = [
        Column("学校", [row.school.name for row in rows]),
        Column("学校标识码", [row.school.code for row in rows]),
        Column("状态", [str(row.state.label) for row in rows]),
        Column("最后更新", [local_time(row.record.updated_at if row.record else None) for row in rows], Kind.DATETIME),
        Column("数据疑点", [len(row.flags) for row in rows], Kind.COUNT, unit="处"),
        Column("疑点说明", ["；".join(flag.message for flag in row.flags) for row in rows]),
    ]
    table = Table(f"{year}年度各校填报情况", columns)
    return xlsx_response(file_name(county.name, "各校填报情况", year), [table])


@login_required
@require_GET
def history_excel(request: HttpRequest, school_id: int) -> HttpResponse:
    """The school's audit trail with the page's filters (?field=, ?year=), every page of it."""
    school = lookups.visible_school(request.user, school_id)
    _, changes = _filtered_changes(request, school)
    rows = audit_rows(changes)
    columns = [
        Column("时间", [local_time(row.change.at) for row in rows], Kind.DATETIME),
        Column("年度", [row.change.record.year for row in rows], Kind.YEAR),
        Column("操作人", [_user_name(row.change) for row in rows]),
        Column("操作", [row.change.get_action_display() for row in rows]),
        Column("字段", [row.label for row in rows]),
        Column("原值", [row.old for row in rows]),
        Column("新值", [row.new for row in rows]),
        Column("原因", [row.change.reason for row in rows]),
    ]
    return xlsx_response(file_name(school.name, "修改记录"), [Table("修改记录", columns)])


def _user_name(change: Change) -> str:
    if change.user is None:
        return "—"
    return change.user.get_full_name() or change.user.get_username()
