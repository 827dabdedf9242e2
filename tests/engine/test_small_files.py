"""Small ordinary files evaluate without crashing (issue 10: Polars' `pl.format` panicked on them).

The file of the issue: a teaching point of 30 students, a primary school and a special school, in that
order. Two of its three schools are left out, each with its reason, and the primary school is judged.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from junheng.cli import main
from junheng.engine import evaluate
from junheng.engine.guarantee import guarantee_items
from junheng.io.reader import read_school_file
from junheng.standards import builtin_standard_names, load_standard
from tests.builders import primary_school, table, with_basic_2012_columns

FIXTURE = Path(__file__).parent.parent / "fixtures" / "teaching_point_primary_special.csv"
# every standard whose columns the file has (basic-2012 needs computers, books and teacher counts besides)
FILE_STANDARDS = [name for name in builtin_standard_names() if name != "basic-2012"]
REASONS = {"T1": "教学点在校生 30 人，少于 50 人，不参与计算", "X1": "特殊教育学校不参与资源配置评估"}


def _three_schools() -> pl.DataFrame:
    """The issue's file built in code, with basic-2012's columns too, so every standard can read it."""
    return table(
        *(
            with_basic_2012_columns(record)
            for record in (
                primary_school("T1", students=30, school_type="teaching_point"),
                primary_school("S1", students=500),
                primary_school("X1", students=40, school_type="special"),
            )
        )
    )


@pytest.mark.parametrize("name", builtin_standard_names())
def test_the_issues_three_schools_leave_out_the_teaching_point_and_the_special_school(name: str) -> None:
    evaluation = evaluate(_three_schools(), load_standard(name))
    excluded = dict(zip(evaluation.excluded["school_id"], evaluation.excluded["reason"], strict=True))
    assert excluded == REASONS
    assert evaluation.schools["school_id"].unique().to_list() == ["S1"]


@pytest.mark.parametrize("name", FILE_STANDARDS)
def test_the_issues_file_evaluates_through_the_engine(name: str) -> None:
    standard = load_standard(name)
    evaluation = evaluate(read_school_file(FIXTURE, standard), standard)
    assert evaluation.excluded["reason"].to_list() == [REASONS["T1"], REASONS["X1"]]
    assert evaluation.counties["schools"].to_list() == [1]


@pytest.mark.parametrize("name", FILE_STANDARDS)
def test_the_issues_file_evaluates_through_the_command_line_in_every_format(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", str(FIXTURE), "--standard", name, "--format", "json"]) == 0
    [county] = json.loads(capsys.readouterr().out)["counties"]
    assert county["county"] == "甲县"
    assert main(["evaluate", str(FIXTURE), "--standard", name]) == 0
    assert "特殊教育学校不参与资源配置评估" in capsys.readouterr().out
    out = tmp_path / "结果.xlsx"
    assert main(["evaluate", str(FIXTURE), "--standard", name, "--format", "xlsx", "--out", str(out)]) == 0
    assert out.stat().st_size > 0


def test_guarantee_reasons_are_written_for_a_school_after_one_left_out() -> None:
    records = [
        primary_school("T1", students=30, school_type="teaching_point"),
        primary_school(
            "S1",
            students=3000,
            classes_primary=60,
            music_rooms=1,
            art_rooms=5,
            music_room_min_area_m2=50.0,
            art_room_min_area_m2=96.0,
            max_class_size_primary=50,
        ),
        primary_school("X1", students=40, school_type="special"),
    ]
    items = guarantee_items(table(*records), load_standard("national-2017"))
    assert items.select("school_id", "G3_reason", "G4_reason", "G5_reason").row(0) == (
        "S1",
        "音乐专用教室 1 间，应不少于 5 间；最小音乐教室 50.0 ㎡，应不小于 96 ㎡",
        "义务教育阶段在校生 3000 人，超过 2000 人",
        "小学最大班额 50 人，超过 45 人",
    )
