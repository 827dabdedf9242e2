"""The pages of the statistics import: upload the files, watch them being read, look at what they give,
confirm or cancel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from junheng.web.collection import stats_import, stats_jobs, stats_upload
from junheng.web.collection.stats_import import REFUSAL
from junheng.web.errors import WorkflowError
from junheng.web.jobs.models import Job
from junheng.web.orgs import lookups
from junheng.web.years import parse_year

_CHOICE = "point-"


def _county_page(county_id: int, year: int | None) -> HttpResponseRedirect:
    url = reverse("collection:county", args=[county_id])
    return HttpResponseRedirect(f"{url}?year={year}" if year else url)


@login_required
@require_POST
def upload(request: HttpRequest, county_id: int) -> HttpResponse:
    """Keep the uploaded statistics files on the server, queue their reading and show its progress."""
    county = lookups.managed_county(request.user, county_id, refusal=REFUSAL)
    year = parse_year(request.POST.get("year", ""))
    try:
        stats_import.require_open_round(county, year)
        kept = stats_upload.keep(
            county_id=county.pk, year=year, uploads=request.FILES.getlist("files"), username=request.user.get_username()
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return _county_page(county.pk, year)
    job = stats_jobs.start_reading(user=request.user, county=county, upload=kept)
    token = str(job.params["token"])
    if token != kept.token:
        messages.warning(request, stats_jobs.BUSY)
    return HttpResponseRedirect(reverse("collection:statistics", args=[county.pk, token]))


@login_required
def preview(request: HttpRequest, county_id: int, token: str) -> HttpResponse:
    """While the files are read, the job's progress; then what they give (GET, or POST `refresh` with
    other teaching-point choices). POST `confirm` stores it, `cancel` forgets the files and the reading."""
    county = lookups.managed_county(request.user, county_id, refusal=REFUSAL)
    job = stats_jobs.job_for(user=request.user, county=county, token=token)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "cancel":
        stats_jobs.drop(job)
        messages.info(request, "已取消导入，上传的统计报表已删除，未保存任何数据")
        return _county_page(county.pk, job.year)
    read = stats_jobs.read_of(job) if job.state == Job.State.DONE else None
    context = {"county": county, "year": job.year, "token": token, "job": job, "keep": stats_import.KEEP}
    if read is None:  # being read, or the reading failed: the job's progress or its message
        return render(request, "collection/statistics.html", context | {"preview": None})
    choices = {k.removeprefix(_CHOICE): request.POST.get(k, "") for k in request.POST if k.startswith(_CHOICE)}
    try:
        if action == "confirm":
            shown = stats_import.confirm(user=request.user, county_id=county.pk, read=read, choices=choices)
            stats_jobs.drop(job)
            messages.success(request, _stored_message(shown))
            return _county_page(county.pk, read.year)
        shown = stats_import.preview(user=request.user, county_id=county.pk, read=read, choices=choices)
    except stats_import.NotStored as exc:
        messages.error(request, str(exc))
        shown = exc.preview
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return _county_page(county.pk, read.year)
    return render(request, "collection/statistics.html", context | {"preview": shown})


def _stored_message(shown: stats_import.Preview) -> str:
    schools = sum(1 for e in shown.entries if e.school is not None)
    waiting = sum(1 for e in shown.entries if e.to_fill)
    return (
        f"已从统计报表导入 {schools} 所学校的 {shown.year} 年度数据，每项都记入了修改记录（从教育统计导入）。"
        f"已请各校填报员补填缺少的数据（{waiting} 所学校有待补填项）并确认"
    )
