"""Long work as background jobs (issue 12 §4): the report queued in the database, run by the real worker,
shown before, during and after, after a reload, and a failure in Chinese.

tests/web/conftest.py makes jobs run as they are queued; the tests here that say so use the real database
queue (django-tasks-db) and run its worker, `db_worker`, in this process.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from junheng.web.jobs import services as jobs
from junheng.web.jobs import tasks
from junheng.web.jobs.models import Job
from junheng.web.jobs.tasks import run_job
from junheng.web.orgs.models import Membership, Role
from tests.web import test_report_views
from tests.web.conftest import Tree, make_user
from tests.web.test_assessment_services import PASSING, YEAR

# the report tests' county year (passing school data, judgements, vetoes, survey), as fixtures here too
prepare, survey_rate = test_report_views.prepare, test_report_views.survey_rate

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings: Any) -> None:
    """Jobs go into the real queue in the database and wait there for the worker."""
    settings.TASKS = DATABASE_TASKS


# The worker commits as it claims and finishes a job (and closes a connection left inside a transaction):
# the tests that run it commit too.
WITH_WORKER = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    """The worker `junheng demo` and `junheng serve` start, run here until the queue is empty."""
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)


def county_page(client: Client, tree: Tree) -> str:
    return client.get(f"/assessment/county/{tree.county.pk}/?year={YEAR}").content.decode()


def report_button(page: str) -> str:
    found = re.search(r'<form [^>]*id="report".*?</form>', page, re.S)
    assert found is not None
    return found.group(0)


def office_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@WITH_WORKER
def test_the_report_waits_in_the_queue_then_the_worker_makes_it_and_the_page_shows_it(
    tree: Tree, prepare: Callable[[int, dict[str, Any]], User], database_queue: None
) -> None:
    client = office_client(prepare(YEAR, PASSING))
    before = county_page(client, tree)
    assert "一键生成自评报告" in report_button(before) and "disabled" not in report_button(before)
    assert "data-job-status" not in before

    response = client.post(f"/assessment/county/{tree.county.pk}/{YEAR}/report/")
    assert response.status_code == 302 and response["Location"].endswith(f"?year={YEAR}#report")
    job = Job.objects.get()
    assert DBTaskResult.objects.get().status == "READY"
    during = county_page(client, tree)  # a reload while it waits
    assert "disabled" in report_button(during) and "正在生成自评报告…" in report_button(during)
    assert f'data-job-status="/jobs/{job.pk}/status/" data-job-active="1"' in during
    assert "排队等待" in during and "等待后台任务程序开始处理" in during and "junheng/jobs.js" in during
    status = client.get(f"/jobs/{job.pk}/status/").json()
    assert status | {"seconds": 0} == {
        "state": "queued",
        "label": "排队等待",
        "stage": "",
        "step": 0,
        "steps": 4,
        "seconds": 0,
        "error": "",
        "active": True,
    }

    run_worker()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    after = county_page(client, tree)  # the page loaded again, as jobs.js does when the job is done
    assert "重新生成自评报告" in report_button(after) and "disabled" not in report_button(after)
    assert "自评报告已于" in after and f'href="/jobs/{job.pk}/download/"' in after
    status = client.get(f"/jobs/{job.pk}/status/").json()
    assert (status["state"], status["step"], status["active"]) == ("done", 4, False)
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["docx", "pdf", "xlsx"]


@WITH_WORKER
def test_asking_again_while_it_waits_queues_nothing_more(
    tree: Tree, prepare: Callable[[int, dict[str, Any]], User], database_queue: None
) -> None:
    client = office_client(prepare(YEAR, PASSING))
    for _ in range(2):
        client.post(f"/assessment/county/{tree.county.pk}/{YEAR}/report/")
    assert (Job.objects.count(), DBTaskResult.objects.count()) == (1, 1)
    run_worker()
    client.post(f"/assessment/county/{tree.county.pk}/{YEAR}/report/")  # done: a new one replaces it
    assert Job.objects.get().state == "queued"


def test_a_job_untouched_for_long_is_said_to_be_interrupted_and_can_be_started_again(
    tree: Tree, prepare: Callable[[int, dict[str, Any]], User], database_queue: None
) -> None:
    client = office_client(prepare(YEAR, PASSING))
    client.post(f"/assessment/county/{tree.county.pk}/{YEAR}/report/")
    Job.objects.update(updated_at=timezone.now() - timedelta(minutes=11))  # its worker was stopped
    page = county_page(client, tree)
    assert "后台任务已中断" in page and "disabled" not in report_button(page)
    assert client.get(f"/jobs/{Job.objects.get().pk}/status/").json()["error"] == jobs.LOST
    client.post(f"/assessment/county/{tree.county.pk}/{YEAR}/report/")
    assert Job.objects.get().state == "queued" and DBTaskResult.objects.count() == 2


def broken_runner(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    """A runner with a defect: the worker must not show its traceback to the user."""
    progress("正在汇总评估结果与整改台账")
    raise ZeroDivisionError("division by zero")


@WITH_WORKER
def test_a_job_that_breaks_shows_a_chinese_message_and_no_traceback(
    tree: Tree,
    prepare: Callable[[int, dict[str, Any]], User],
    database_queue: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setitem(tasks.RUNNERS, Job.Kind.REPORT, f"{__name__}.broken_runner")
    client = office_client(prepare(YEAR, PASSING))
    client.post(f"/assessment/county/{tree.county.pk}/{YEAR}/report/")
    run_worker()
    assert DBTaskResult.objects.get().status == "FAILED"
    page = county_page(client, tree)
    assert f"自评报告未能完成：{jobs.UNFORESEEN}" in page
    assert "Traceback" not in page and "ZeroDivisionError" not in page
    assert "disabled" not in report_button(page)
    job = Job.objects.get()
    assert client.get(f"/jobs/{job.pk}/status/").json()["error"] == jobs.UNFORESEEN
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert "ZeroDivisionError" in caplog.text  # the traceback is logged for the administrator


def test_a_plan_that_cannot_be_made_says_why_in_chinese(client: Client, tree: Tree, users: dict[str, User]) -> None:
    from junheng.web.collection.models import SchoolRecord
    from tests.web.test_planning import figures, plan_url

    SchoolRecord.objects.create(school=tree.school, year=2025, **figures(200))
    SchoolRecord.objects.create(school=tree.other_school, year=2025, **(figures(300) | {"sports_area_m2": None}))
    client.force_login(users[Role.COUNTY_OFFICE])
    page = client.post(plan_url(tree.county), {"budget": ""}, follow=True)
    job = page.context["job"]
    assert job.state == "failed"
    assert "达标规划未能完成：示范县第二小学 2025 年度的体育运动场馆面积" in page.content.decode()
    assert "无法制定规划" in job.error and "plan" not in page.context


def test_a_report_queued_before_the_user_lost_the_county_fails_saying_so(
    tree: Tree, prepare: Callable[[int, dict[str, Any]], User], database_queue: None
) -> None:
    office = prepare(YEAR, PASSING)
    office_client(office).post(f"/assessment/county/{tree.county.pk}/{YEAR}/report/")
    Membership.objects.filter(user=office).update(organisation=tree.other_county)  # moved to the neighbour
    run_job.call(Job.objects.get().pk)  # what the worker runs
    job = Job.objects.get()
    assert (job.state, job.error) == ("failed", tasks.OUT_OF_REACH)


def test_only_the_user_who_started_a_job_reads_its_progress_and_file(
    tree: Tree, users: dict[str, User], prepare: Callable[[int, dict[str, Any]], User]
) -> None:
    office = prepare(YEAR, PASSING)
    office_client(office).post(f"/assessment/county/{tree.county.pk}/{YEAR}/report/")
    job = Job.objects.get()
    colleague = office_client(make_user("colleague", tree.county, Role.COUNTY_OFFICE))
    neighbour = office_client(make_user("neighbour", tree.other_county, Role.COUNTY_OFFICE))
    for client in (colleague, neighbour, office_client(users[Role.SUPERVISOR])):
        assert client.get(f"/jobs/{job.pk}/status/").status_code == 404
        assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert "data-job-status" not in county_page(colleague, tree)  # each user sees their own report job
