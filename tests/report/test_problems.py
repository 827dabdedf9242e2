"""问题清单 from the assessment, and the rectification ledger carried from year to year."""

from __future__ import annotations

import ast
from pathlib import Path

from junheng.assessment import Assessment
from junheng.engine import Evaluation
from junheng.report.content import Report, problems_of
from junheng.report.problems import LedgerEntry, Problem, reconcile

SRC = Path(__file__).resolve().parents[2] / "src" / "junheng" / "report"


def test_the_problems_are_the_failing_school_indicator_the_failing_item_and_the_veto(
    verdict: Assessment, evaluation: Evaluation
) -> None:
    found = problems_of(verdict, evaluation)
    assert [p.key for p in found] == ["school:b:primary:L5", "item:G14", "veto:falsified_data"]
    assert found[0].text == "b小学（小学） 生均体育运动场馆面积 5.000 ㎡，达标值 7.5，低于基本值 6.375"
    name = "优质高中招生名额分配比例不低于50%，并向农村初中倾斜"
    assert found[1].text == f"政府保障程度 G14 {name}：优质高中招生名额分配到初中的比例 40%，低于 50%"


def test_the_report_carries_g14_from_2024_and_closes_g9(report: Report) -> None:
    rows = {e.key: (e.year_found, e.closed_year) for e in report.ledger}
    assert rows == {
        "school:b:primary:L5": (2025, None),
        "item:G14": (2024, None),
        "veto:falsified_data": (2025, None),
        "item:G9": (2024, 2025),
    }
    ledger = next(s for s in report.sections if s.title == "七、问题清单与整改")
    assert [r[2:] for r in ledger.tables[0].rows] == [("2025", "新发现"), ("2024", "延续整改"), ("2025", "新发现")]
    assert ledger.tables[1].rows == (("1", "政府保障程度 G9 教师培训完成率不足", "2024", "2025"),)


def test_a_fixed_problem_closes_and_an_unfixed_one_stays_open_with_its_first_year() -> None:
    ledger = [LedgerEntry("a", "A", 2023), LedgerEntry("b", "B", 2024), LedgerEntry("old", "O", 2022, 2023)]
    result = reconcile(ledger, [Problem("a", "A again"), Problem("c", "C")], 2025)
    assert result.entries == (
        LedgerEntry("a", "A again", 2023),
        LedgerEntry("c", "C", 2025),
        LedgerEntry("b", "B", 2024, 2025),
    )
    assert (result.opened, result.closed, result.reopened) == (("c",), ("b",), ())


def test_reconciling_the_same_year_again_changes_nothing_and_a_recurring_problem_reopens() -> None:
    first = reconcile([LedgerEntry("b", "B", 2024)], [], 2025).entries
    assert reconcile(first, [], 2025).entries == first
    again = reconcile(first, [Problem("b", "B")], 2025)
    assert again.entries == (LedgerEntry("b", "B", 2024),)
    assert again.reopened == ("b",)


def test_a_problem_closed_in_an_earlier_year_that_recurs_is_a_new_problem() -> None:
    result = reconcile([LedgerEntry("b", "B", 2022, 2023)], [Problem("b", "B")], 2025)
    assert result.entries == (LedgerEntry("b", "B", 2025),)


def test_the_report_package_imports_no_django() -> None:
    names: list[str] = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.append(node.module)
    assert [n for n in names if n and n.startswith(("django", "junheng.web"))] == []
