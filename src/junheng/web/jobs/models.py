"""A long piece of work a user started (the report, a plan, reading statistics workbooks), run by the task
worker, and what it left.

The task library (django-tasks, database backend) queues and runs the work; this model is what the pages
read: who asked for what, for which county and year, how far it has got, the Chinese message of a failure
and the result. It is the same on every backend, the immediate one of the tests included.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from junheng.web.orgs.models import Organisation

# A job that has neither finished nor moved for this long is taken as lost (its worker was stopped):
# the page says so and the button is enabled again.
LOST_AFTER = timedelta(minutes=10)


class Job(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", "自评报告"
        PLAN = "plan", "达标规划"
        STATISTICS = "statistics", "统计报表读取"

    class State(models.TextChoices):
        QUEUED = "queued", "排队等待"
        RUNNING = "running", "正在进行"
        DONE = "done", "已完成"
        FAILED = "failed", "未能完成"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    county = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(default=dict, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    stage = models.CharField(max_length=120, blank=True)
    step = models.PositiveSmallIntegerField(default=0)
    steps = models.PositiveSmallIntegerField(default=1)
    error = models.TextField(blank=True)
    # the file the user downloads (the report's zip, the plan's workbook), and what the page shows of a
    # result (the plan, pickled: it is this program's own object, read back by this program only)
    file = models.BinaryField(null=True, editable=False)
    file_name = models.CharField(max_length=200, blank=True)
    shown = models.BinaryField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "county", "year", "user", "-created_at"], name="job_latest")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.county_id} {self.year}：{self.get_state_display()}"

    @property
    def active(self) -> bool:
        """Queued or running, and not lost."""
        return self.state in (self.State.QUEUED, self.State.RUNNING) and not self.lost

    @property
    def lost(self) -> bool:
        """Unfinished and untouched for `LOST_AFTER`: its worker was stopped or never started."""
        unfinished = self.state in (self.State.QUEUED, self.State.RUNNING)
        return unfinished and timezone.now() - self.updated_at > LOST_AFTER

    @property
    def seconds(self) -> int:
        """Seconds since it was asked for, or that it took."""
        end = self.finished_at or timezone.now()
        return max(0, int((end - self.created_at).total_seconds()))
