"""The evaluation's services, standard.md §1, §5–§7: hand-worked county figures, judgements, vetoes, assessment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from junheng.assessment import Assessment, State, Tally
from junheng.web.assessment import services
from junheng.web.assessment.models import CountyFigures, Evidence, Judgement
from junheng.web.collection import services as collection
from junheng.web.collection.models import SchoolRecord
from junheng.web.orgs.models import Role
from tests.web.conftest import Tree
from tests.web.test_services import FIGURES

YEAR = 2025

# Two identical schools: resource allocation passes (every CV is 0) and G3–G5 pass at their edges:
# 12 classes need exactly one room of each kind, rooms of exactly 96 and 90 ㎡, classes of 42 (≤ 45).
SCHOOL_FIGURES: dict[str, Any] = FIGURES | {
    "classes_primary": 12,
    "music_rooms": 1,
    "art_rooms": 1,
    "music_room_min_area_m2": 96,
    "art_room_min_area_m2": 90,
    "max_class_size_primary": 42,
}

# Every county figure passing its check, worked by hand (ratio → threshold):
PASSING: dict[str, Any] = {
    "small_schools_funded_as_minimum": True,  # G6 是
    "special_school_operating_funds": 700000,  # G7 7000 元 ≥ 6000 元
    "special_school_students": 100,
    "teacher_average_pay": 100000,  # G8 100000 / 95000 = 1.053 ≥ 1
    "civil_servant_average_pay": 95000,
    "performance_pay_fully_set": True,
    "teachers_completed_360_hours": 200,  # G9 100 %
    "teachers_due_360_hours": 200,
    "teachers_rotated": 30,  # G11 30 / 200 = 15 % ≥ 10 %; backbone 10 / 30 = 33 % ≥ 20 %
    "teachers_eligible_for_rotation": 200,
    "backbone_teachers_rotated": 10,
    "licensed_full_time_teachers": 400,  # G12 100 %
    "full_time_teachers": 400,
    "primary_zoned_admissions": 300,  # G13 primary 100 %, junior exactly 95 %
    "primary_admissions": 300,
    "junior_zoned_admissions": 95,
    "junior_admissions": 100,
    "quota_places_allocated_to_junior_schools": 60,  # G14 60 % ≥ 50 %
    "quality_high_school_places": 100,
    "left_behind_children_care_system": True,  # G15 是, 90 % ≥ 85 %
    "migrant_children_in_public_places": 90,
    "eligible_migrant_children": 100,
    "junior_graduates": 96,  # Q1 96 % ≥ 95 %
    "junior_entrants_three_years_earlier": 100,
    "disabled_children_enrolled": 19,  # Q2 19 / 20 = exactly 95 %
    "disabled_children": 20,
    "lowest_school_training_funds": 6000,  # Q4 6 % ≥ 5 %
    "lowest_school_operating_budget": 100000,
    "monitoring_subjects_at_level_3": True,  # Q9 是, 0.12 < 0.15
    "monitoring_difference_rate": 0.12,
}
JUDGEMENT_ITEMS = ["G1", "G2", "G10", "Q3", "Q5", "Q6", "Q7", "Q8"]
VETOES = [
    "exam_admission",
    "illegal_school_choice",
    "key_schools_or_classes",
    "unfilled_posts",
    "major_safety_accident",
    "falsified_data",
]


def tally(rate: float | None, return_rate: float = 0.8) -> Tally:
    """A survey's answers pooled, with the given recognition rate (over 100 valid answers) and return rate."""
    counted = 0 if rate is None else round(rate * 100)
    answers = {} if rate is None else {"满意": counted, "不满意": 100 - counted}
    return Tally(100, round(return_rate * 100), answers)


@pytest.fixture
def recognition(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """The survey's answers for the assessment (the survey app's own tests store real answers)."""

    def install(rate: float | None, return_rate: float = 0.8) -> None:
        monkeypatch.setattr(services, "survey_tally", lambda *, county, year: tally(rate, return_rate))

    install(0.9)
    return install


@pytest.fixture
def passing(tree: Tree, users: dict[str, User], recognition: Callable[..., None]) -> User:
    """The county with school data, county figures, judgements and veto checks that all pass; its office."""
    admin = User.objects.create_superuser("admin")
    collection.open_round(user=admin, county_id=tree.county.pk, year=YEAR)
    for record in SchoolRecord.objects.filter(school__parent=tree.county):
        collection.update_record(user=admin, record=record, values=SCHOOL_FIGURES)
    office = users[Role.COUNTY_OFFICE]
    services.save_county_figures(user=office, county_id=tree.county.pk, year=YEAR, figures=PASSING)
    for item in JUDGEMENT_ITEMS:
        services.record_judgement(user=office, county_id=tree.county.pk, year=YEAR, item_id=item, passed=True)
    for key in VETOES:
        services.set_veto_check(user=office, county_id=tree.county.pk, year=YEAR, key=key, applies=False)
    return office


def verdict_of(tree: Tree, user: User) -> Assessment:
    return services.county_assessment(user=user, county_id=tree.county.pk, year=YEAR)


def dimension(verdict: Assessment, key: str) -> Any:
    return next(d for d in verdict.dimensions if d.key == key)


def item(verdict: Assessment, item_id: str) -> Any:
    return next(i for d in verdict.dimensions for i in d.items if i.id == item_id)


def test_a_county_meeting_everything_passes(tree: Tree, passing: User) -> None:
    verdict = verdict_of(tree, passing)
    assert [(d.name, d.state) for d in verdict.dimensions] == [
        ("资源配置", State.PASSED),
        ("政府保障程度", State.PASSED),
        ("教育质量", State.PASSED),
        ("社会认可度", State.PASSED),
    ]
    assert [i.id for i in dimension(verdict, "guarantee").items] == [f"G{n}" for n in range(1, 16)]
    assert [i.id for i in dimension(verdict, "quality").items] == [f"Q{n}" for n in range(1, 10)]
    assert verdict.passed
    assert verdict.reasons == ()
    assert verdict.headline == "示范县 2025 年度达到县域义务教育优质均衡发展要求"


def test_g14_below_half_fails_the_guarantee_and_the_verdict_says_why(tree: Tree, passing: User) -> None:
    figures = PASSING | {"quota_places_allocated_to_junior_schools": 40}  # 40 / 100 = 40 % < 50 %
    services.save_county_figures(user=passing, county_id=tree.county.pk, year=YEAR, figures=figures)
    verdict = verdict_of(tree, passing)
    assert [d.key for d in verdict.dimensions if d.state is not State.PASSED] == ["guarantee"]
    g14 = item(verdict, "G14")
    assert (g14.state, g14.checks[0].figure, g14.checks[0].threshold) == ("未达标", "40%", "≥ 50%")
    assert (g14.checks[0].value, g14.checks[0].bound, g14.checks[0].unit) == (0.4, 0.5, "%")
    assert verdict.state is State.FAILED
    assert not verdict.passed
    assert verdict.reasons == ("政府保障程度：G14 未达标——优质高中招生名额分配到初中的比例 40%，要求 ≥ 50%",)


def test_a_veto_fails_the_county_even_when_every_dimension_passes(tree: Tree, passing: User) -> None:
    services.set_veto_check(
        user=passing, county_id=tree.county.pk, year=YEAR, key="falsified_data", applies=True, note="虚报在校生数"
    )
    verdict = verdict_of(tree, passing)
    assert all(d.state is State.PASSED for d in verdict.dimensions)
    assert verdict.state is State.FAILED
    assert verdict.reasons == ("一票否决：弄虚作假（虚报在校生数）",)


def test_an_unchecked_veto_keeps_the_county_pending(tree: Tree, passing: User) -> None:
    verdict = services.county_assessment(user=passing, county_id=tree.county.pk, year=YEAR + 1)
    assert all(v.applies is None and v.state is State.PENDING and v.word == "未核查" for v in verdict.vetoes)
    assert not verdict.passed
    assert (
        "一票否决项未核查：以考试方式招生、违规择校、设立重点校或重点班、有编不补或长期聘用编外教师、发生重大安全责任事故或严重违纪违规事件、弄虚作假"
        in verdict.reasons
    )


def test_a_judgement_recorded_as_failing_fails_its_dimension(tree: Tree, passing: User) -> None:
    services.record_judgement(
        user=passing, county_id=tree.county.pk, year=YEAR, item_id="Q8", passed=False, note="抽查发现作业量超标"
    )
    verdict = verdict_of(tree, passing)
    assert [d.key for d in verdict.dimensions if d.state is not State.PASSED] == ["quality"]
    assert item(verdict, "Q8").state == "未达标"
    assert verdict.reasons == ("教育质量：Q8 未达标——认定未达标：抽查发现作业量超标",)


def test_a_missing_figure_leaves_its_item_and_dimension_pending_not_failed(tree: Tree, passing: User) -> None:
    figures = {k: v for k, v in PASSING.items() if k != "disabled_children"}
    services.save_county_figures(user=passing, county_id=tree.county.pk, year=YEAR, figures=figures)
    verdict = verdict_of(tree, passing)
    q2 = item(verdict, "Q2")
    assert (q2.state, q2.checks[0].value) == (State.PENDING, None)
    assert q2.reasons == ("未填报：适龄残疾儿童少年数",)
    assert dimension(verdict, "quality").state is State.PENDING
    assert dimension(verdict, "quality").counts == "1 项待判定"
    assert (verdict.state, verdict.failures, verdict.counts) == (State.PENDING, (), "1 项待判定")
    assert not verdict.passed


def test_a_room_of_95_9_fails_g3_and_names_the_school(tree: Tree, passing: User) -> None:
    admin = User.objects.get(username="admin")
    record = SchoolRecord.objects.get(school=tree.other_school, year=YEAR)
    collection.update_record(user=admin, record=record, values={"music_room_min_area_m2": 95.9})
    verdict = verdict_of(tree, passing)
    g3 = item(verdict, "G3")
    assert g3.state == "未达标"
    assert [(s.id, s.name, s.reason) for s in g3.schools] == [
        (tree.other_school.pk, "示范县第二小学", "最小音乐教室 95.9 ㎡，应不小于 96 ㎡")
    ]
    assert (g3.checks[0].figure, g3.checks[0].value) == ("1 所 / 共 2 所", 1.0)


def test_without_a_survey_recognition_is_pending_not_failed(
    tree: Tree, passing: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "survey_tally", lambda *, county, year: None)
    verdict = verdict_of(tree, passing)
    recognition = dimension(verdict, "recognition")
    assert (recognition.state, recognition.items[0].checks[0].figure) == (State.PENDING, "未开展调查")
    assert verdict.reasons == ("社会认可度：S1 待判定——未开展调查",)


def test_recognition_below_85_percent_fails(tree: Tree, passing: User, recognition: Callable[..., None]) -> None:
    recognition(0.84)
    verdict = verdict_of(tree, passing)
    assert verdict.reasons == ("社会认可度：S1 未达标——社会认可度 84%，低于 85%",)


def test_county_figures_are_checked_against_the_catalogue(tree: Tree, passing: User) -> None:
    bad = {"teachers_rotated": -1, "performance_pay_fully_set": "也许", "bogus": 1, "junior_admissions": "abc"}
    with pytest.raises(services.AssessmentError) as refused:
        services.save_county_figures(user=passing, county_id=tree.county.pk, year=YEAR, figures=bad)
    assert refused.value.problems == {
        "teachers_rotated": "本年度交流轮岗教师数：“-1”无效，应为不小于 0 的数值",
        "performance_pay_fully_set": "按规定足额核定教师绩效工资总量（是/否）：“也许”无效，应为“是”或“否”",
        "bogus": "“bogus”不是本标准的县级数据项",
        "junior_admissions": "城区和镇区公办初中招生人数（不含寄宿制学校）：“abc”无效，应为不小于 0 的数值",
    }
    assert CountyFigures.objects.get(county=tree.county, year=YEAR).figures == PASSING


def test_figures_from_a_form_are_typed(tree: Tree, passing: User) -> None:
    typed = {"teachers_rotated": "30", "monitoring_difference_rate": "0.12", "performance_pay_fully_set": "否", "x": ""}
    stored = services.save_county_figures(
        user=passing, county_id=tree.county.pk, year=YEAR + 1, figures={k: v for k, v in typed.items() if k != "x"}
    )
    assert stored.figures == {
        "teachers_rotated": 30,
        "monitoring_difference_rate": 0.12,
        "performance_pay_fully_set": False,
    }
    assert stored.updated_by == passing


def test_only_the_county_office_records(tree: Tree, users: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        services.save_county_figures(user=users[Role.SUPERVISOR], county_id=tree.county.pk, year=YEAR, figures={})
    with pytest.raises(PermissionDenied):
        services.record_judgement(
            user=users[Role.OBSERVER], county_id=tree.county.pk, year=YEAR, item_id="G1", passed=True
        )
    with pytest.raises(Http404):
        services.set_veto_check(
            user=users[Role.COUNTY_OFFICE],
            county_id=tree.other_county.pk,
            year=YEAR,
            key="exam_admission",
            applies=False,
        )
    with pytest.raises(Http404):
        services.county_assessment(user=users[Role.CLERK], county_id=tree.county.pk, year=YEAR)


def test_only_judgement_items_and_known_vetoes_are_recorded(tree: Tree, users: dict[str, User]) -> None:
    office = users[Role.COUNTY_OFFICE]
    with pytest.raises(services.AssessmentError, match="“G14”不是需要认定的评估项"):
        services.record_judgement(user=office, county_id=tree.county.pk, year=YEAR, item_id="G14", passed=True)
    with pytest.raises(services.AssessmentError, match="不是本标准的一票否决项"):
        services.set_veto_check(user=office, county_id=tree.county.pk, year=YEAR, key="nothing", applies=True)
    assert not Judgement.objects.exists()


def test_a_judgement_keeps_its_evidence_and_who_decided(
    tree: Tree, passing: User, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("布局规划.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    services.record_judgement(
        user=passing, county_id=tree.county.pk, year=YEAR, item_id="G1", passed=True, note="见规划", files=[upload]
    )
    g1 = item(verdict_of(tree, passing), "G1")
    assert g1.decision is not None
    assert (g1.decision.note, g1.decision.decided_by, [e.name for e in g1.decision.evidence]) == (
        "见规划",
        "county",
        ["布局规划.pdf"],
    )
    stored = Evidence.objects.get()
    assert stored.file.read() == b"%PDF-1.4 plan"
    assert str(tmp_path) in stored.file.path


def test_a_valid_return_rate_below_70_percent_fails_recognition(
    tree: Tree, passing: User, recognition: Callable[..., None]
) -> None:
    recognition(0.95, 0.65)
    verdict = verdict_of(tree, passing)
    assert verdict.reasons == ("社会认可度：S1 未达标——问卷有效回收率 65%，低于 70%",)
