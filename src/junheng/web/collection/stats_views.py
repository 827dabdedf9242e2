"""The pages of the statistics import: upload the files, look at what they give, confirm or cancel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from junheng.web.collection import stats_import, stats_upload
from junheng.web.collection.stats_import import REFUSAL
from junheng.web.errors import WorkflowError
from junheng.web.orgs import lookups
from junheng.web.years import parse_year

_CHOICE = "point-"


def _county_page(county_id: int, year: int | None) -> HttpResponseRedirect:
    url = reverse("collection:county", args=[county_id])
    return HttpResponseRedirect(f"{url}?year={year}" if year else url)


@login_required
@require_POST
def upload(request: HttpRequest, county_id: int) -> HttpResponse:
    """Keep the uploaded statistics files on the server and show what they give."""
    county = lookups.managed_county(request.user, county_id, refusal=REFUSAL)
    year = parse_year(request.POST.get("year", ""))
    try:
        kept = stats_upload.keep(
            county_id=county.pk, year=year, uploads=request.FILES.getlist("files"), username=request.user.get_username()
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return _county_page(county.pk, year)
    return HttpResponseRedirect(reverse("collection:statistics", args=[county.pk, kept.token]))


@login_required
def preview(request: HttpRequest, county_id: int, token: str) -> HttpResponse:
    """What the kept files give (GET, or POST `refresh` with other teaching-point choices); POST
    `confirm` stores it, `cancel` forgets the files."""
    county = lookups.managed_county(request.user, county_id, refusal=REFUSAL)
    kept = stats_upload.kept(county_id=county.pk, token=token)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "cancel":
        stats_upload.forget(kept)
        messages.info(request, "已取消导入，上传的统计报表已删除，未保存任何数据")
        return _county_page(county.pk, kept.year)
    choices = {k.removeprefix(_CHOICE): request.POST.get(k, "") for k in request.POST if k.startswith(_CHOICE)}
    try:
        if action == "confirm":
            shown = stats_import.confirm(user=request.user, county_id=county.pk, upload=kept, choices=choices)
            stats_upload.forget(kept)
            messages.success(request, _stored_message(shown))
            return _county_page(county.pk, kept.year)
        shown = stats_import.preview(user=request.user, county_id=county.pk, upload=kept, choices=choices)
    except stats_import.NotStored as exc:
        messages.error(request, str(exc))
        shown = exc.preview
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return _county_page(county.pk, kept.year)
    return render(request, "collection/statistics.html", {"county": county, "year": kept.year, "token": token,
                                                          "preview": shown, "keep": stats_import.KEEP})  # fmt: skip


def _stored_message(shown: stats_import.Preview) -> str:
    schools = sum(1 for e in shown.entries if e.school is not None)
    waiting = sum(1 for e in shown.entries if e.to_fill)
    return (
        f"已从统计报表导入 {schools} 所学校的 {shown.year} 年度数据，每项都记入了修改记录（从教育统计导入）。"
        f"已请各校填报员补填缺少的数据（{waiting} 所学校有待补填项）并确认"
    )
