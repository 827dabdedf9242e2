"""A job's progress for the page's script (jobs.js), and its file: only to the user who started it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from junheng.web.jobs import services
from junheng.web.jobs.models import Job
from junheng.web.orgs import lookups

CONTENT_TYPES = {
    ".zip": "application/zip",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _own(request: HttpRequest, job_id: int) -> Job:
    """The user's own job of a county they still see; 404 for anyone else's."""
    job = get_object_or_404(Job.objects.defer("file", "shown"), pk=job_id, user_id=request.user.pk)
    lookups.visible_county(request.user, job.county_id)
    return job


@login_required
@require_GET
def status(request: HttpRequest, job_id: int) -> JsonResponse:
    """How far the job has got: state, step, stage, seconds, the Chinese message of a failure."""
    return JsonResponse(services.status(_own(request, job_id)))


@login_required
@require_GET
def download(request: HttpRequest, job_id: int) -> HttpResponse:
    """The finished job's file (the report's zip, the plan's workbook)."""
    job = _own(request, job_id)
    content = Job.objects.filter(pk=job.pk).values_list("file", flat=True).first()
    if job.state != Job.State.DONE or not content or not job.file_name:
        raise Http404("该任务没有可下载的文件")
    suffix = job.file_name[job.file_name.rfind(".") :]
    response = HttpResponse(bytes(content), content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"))
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=job.file_name)
    return response
