"""`junheng rotation` and `junheng plan --target-year`: what a county runs, exit codes and file errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from junheng.cli import main
from tests.io.builders import write_schools


def _two_schools(folder: Path) -> Path:
    """Two 小学: one rich in backbone teachers, one with none (the L2 difference coefficient is high)."""
    return write_schools(folder, {"小学县级以上骨干教师数": "12"}, {"小学县级以上骨干教师数": "0"})


def test_rotation_plans_the_years_moves_and_judges_g11(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rotation", str(_two_schools(tmp_path)), "--format", "json"]) == 0
    county = json.loads(capsys.readouterr().out)["counties"][0]
    assert (county["rotated"], county["eligible"], county["g11_pass"]) == (5, 50, True)  # 10 % of 50
    backbone = [m for m in county["moves"] if m["backbone"] > 0]
    assert [(m["from_school_id"], m["to_school_id"]) for m in backbone] == [("2134000001", "2134000002")]
    l2 = next(c for c in county["cv"] if c["indicator"] == "L2")
    assert l2["after"] < l2["before"]


def test_recorded_rotations_with_a_bad_row_exit_2_with_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = tmp_path / "交流记录.csv"
    recorded.write_text("from_school_id,to_school_id,level,teachers,backbone\na,b,小学,x,1\n", encoding="utf-8")
    assert main(["rotation", str(_two_schools(tmp_path)), "--recorded", str(recorded)]) == 2
    err = capsys.readouterr().err
    assert f"{recorded}:2:teachers: 应为不小于 0 的整数，实际为“x”" in err


def test_an_entrants_file_missing_a_column_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entrants = tmp_path / "新生.csv"
    entrants.write_text("school_id,year,entrants\n2134000001,2027,90\n", encoding="utf-8")
    data = write_schools(tmp_path, {})
    assert main(["plan", str(data), "--target-year", "2027", "--entrants", str(entrants)]) == 2
    assert f"{entrants}:1:-: 表头缺少列：level（第一行应为表头）" in capsys.readouterr().err


def test_a_target_year_plan_passes_in_that_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_schools(tmp_path, {"教学及辅助用房面积": "1"})
    assert main(["plan", str(data), "--target-year", "2027", "--format", "json"]) == 0
    county = json.loads(capsys.readouterr().out)["counties"][0]
    assert county["target_year"] == 2027
    assert county["after"]["pass"] is True


def test_phasing_pays_hired_teachers_again_in_later_years(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Three teachers short (100,000 元 a year each, national-2017's assumption), 250,000 元 a year: two
    # start in 2026 and are paid again in 2027, which leaves no room there for the third.
    data = write_schools(tmp_path, {"小学高于规定学历教师数": "20", "小学体育艺术专任教师数": "2"})
    args = ["plan", str(data), "--target-year", "2027", "--yearly-budget", "250000", "--format", "json"]
    assert main(args) == 0
    county = json.loads(capsys.readouterr().out)["counties"][0]
    assert [(p["year"], p["cost"], p["carried"]) for p in county["phases"]] == [
        (2026, 200_000.0, 0.0),
        (2027, 200_000.0, 200_000.0),
    ]
    assert [(a["kind"], a["quantity"]) for a in county["unscheduled"]] == [("hire_teacher", 1.0)]
