"""A hand-built county for the report: three primary schools, one below a floor, and an assessment around them.

School b has 5 ㎡ of sports ground per student, below the floor 6.375 (85 % of 7.5): it fails the school
rule, and the L5 coefficient moves off 0. G14 fails (40 % < 50 %) and the veto 弄虚作假 applies.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from junheng.assessment import Assessment, Check, Dimension, Item, State, Tally, Veto, VetoCheck, items
from junheng.assessment.recognition import RecognitionSettings, recognition
from junheng.engine import Evaluation, evaluate
from junheng.report.content import Report, SurveyGroup, build_report
from junheng.report.problems import LedgerEntry
from junheng.standards import load_standard
from tests.builders import primary_school, table

NATIONAL = load_standard("national-2017")
YEAR = 2025
G14_FIGURE = "40%"
G14_LABEL = "优质高中招生名额分配到初中的比例"


@pytest.fixture(scope="session")
def evaluation() -> Evaluation:
    schools = table(primary_school("a"), primary_school("b", sports_area_m2=500.0), primary_school("c", students=200))
    return evaluate(schools, NATIONAL)


@pytest.fixture(scope="session")
def verdict(evaluation: Evaluation) -> Assessment:
    g14_check = Check(
        "优质高中招生名额分配到初中的比例",
        0.4,
        0.5,
        "≥",
        "%",
        State.FAILED,
        G14_FIGURE,
        "≥ 50%",
        "优质高中招生名额分配到初中的比例 40%，低于 50%",
    )
    g14 = Item(
        "G14", "优质高中招生名额分配比例不低于50%，并向农村初中倾斜", "county_figure", (g14_check,), State.FAILED
    )
    q1_check = Check("初中三年巩固率", 0.96, 0.95, "≥", "%", State.PASSED, "96%", "≥ 95%")
    q1 = Item("Q1", "全县初中三年巩固率达到95%以上", "county_figure", (q1_check,), State.PASSED)
    checked = datetime(2025, 9, 1)
    vetoes = (
        Veto("exam_admission", "以考试方式招生", VetoCheck(False, "", "县督导室", checked)),
        Veto("falsified_data", "弄虚作假", VetoCheck(True, "学籍数据虚报", "县督导室", checked)),
    )
    settings = RecognitionSettings.from_standard(NATIONAL)
    surveyed = recognition(Tally(10, 8, {"满意": 9, "不满意": 1}), settings)  # 90 %, 80 % returned
    return Assessment(
        "例县",
        YEAR,
        NATIONAL.name,
        NATIONAL.title,
        (
            Dimension("resources", "资源配置", items.resource_items(evaluation, {})),
            Dimension("guarantee", "政府保障程度", (g14,)),
            Dimension("quality", "教育质量", (q1,)),
            Dimension("recognition", "社会认可度", (items.recognition_item(surveyed, settings, NATIONAL.name),)),
        ),
        vetoes,
    )


@pytest.fixture(scope="session")
def report(verdict: Assessment, evaluation: Evaluation) -> Report:
    survey = (
        SurveyGroup("家长", 400, 380, 370, Decimal("0.9"), Decimal("0.95")),
        SurveyGroup("教师", 100, 90, 88, Decimal("0.8"), Decimal("0.9")),
    )
    ledger = [
        LedgerEntry("item:G14", "政府保障程度 G14：上年的措辞", 2024),
        LedgerEntry("item:G9", "政府保障程度 G9 教师培训完成率不足", 2024),
    ]
    return build_report(assessment=verdict, evaluation=evaluation, survey=survey, ledger=ledger)
