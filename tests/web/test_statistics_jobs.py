"""A county's statistics files read by a background job (issue 13 §8): the upload only keeps the files and
queues the job; the page shows “正在读取第 n/N 个文件：名称” while the worker reads them, again after a
reload, then the preview; a crash says in Chinese what to do; only the user who uploaded sees the job.

tests/web/conftest.py runs jobs as they are queued; the tests here that take `database_queue` put them in
the real database queue and run them as its worker does (tests/web/test_jobs.py).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from junheng.web.collection import stats_jobs, stats_upload
from junheng.web.collection.models import Change, SchoolRecord
from junheng.web.jobs import services as jobs
from junheng.web.jobs import tasks
from junheng.web.jobs.models import Job
from junheng.web.jobs.tasks import run_job
from junheng.web.orgs.models import Membership, Role
from tests.stats.workbooks import truth
from tests.web.conftest import make_user
from tests.web.test_collection_views import YEAR, World, client_for, world
from tests.web.test_jobs import WITH_WORKER, database_queue, run_worker
from tests.web.test_statistics_import import POINT, SCHOOL, county_files, data_dir, office, sample

__all__ = ["data_dir", "database_queue", "office", "world"]  # fixtures shared with the other tests

NAMES = ["示范县实验小学.xlsx", "示范县第二小学.xlsx", "石桥乡西岭教学点.xlsx"]


def send(client: Client, world: World, files: list[SimpleUploadedFile]) -> str:
    """Upload the files; the address of the page that shows their reading and then the preview."""
    response = client.post(reverse("collection:statistics_upload", args=[world.tree.county.pk]),
                           {"year": YEAR, "files": files})  # fmt: skip
    assert response.status_code == 302
    return str(response["Location"])


def token(url: str) -> str:
    """The upload's token in the address of its page."""
    return url.rstrip("/").rsplit("/", 1)[1]


def status_url(job: Job) -> str:
    return reverse("jobs:status", args=[job.pk])


def watched(monkeypatch: pytest.MonkeyPatch, watch: Callable[[str], None]) -> None:
    """The job's real progress callback, and `watch` called after each step is recorded."""
    real = jobs.progress_of

    def progress_of(job: Job) -> jobs.Progress:
        step = real(job)

        def recorded(stage: str) -> None:
            step(stage)
            watch(stage)

        return recorded

    monkeypatch.setattr(jobs, "progress_of", progress_of)


def test_the_job_reports_each_file_it_reads_as_n_of_n_and_a_reload_shows_how_far_it_has_got(
    world: World, office: Client, tmp_path: Path, data_dir: Path, database_queue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = send(office, world, county_files(tmp_path))
    job = Job.objects.get()
    assert (job.kind, job.state, job.params) == ("statistics", "queued", {"token": token(url)})
    assert len(list(data_dir.iterdir())) == 1  # kept in the shared media folder until the worker reads them
    waiting = office.get(url).content.decode()
    assert "读取统计报表 · 2025 年度" in waiting and "排队等待" in waiting and "等待后台任务程序开始处理" in waiting
    assert f'data-job-status="/jobs/{job.pk}/status/" data-job-active="1"' in waiting
    assert 'value="cancel"' in waiting and 'value="confirm"' not in waiting

    stages: list[str] = []
    seen: dict[str, Any] = {}

    def watch(stage: str) -> None:
        stages.append(stage)
        if stage.startswith("正在读取第 2/3"):  # the county reloads the page while the second file is read
            seen["page"] = office.get(url).content.decode()
            seen["status"] = office.get(status_url(job)).json()

    watched(monkeypatch, watch)
    run_job.call(job.pk)  # what the worker runs
    assert stages == [
        "正在打开上传的文件",
        *(f"正在读取第 {n}/3 个文件：{name}" for n, name in enumerate(NAMES, start=1)),
        "正在汇总各校数据",
    ]
    during = seen["page"]
    assert "正在进行" in during and "正在读取第 2/3 个文件：示范县第二小学.xlsx" in during
    assert "data-job-step>" not in during  # the stage counts the files: no second count of steps beside it
    assert '<progress max="5" value="3">' in during and "可以离开或刷新本页" in during
    assert seen["status"] | {"seconds": 0} == {
        "state": "running",
        "label": "正在进行",
        "stage": "正在读取第 2/3 个文件：示范县第二小学.xlsx",
        "step": 3,
        "steps": 5,
        "seconds": 0,
        "error": "",
        "active": True,
    }
    done = office.get(status_url(job)).json()
    assert (done["state"], done["step"], done["steps"], done["active"]) == ("done", 5, 5, False)
    assert list(data_dir.iterdir()) == []  # read, then removed: what they gave is kept on the job
    page = office.get(url).content.decode()  # jobs.js loads the page again once the job is done
    assert "统计报表导入预览 · 2025 年度" in page and "示范县第二小学" in page and 'value="confirm"' in page


def county_card(client: Client, world: World) -> str:
    """The statistics card of the county's collection page."""
    page = client.get(reverse("collection:county", args=[world.tree.county.pk]), {"year": YEAR}).content.decode()
    return page[page.index('<section class="card" id="statistics">') :].split("</section>", 1)[0]


def test_the_county_page_leads_back_to_the_import_while_it_is_read_and_until_it_is_confirmed(
    world: World, office: Client, tmp_path: Path, database_queue: None
) -> None:
    assert "statistics-job" not in county_card(office, world)
    url = send(office, world, county_files(tmp_path))
    assert f'您上传的统计报表正在后台读取，尚未读完：\n    <a href="{url}">查看进度</a>' in county_card(office, world)
    run_job.call(Job.objects.get().pk)
    assert f'已读完，尚未确认导入：\n    <a href="{url}">查看预览并确认</a>' in county_card(office, world)
    colleague = client_for(make_user("colleague", world.tree.county, Role.COUNTY_OFFICE))
    assert "statistics-job" not in county_card(colleague, world)  # each sees their own
    office.post(url, {"action": "confirm", f"point-{POINT}": str(world.tree.school.pk)})
    assert "statistics-job" not in county_card(office, world)


def test_a_zip_is_counted_by_the_workbooks_in_it(
    world: World, office: Client, tmp_path: Path, database_queue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in [*county_files(tmp_path), SimpleUploadedFile("坏文件.xlsx", b"not a workbook")]:
            archive.writestr(str(file.name), file.read())
    url = send(office, world, [SimpleUploadedFile("全县统计.zip", buffer.getvalue())])
    job = Job.objects.get()
    assert job.steps == 3  # one file uploaded: the workbooks in it are counted once it is opened
    stages: list[str] = []
    watched(monkeypatch, stages.append)
    run_job.call(job.pk)
    assert stages[1:5] == [
        f"正在读取第 {n}/4 个文件：全县统计.zip!{name}" for n, name in enumerate([*NAMES, "坏文件.xlsx"], start=1)
    ]
    assert office.get(status_url(job)).json()["steps"] == 6
    # a broken workbook among them: named in the problems list as before, nothing can be stored
    page = office.get(url).content.decode()
    assert "<td>全县统计.zip!坏文件.xlsx</td><td>—</td><td>—</td><td>无法打开 Excel 工作簿" in page
    assert 'value="confirm" disabled' in page


def test_more_workbooks_than_a_county_has_are_refused_before_any_is_read(
    world: World, office: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stats_upload, "STATISTICS_WORKBOOKS", 2)
    page = office.get(send(office, world, county_files(tmp_path))).content.decode()
    assert "上传的文件中共有 3 个工作簿，超过上限 2 个（一个县的学校一般不超过数百所）" in page
    assert 'value="confirm" disabled' in page and "示范县第二小学</strong>" not in page
    assert "找不到统计年度" not in page  # nothing was read: the one problem is the one to fix
    assert Job.objects.get().steps == 2  # nothing read: opening the files, and the end


@WITH_WORKER
def test_upload_then_the_worker_reads_then_the_preview_then_confirm_stores_it_audited(
    world: World, office: Client, tmp_path: Path, database_queue: None
) -> None:
    url = send(office, world, county_files(tmp_path))
    assert DBTaskResult.objects.get().status == "READY"
    assert SchoolRecord.objects.get(school=world.tree.school, year=YEAR).values()["students_primary"] is None
    run_worker()  # the worker `junheng serve` starts beside the server
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    preview = office.get(url).content.decode()
    assert "统计报表导入预览 · 2025 年度" in preview and "尚未保存任何数据" in preview
    assert not Change.objects.filter(action=Change.Action.STATISTICS).exists()
    confirmed = office.post(url, {"action": "confirm", f"point-{POINT}": str(world.tree.school.pk)}, follow=True)
    assert "已从统计报表导入 2 所学校的 2025 年度数据" in confirmed.content.decode()
    record = SchoolRecord.objects.get(school=world.tree.school, year=YEAR)
    assert (
        record.values()["students_primary"]
        == truth(sample(SCHOOL))["students_primary"] + truth(sample(POINT))["students_primary"]
    )
    assert Change.objects.filter(record=record, action=Change.Action.STATISTICS).exists()
    assert not Job.objects.exists()  # the import is over: its reading goes
    assert office.get(url).status_code == 404


def breaking(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    """The real reading, with a defect that strikes while the second file is read."""

    def stage(text: str) -> None:
        progress(text)
        if text.startswith("正在读取第 2/"):
            raise ZeroDivisionError("division by zero")

    return stats_jobs.read_job(job, stage)


def test_a_reading_that_breaks_says_what_to_do_in_chinese_and_removes_the_files(
    world: World,
    office: Client,
    tmp_path: Path,
    data_dir: Path,
    database_queue: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setitem(tasks.RUNNERS, Job.Kind.STATISTICS, f"{__name__}.breaking")
    url = send(office, world, county_files(tmp_path))
    with pytest.raises(ZeroDivisionError):
        run_job.call(Job.objects.get().pk)
    page = office.get(url).content.decode()
    assert f"统计报表读取未能完成：{jobs.UNFORESEEN}" in page
    assert (
        "未保存任何数据。请回到" in page
        and f'href="/collection/county/{world.tree.county.pk}/?year={YEAR}#statistics"' in page
    )
    assert "如再次出错，请把出错的时间和这些统计报表文件交给系统管理员" in page
    assert "Traceback" not in page and "ZeroDivisionError" not in page and 'value="confirm"' not in page
    assert "ZeroDivisionError" in caplog.text  # logged for the administrator
    assert list(data_dir.iterdir()) == []
    assert not SchoolRecord.objects.exclude(students_primary=None).exists()


def test_a_reading_queued_before_the_user_lost_the_county_fails_saying_so_and_removes_the_files(
    world: World, office: Client, tmp_path: Path, data_dir: Path, database_queue: None
) -> None:
    send(office, world, county_files(tmp_path))
    Membership.objects.filter(user=world.users[Role.COUNTY_OFFICE]).update(organisation=world.tree.other_county)
    run_job.call(Job.objects.get().pk)
    assert (Job.objects.get().state, Job.objects.get().error) == ("failed", tasks.OUT_OF_REACH)
    assert list(data_dir.iterdir()) == []


def test_a_reading_whose_worker_stopped_is_said_to_be_interrupted_and_can_be_cancelled(
    world: World, office: Client, tmp_path: Path, data_dir: Path, database_queue: None
) -> None:
    url = send(office, world, county_files(tmp_path))
    Job.objects.update(updated_at=timezone.now() - timedelta(minutes=11))
    page = office.get(url).content.decode()
    assert "统计报表读取：后台任务已中断（任务程序可能已停止或重启），请重新开始。" in page
    assert 'value="cancel"' in page
    response = office.post(url, {"action": "cancel"}, follow=True)
    assert "已取消导入，上传的统计报表已删除，未保存任何数据" in response.content.decode()
    assert not Job.objects.exists() and list(data_dir.iterdir()) == []


def test_cancelling_while_it_waits_removes_the_files_and_the_worker_skips_it(
    world: World, office: Client, tmp_path: Path, data_dir: Path, database_queue: None
) -> None:
    url = send(office, world, county_files(tmp_path))
    job = Job.objects.get()
    office.post(url, {"action": "cancel"})
    assert not Job.objects.exists() and list(data_dir.iterdir()) == []
    run_job.call(job.pk)  # the queued task finds nothing to do
    assert office.get(url).status_code == 404


def test_a_second_upload_while_the_first_is_read_keeps_nothing_and_shows_the_first(
    world: World, office: Client, tmp_path: Path, data_dir: Path, database_queue: None
) -> None:
    first = send(office, world, county_files(tmp_path / "first"))
    response = office.post(reverse("collection:statistics_upload", args=[world.tree.county.pk]),
                           {"year": YEAR, "files": county_files(tmp_path / "second")}, follow=True)  # fmt: skip
    assert response.redirect_chain[-1][0] == first
    assert stats_jobs.BUSY in response.content.decode()
    assert Job.objects.count() == 1 and len(list(data_dir.iterdir())) == 1


def test_a_new_upload_replaces_the_previous_import_and_its_files(
    world: World, office: Client, tmp_path: Path, data_dir: Path, database_queue: None
) -> None:
    first = send(office, world, county_files(tmp_path / "first"))
    Job.objects.update(updated_at=timezone.now() - timedelta(minutes=11))  # never read: its worker stopped
    second = send(office, world, county_files(tmp_path / "second"))
    assert second != first and Job.objects.count() == 1
    assert [p.name for p in data_dir.iterdir()] == [f"{world.tree.county.pk}-{token(second)}"]
    assert office.get(first).status_code == 404


def test_a_reading_left_unconfirmed_for_a_day_is_removed_at_the_next_upload(
    world: World, office: Client, tmp_path: Path
) -> None:
    first = send(office, world, county_files(tmp_path / "first"))  # read at once (tests/web/conftest.py)
    Job.objects.update(updated_at=timezone.now() - timedelta(days=1, minutes=1))
    colleague = client_for(make_user("colleague", world.tree.county, Role.COUNTY_OFFICE))
    send(colleague, world, county_files(tmp_path / "second"))
    assert office.get(first).status_code == 404
    assert list(Job.objects.values_list("user__username", flat=True)) == ["colleague"]


def test_only_the_user_who_uploaded_sees_the_reading_and_its_preview(
    world: World, office: Client, tmp_path: Path, database_queue: None
) -> None:
    url = send(office, world, county_files(tmp_path))
    job = Job.objects.get()
    colleague = client_for(make_user("colleague", world.tree.county, Role.COUNTY_OFFICE))
    neighbour = client_for(make_user("neighbour", world.tree.other_county, Role.COUNTY_OFFICE))
    supervisor = client_for(world.users[Role.SUPERVISOR])
    for client, status in ((colleague, 404), (neighbour, 404), (supervisor, 403)):
        assert client.get(url).status_code == status
        assert client.post(url, {"action": "cancel"}).status_code == status
        assert client.get(status_url(job)).status_code == 404
    elsewhere = url.replace(f"/county/{world.tree.county.pk}/", f"/county/{world.tree.other_county.pk}/")
    assert office.get(elsewhere).status_code == 404
    run_job.call(job.pk)
    for client, status in ((colleague, 404), (neighbour, 404), (supervisor, 403)):
        assert client.get(url).status_code == status
        assert client.post(url, {"action": "confirm"}).status_code == status
    assert Job.objects.get().state == "done"
    assert not Change.objects.filter(action=Change.Action.STATISTICS).exists()
