"""A hand-built county for the report: three primary schools, one below a floor, and a verdict around them.

School b has 5 ㎡ of sports ground per student, below the floor 6.375 (85 % of 7.5): it fails the school
rule, and the L5 coefficient moves off 0. G14 fails (40 % < 50 %) and the veto 弄虚作假 applies.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from junheng.engine import Evaluation, evaluate
from junheng.report.content import Report, SurveyGroup, build_report
from junheng.report.problems import LedgerEntry
from junheng.standards import load_standard
from junheng.web.assessment import verdict as v
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
def verdict(evaluation: Evaluation) -> v.Verdict:
    g14 = v.Item(
        "G14",
        "优质高中招生名额分配比例不低于50%，并向农村初中倾斜",
        "county_figure",
        (
            v.Line(
                "优质高中招生名额分配到初中的比例",
                G14_FIGURE,
                "≥ 50%",
                False,
                "优质高中招生名额分配到初中的比例 40%，低于 50%",
            ),
        ),
        False,
    )
    q1 = v.Item(
        "Q1",
        "全县初中三年巩固率达到95%以上",
        "county_figure",
        (v.Line("初中三年巩固率", "96%", "≥ 95%", True, None),),
        True,
    )
    vetoes = (
        v.Veto("exam_admission", "以考试方式招生", False, "", "县督导室", datetime(2025, 9, 1), ()),
        v.Veto("falsified_data", "弄虚作假", True, "学籍数据虚报", "县督导室", datetime(2025, 9, 1), ()),
    )
    return v.Verdict(
        1,
        "例县",
        YEAR,
        NATIONAL.name,
        (
            v.Dimension("resources", v.RESOURCES, v.resource_items(evaluation, {})),
            v.Dimension("guarantee", "政府保障程度", (g14,)),
            v.Dimension("quality", "教育质量", (q1,)),
            v.Dimension(
                "recognition", v.RECOGNITION, (v.recognition_item({"rate": 0.9, "return_rate": 0.8}, NATIONAL),)
            ),
        ),
        vetoes,
    )


@pytest.fixture(scope="session")
def report(verdict: v.Verdict, evaluation: Evaluation) -> Report:
    survey = (
        SurveyGroup("家长", 400, 380, 370, Decimal("0.9"), Decimal("0.95")),
        SurveyGroup("教师", 100, 90, 88, Decimal("0.8"), Decimal("0.9")),
    )
    ledger = [
        LedgerEntry("item:G14", "政府保障程度 G14：上年的措辞", 2024),
        LedgerEntry("item:G9", "政府保障程度 G9 教师培训完成率不足", 2024),
    ]
    return build_report(verdict=verdict, evaluation=evaluation, survey=survey, ledger=ledger)
