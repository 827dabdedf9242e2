"""Starting a job, finding the one a page shows, and recording how far it got.

A page shows the latest job of its kind for its county, year and user, so it finds a job again after a
reload; starting while one is under way gives that one back instead of a second.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils import timezone

from junheng.web.jobs.models import Job
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User

# What a user reads when a job failed for a reason the program did not foresee (the traceback is logged).
UNFORESEEN = "后台任务出错，未能完成（详细信息已记入服务器日志）。请稍后重试；如仍出错，请联系系统管理员。"
LOST = "后台任务已中断（任务程序可能已停止或重启），请重新开始。"

Progress = Callable[[str], None]


def latest(*, kind: str, county: Organisation, year: int, user: User) -> Job | None:
    """The job a page shows: the user's latest of this kind for the county and year."""
    return (
        Job.objects.filter(kind=kind, county=county, year=year, user_id=_id(user))
        .defer("file", "shown")
        .order_by("-created_at", "-pk")
        .first()
    )


def start(*, kind: str, county: Organisation, year: int, user: User, params: Mapping[str, Any], steps: int) -> Job:
    """Queue the work (its permissions are checked by the caller first); the user's job under way of the
    same kind, county and year is given back instead of starting a second one. Older finished jobs of the
    same kind go: a page shows only the latest."""
    from junheng.web.jobs.tasks import run_job  # the task module imports the runners, which import this one

    running = latest(kind=kind, county=county, year=year, user=user)
    if running is not None and running.active:
        return running
    Job.objects.filter(kind=kind, county=county, year=year, user_id=_id(user)).delete()
    job = Job.objects.create(kind=kind, county=county, year=year, user_id=_id(user), params=dict(params), steps=steps)
    queued = run_job.enqueue(job.pk)
    # the immediate backend has run it already, and updated the row: update only the task's id
    Job.objects.filter(pk=job.pk).update(task_id=str(queued.id))
    job.refresh_from_db()
    return job


def _id(user: User) -> int:
    """The signed-in user's id (the views require a login, so an anonymous user never gets here)."""
    if user.pk is None:
        raise PermissionDenied("请先登录")
    return int(user.pk)


def progress_of(job: Job) -> Progress:
    """The callback a runner calls at the start of each step: the step's name (cut to what the page
    keeps), counted."""
    longest = Job._meta.get_field("stage").max_length or 0

    def step(stage: str) -> None:
        shown = stage if len(stage) <= longest else stage[: longest - 1] + "…"
        Job.objects.filter(pk=job.pk).update(stage=shown, step=F("step") + 1, updated_at=timezone.now())

    return step


def set_steps(job: Job, steps: int) -> None:
    """The number of steps, for work that knows it only once started (the files in an uploaded .zip)."""
    Job.objects.filter(pk=job.pk).update(steps=steps, updated_at=timezone.now())


def mark_running(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, updated_at=timezone.now())


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a runner leaves: a file to download (named), and what its page shows of the result."""

    file_name: str = ""
    file: bytes | None = None
    shown: bytes | None = None


def finish(job: Job, outcome: Outcome) -> None:
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.DONE,
        file=outcome.file,
        file_name=outcome.file_name,
        shown=outcome.shown,
        step=F("steps"),
        stage="",
        finished_at=timezone.now(),
    )


def fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, error=message, finished_at=timezone.now())


def status(job: Job) -> dict[str, Any]:
    """What the page's script shows while it waits (jobs.js)."""
    state = Job.State(job.state)
    return {
        "state": "lost" if job.lost else state.value,
        "label": "已中断" if job.lost else state.label,
        "stage": job.stage,
        "step": job.step,
        "steps": job.steps,
        "seconds": job.seconds,
        "error": LOST if job.lost else job.error,
        "active": job.active,
    }
