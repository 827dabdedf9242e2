"""The one task the worker runs: a job, by its kind's runner.

A runner takes the job and a progress callback and returns its `services.Outcome`. An error it
raises as `JobRefused` (or the refusals it lists) is the user's to read; anything else is logged with its
traceback and the user reads `services.UNFORESEEN`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.module_loading import import_string
from django_tasks import task

from junheng.plan import PlanError
from junheng.web.errors import WorkflowError
from junheng.web.jobs import services
from junheng.web.jobs.models import Job

logger = logging.getLogger(__name__)

Runner = Callable[[Job, services.Progress], services.Outcome]

RUNNERS = {
    Job.Kind.REPORT: "junheng.web.assessment.reports.report_job",
    Job.Kind.PLAN: "junheng.web.planning.plan_jobs.plan_job",
    Job.Kind.STATISTICS: "junheng.web.collection.stats_jobs.read_job",
}
# Refusals whose message is written for the user (in Chinese), shown as the job's failure.
REFUSALS = (PlanError, PermissionDenied, WorkflowError)
# A county the user no longer sees when the job runs (Http404's message may be Django's English).
OUT_OF_REACH = "您已无权查看该县（权限可能已变更），任务未能完成；如有疑问请联系系统管理员。"


@task()
def run_job(job_id: int) -> None:
    """Run the job and record its result or its failure on it; a job withdrawn before it ran (an import
    cancelled while it waited) is not run."""
    job = Job.objects.select_related("county", "user").filter(pk=job_id).first()
    if job is None:
        return
    services.mark_running(job)
    runner: Runner = import_string(RUNNERS[Job.Kind(job.kind)])
    try:
        outcome = runner(job, services.progress_of(job))
    except REFUSALS as exc:
        services.fail(job, str(exc) or services.UNFORESEEN)
        return
    except Http404:
        services.fail(job, OUT_OF_REACH)
        return
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        services.fail(job, services.UNFORESEEN)
        raise
    services.finish(job, outcome)
