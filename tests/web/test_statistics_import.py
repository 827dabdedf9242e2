"""The county's import of its education-statistics workbooks into a round (issue 13 §5, §7): a preview
of every school's figures with their cells, nothing stored until the county confirms, the clerks then
asked only for what is missing, a second import showing old → new, teaching points' choices remembered."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from junheng.io.reader import read_school_file
from junheng.standards import load_standard
from junheng.web.collection import services, stats_upload
from junheng.web.collection.models import Change, Round, SchoolRecord, StatisticsFigures, TeachingPoint
from junheng.web.jobs.models import Job
from junheng.web.orgs.models import Organisation, Role
from tests.stats.wide_workbooks import wide_workbooks
from tests.stats.workbooks import school_workbook, truth
from tests.web.test_collection_views import YEAR, World, client_for, world

__all__ = ["world"]  # a fixture shared with the views' tests

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "junheng" / "samples" / "sample-county.csv"
SCHOOL, OTHER, POINT, NEIGHBOUR = "4521010001", "4521010002", "4521010008", "4521020001"


def sample(code: str, year: int = YEAR, **changed: Any) -> dict[str, Any]:
    """The sample county's record of a school (its 学校标识码 is the test tree's), for `year`."""
    table = read_school_file(SAMPLE, load_standard("national-2017")).drop("row")
    row = next(r for r in table.iter_rows(named=True) if r["school_id"] == code)
    return {**row, "year": year, **changed}


def workbook(record: dict[str, Any], tmp_path: Path, year: int = YEAR) -> SimpleUploadedFile:
    """The school's statistics workbook (教基 tables, numbers as text) as uploaded."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / f"{record['school_id']}-{year}.xlsx"
    school_workbook(path, record, "jiaoji", year=year)
    return SimpleUploadedFile(f"{record['school_name']}.xlsx", path.read_bytes())


def county_files(tmp_path: Path, year: int = YEAR, **other: Any) -> list[SimpleUploadedFile]:
    """The two schools of the tree and a teaching point the statistics do not count as a school."""
    return [workbook(sample(code, year, **(other if code == OTHER else {})), tmp_path, year)
            for code in (SCHOOL, OTHER, POINT)]  # fmt: skip


def upload(client: Client, world: World, files: list[SimpleUploadedFile], year: int = YEAR) -> Any:
    url = reverse("collection:statistics_upload", args=[world.tree.county.pk])
    return client.post(url, {"year": year, "files": files}, follow=True)


def post(client: Client, response: Any, action: str, **choices: str) -> Any:
    """Post the preview page's form with `action` and teaching-point choices (学校标识码 → value)."""
    data = {"action": action, **{f"point-{code}": value for code, value in choices.items()}}
    return client.post(response.redirect_chain[-1][0], data, follow=True)


@pytest.fixture
def office(world: World) -> Client:
    return client_for(world.users[Role.COUNTY_OFFICE])


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    return tmp_path / "data" / "media" / "statistics-uploads"


def text(response: Any) -> str:
    return str(response.content.decode())


def stored(world: World, code: str) -> SchoolRecord:
    return SchoolRecord.objects.get(school__code=code, year=YEAR)


def test_the_preview_lists_every_school_with_its_figures_sources_and_what_is_missing_and_stores_nothing(
    world: World, office: Client, tmp_path: Path, data_dir: Path
) -> None:
    response = upload(office, world, county_files(tmp_path))
    page = text(response)
    assert response.status_code == 200 and "统计报表导入预览 · 2025 年度" in page
    assert "示范县实验小学" in page and "示范县第二小学" in page
    first = truth(sample(SCHOOL))
    assert f"{first['students_primary']:,}" in page
    # the source of 在校生数 on click: file, sheet, cell, row and column labels, raw text
    assert "<dt>文件</dt><dd>示范县实验小学.xlsx</dd><dt>工作表</dt><dd>教基3112</dd>" in page
    assert "<dt>行</dt><dd>" in page and "<dt>原始值</dt><dd>" in page
    assert "待补填" in page and "<strong>音乐专用教室数</strong>：" in page
    # the teaching point is not in the tree: the county must choose its school before anything is stored
    assert "教学点“石桥乡西岭教学点”（4521010008）不在本县学校名单中：请在下方选择它并入的学校" in page
    assert 'value="confirm" disabled' in page
    assert stored(world, SCHOOL).values()["students_primary"] is None
    assert not Change.objects.filter(action=Change.Action.STATISTICS).exists()
    # the files were kept in the shared media folder, not in the session, until the job read them; what they
    # gave is kept on the job, and they are gone
    assert list(data_dir.iterdir()) == []
    assert Job.objects.get(kind=Job.Kind.STATISTICS).state == Job.State.DONE


def test_confirming_stores_every_figure_audited_and_asks_each_clerk_only_for_the_missing_ones(
    world: World, office: Client, tmp_path: Path, data_dir: Path
) -> None:
    preview = upload(office, world, county_files(tmp_path))
    school = world.tree.school
    response = post(office, preview, "confirm", **{POINT: str(school.pk)})
    assert response.redirect_chain[-1][0].endswith(f"?year={YEAR}")
    assert "已从统计报表导入 2 所学校的 2025 年度数据" in messages_of(response)[0]
    first, point, other = truth(sample(SCHOOL)), truth(sample(POINT)), truth(sample(OTHER))
    record = stored(world, SCHOOL)
    # the teaching point's pupils and books are counted with the school it was merged into
    assert record.values()["students_primary"] == first["students_primary"] + point["students_primary"]
    assert record.values()["books"] == first["books"] + point["books"]
    assert stored(world, OTHER).values()["students_primary"] == other["students_primary"]
    assert record.values()["music_rooms"] is None and record.awaiting_confirmation
    change = Change.objects.get(record=record, field="students_primary")
    assert (change.action, change.old, change.user) == ("statistics", "", world.users[Role.COUNTY_OFFICE])
    assert change.reason.startswith("从 2025/2026 学年初教育事业统计导入（示范县实验小学.xlsx、")
    assert StatisticsFigures.objects.get(record=record).sources["students_primary"][0]["sheet"] == "教基3112"
    assert list(data_dir.iterdir()) == []
    choice = TeachingPoint.objects.get(county=world.tree.county, code=POINT)
    assert (choice.parent, choice.year, choice.name) == (school, YEAR, "石桥乡西岭教学点")
    # the clerk's form marks only what the statistics did not give; saving it confirms the rest
    clerk = client_for(world.users[Role.CLERK])
    form = text(clerk.get(reverse("collection:school", args=[school.pk]), {"year": YEAR}))
    assert "本表的数据已由县级督导室从 2025/2026 学年初的教育事业统计报表导入" in form
    assert 'data-to-fill-for="music_rooms"' in form and 'data-to-fill-for="students_primary"' not in form
    tracker = text(office.get(reverse("collection:county", args=[world.tree.county.pk]), {"year": YEAR}))
    assert tracker.count('<span class="carried">统计导入待确认</span>') == 2
    history = text(office.get(reverse("collection:history", args=[school.pk]), {"year": YEAR}))
    assert "<td>从教育统计导入</td>" in history


def test_a_second_import_of_corrected_files_shows_old_and_new_values_before_storing(
    world: World, office: Client, tmp_path: Path
) -> None:
    first = upload(office, world, county_files(tmp_path))
    post(office, first, "confirm", **{POINT: str(world.tree.school.pk)})
    before = stored(world, OTHER).values()["students_primary"]
    assert before is not None
    corrected = upload(office, world, county_files(tmp_path / "corrected", students_primary=before + 12))
    page = text(corrected)
    assert "与已保存数据相比将修改的数据" in page
    assert f'<td>小学在校生数（人）</td><td class="num old">{before:,}</td><td class="num">{before + 12:,}</td>' in page
    assert "沿用 2025 年度的选择" in page  # the teaching point's choice need not be made again
    assert stored(world, OTHER).values()["students_primary"] == before  # nothing stored yet
    post(office, corrected, "confirm")
    assert stored(world, OTHER).values()["students_primary"] == before + 12
    change = Change.objects.filter(record=stored(world, OTHER), field="students_primary").first()
    assert change is not None and (change.old, change.new) == (str(before), str(before + 12))


def test_the_teaching_points_choice_is_applied_the_next_year(world: World, office: Client, tmp_path: Path) -> None:
    post(office, upload(office, world, county_files(tmp_path)), "confirm", **{POINT: str(world.tree.school.pk)})
    services.open_round(user=world.users[Role.COUNTY_OFFICE], county_id=world.tree.county.pk, year=YEAR + 1)
    next_year = upload(office, world, county_files(tmp_path / "next", YEAR + 1), YEAR + 1)
    assert "沿用 2025 年度的选择" in text(next_year)
    post(office, next_year, "confirm")  # no choice posted: the stored one applies
    record = SchoolRecord.objects.get(school=world.tree.school, year=YEAR + 1)
    point = truth(sample(POINT))
    assert record.values()["students_primary"] == truth(sample(SCHOOL))["students_primary"] + point["students_primary"]


def test_keeping_a_teaching_point_that_is_not_in_the_tree_stores_nothing(
    world: World, office: Client, tmp_path: Path
) -> None:
    response = post(office, upload(office, world, county_files(tmp_path)), "confirm", **{POINT: "keep"})
    assert "选择了单独保留，但它不在本县学校名单中" in text(response)
    assert "未保存任何数据" in str(next(iter(response.context["messages"])))
    assert stored(world, SCHOOL).values()["students_primary"] is None
    assert not TeachingPoint.objects.exists()


def test_only_the_county_office_of_the_county_may_import(world: World, tmp_path: Path) -> None:
    url = reverse("collection:statistics_upload", args=[world.tree.county.pk])
    for role, status in ((Role.CLERK, 404), (Role.SUPERVISOR, 403), (Role.OBSERVER, 403)):
        files = county_files(tmp_path / role)
        assert client_for(world.users[role]).post(url, {"year": YEAR, "files": files}).status_code == status, role
    office = client_for(world.users[Role.COUNTY_OFFICE])
    preview = upload(office, world, county_files(tmp_path / "office"))
    token_url = preview.redirect_chain[-1][0]
    supervisor = client_for(world.users[Role.SUPERVISOR])
    assert supervisor.post(token_url, {"action": "confirm"}).status_code == 403
    far = reverse("collection:statistics_upload", args=[world.far_county.pk])
    assert office.post(far, {"year": YEAR, "files": county_files(tmp_path / "far")}).status_code == 404
    other = token_url.replace(f"/county/{world.tree.county.pk}/", f"/county/{world.tree.other_county.pk}/")
    assert office.get(other).status_code == 404
    assert not Change.objects.filter(action=Change.Action.STATISTICS).exists()


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_broken_workbook_is_named_and_nothing_is_stored(world: World, office: Client, tmp_path: Path) -> None:
    files = [*county_files(tmp_path), SimpleUploadedFile("坏文件.xlsx", b"not a workbook")]
    page = text(upload(office, world, files))
    assert "<td>坏文件.xlsx</td><td>—</td><td>—</td><td>无法打开 Excel 工作簿" in page
    assert 'value="confirm" disabled' in page


def test_statistics_of_another_year_are_refused(world: World, office: Client, tmp_path: Path) -> None:
    page = text(upload(office, world, county_files(tmp_path, YEAR - 1)))
    assert "这些统计报表是 2024/2025 学年初的统计，本次导入的是 2025 年度" in page
    response = office.post(upload(office, world, county_files(tmp_path / "b", YEAR - 1)).redirect_chain[-1][0],
                           {"action": "confirm", f"point-{POINT}": str(world.tree.school.pk)}, follow=True)  # fmt: skip
    assert "未保存任何数据" in messages_of(response)[0]
    assert stored(world, SCHOOL).values()["students_primary"] is None


def test_an_oversized_file_is_refused_before_it_is_kept(
    world: World, office: Client, tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stats_upload, "STATISTICS_FILE_BYTES", 1000)
    response = upload(office, world, county_files(tmp_path))
    assert messages_of(response)[0].startswith("“示范县实验小学.xlsx”文件过大（")
    assert "超过上限 0" in messages_of(response)[0]
    assert not data_dir.exists() or list(data_dir.iterdir()) == []


def test_a_school_not_in_the_countys_tree_stops_the_import(world: World, office: Client, tmp_path: Path) -> None:
    files = [*county_files(tmp_path), workbook(sample(NEIGHBOUR), tmp_path)]
    response = upload(office, world, files)
    page = text(response)
    assert "示范县第一初级中学的学校标识码“4521020001”不是示范县的学校" in page
    confirmed = post(office, response, "confirm", **{POINT: str(world.tree.school.pk)})
    assert "未保存任何数据" in messages_of(confirmed)[0]
    assert stored(world, SCHOOL).values()["students_primary"] is None


def test_a_zip_of_the_countys_workbooks_is_read_like_the_files(world: World, office: Client, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in county_files(tmp_path):
            archive.writestr(str(file.name), file.read())
    response = upload(office, world, [SimpleUploadedFile("全县统计.zip", buffer.getvalue())])
    assert "<dd>全县统计.zip!示范县第二小学.xlsx</dd>" in text(response)


def test_no_round_open_no_import(world: World, office: Client, tmp_path: Path) -> None:
    Round.objects.filter(county=world.tree.county).update(status=Round.Status.CLOSED)
    response = upload(office, world, county_files(tmp_path))
    assert messages_of(response) == ["2025 年度的填报任务未发布或已结束；请先发布该年度的填报任务，再导入统计报表"]


def test_confirming_takes_the_same_number_of_queries_for_one_school_or_more(
    world: World, office: Client, tmp_path: Path
) -> None:
    counts = []
    for folder, codes in (("one", (SCHOOL,)), ("two", (SCHOOL, OTHER))):
        preview = upload(office, world, [workbook(sample(code), tmp_path / folder) for code in codes])
        with CaptureQueriesContext(connection) as queries:
            response = post(office, preview, "confirm")
        assert f"已从统计报表导入 {len(codes)} 所学校" in messages_of(response)[0]
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_teaching_point_in_the_tree_kept_as_such_gets_its_own_record(
    world: World, office: Client, tmp_path: Path
) -> None:
    Organisation.objects.create(kind="school", name="石桥乡西岭教学点", code=POINT, parent=world.tree.county)
    preview = upload(office, world, county_files(tmp_path))
    assert 'value="confirm" disabled' not in text(preview)  # kept by default: it is a school of the county
    post(office, preview, "confirm")
    assert stored(world, POINT).values()["students_primary"] == truth(sample(POINT))["students_primary"]
    assert stored(world, SCHOOL).values()["students_primary"] == truth(sample(SCHOOL))["students_primary"]
    assert TeachingPoint.objects.get(code=POINT).parent is None


def test_an_approved_record_is_not_overwritten(world: World, office: Client, tmp_path: Path) -> None:
    SchoolRecord.objects.filter(school=world.tree.other_school, year=YEAR).update(status=SchoolRecord.Status.APPROVED)
    preview = upload(office, world, county_files(tmp_path))
    assert "示范县第二小学的 2025 年度数据已审核锁定，不能覆盖" in text(preview)
    response = post(office, preview, "confirm", **{POINT: str(world.tree.school.pk)})
    assert "未保存任何数据" in messages_of(response)[0]
    assert stored(world, SCHOOL).values()["students_primary"] is None


def test_a_countys_wide_export_is_read_like_the_per_school_workbooks(
    world: World, office: Client, tmp_path: Path
) -> None:
    records = [sample(code) for code in (SCHOOL, OTHER, POINT)]
    paths = wide_workbooks(tmp_path, records, "jiaoji", year=YEAR)
    files = [SimpleUploadedFile(path.name, path.read_bytes()) for path in paths]
    preview = upload(office, world, files)
    point = truth(sample(POINT))
    assert f'<td>石桥乡西岭教学点</td><td>{POINT}</td><td class="num">{point["students_primary"]:,}</td>' in text(
        preview
    )
    post(office, preview, "confirm", **{POINT: str(world.tree.other_school.pk)})
    other = truth(sample(OTHER))
    assert stored(world, OTHER).values()["students_primary"] == other["students_primary"] + point["students_primary"]


def test_cancelling_forgets_the_files_and_stores_nothing(
    world: World, office: Client, tmp_path: Path, data_dir: Path
) -> None:
    preview = upload(office, world, county_files(tmp_path))
    response = post(office, preview, "cancel")
    assert messages_of(response) == ["已取消导入，上传的统计报表已删除，未保存任何数据"]
    assert list(data_dir.iterdir()) == []
    assert office.get(preview.redirect_chain[-1][0]).status_code == 404
    assert stored(world, SCHOOL).values()["students_primary"] is None
