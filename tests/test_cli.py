"""The `junheng` command, contracts.md §2: exit codes, outputs, and errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from junheng.cli import main
from tests.io.builders import PRIMARY_SCHOOL, write_schools

FIXTURE_1 = [(45, 279), (37, 137), (89, 935), (76, 160), (55, 402)]


def fixture_1_file(folder: Path) -> Path:
    """standard.md fixture 1 as five schools' teaching area (the same file the before-stop check uses)."""
    rows = [
        {
            "学校标识码": f"s{i}",
            "学校名称": f"小学{i}",
            "小学在校生数": str(p),
            "教学及辅助用房面积": str(a),
            "小学高于规定学历教师数": "3",
            "小学县级以上骨干教师数": "1",
            "小学体育艺术专任教师数": "1",
            "体育运动场馆面积": "600",
            "教学仪器设备值": "100000",
            "网络多媒体教室数": "2",
        }
        for i, (p, a) in enumerate(FIXTURE_1, start=1)
    ]
    return write_schools(folder, *rows)


def test_evaluate_json_gives_the_published_cv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(fixture_1_file(tmp_path)), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    county = document["counties"][0]
    assert document["standard"] == "national-2017"
    assert county["county"] == PRIMARY_SCHOOL["县区"]
    assert round(county["levels"]["primary"]["indicators"]["L4"]["cv"], 6) == 0.515257
    assert county["pass"] is False


def test_evaluate_table_prints_the_verdict_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(fixture_1_file(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "资源配置：未通过" in out
    assert "0.515" in out


def test_evaluate_xlsx_writes_the_workbook(tmp_path: Path) -> None:
    out = tmp_path / "结果.xlsx"
    assert main(["evaluate", str(fixture_1_file(tmp_path)), "--format", "xlsx", "--out", str(out)]) == 0
    assert "学校指标" in openpyxl.load_workbook(out, read_only=True).sheetnames


def test_evaluate_xlsx_without_out_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(fixture_1_file(tmp_path)), "--format", "xlsx"]) == 2
    assert "--out" in capsys.readouterr().err


def test_evaluate_json_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    assert main(["evaluate", str(fixture_1_file(tmp_path)), "--format", "json", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["standard"] == "national-2017"


def test_a_bad_file_lists_every_problem_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_schools(tmp_path, {"小学在校生数": "abc"}, {"学校类型": "大学", "体育运动场馆面积": "-1"})
    assert main(["evaluate", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{path}:2:小学在校生数: “abc”不是数字；小学在校生数应填数值，例如 12"
    assert any(line.startswith(f"{path}:3:学校类型: ") for line in err)
    assert any(line.startswith(f"{path}:3:体育运动场馆面积: ") for line in err)
    assert err[-1] == "共发现 3 个问题，请修改后重新提交。"


def test_an_unknown_standard_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(fixture_1_file(tmp_path)), "--standard", "nowhere"]) == 2
    assert "没有名为“nowhere”的标准" in capsys.readouterr().err


def test_standards_lists_the_shipped_standards(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["standards"]) == 0
    out = capsys.readouterr().out
    for name in ("national-2017", "basic-2012", "hebei-2017", "guangxi-2017"):
        assert name in out


def test_standards_shows_one_standards_thresholds_and_floors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["standards", "national-2017"]) == 0
    out = capsys.readouterr().out
    assert "达标值 4.2 人，基本值（85%）3.57 人" in out
    assert "差异系数限值 ≤ 0.45" in out


def test_the_sample_county_evaluates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sample", "--format", "json"]) == 0
    county = json.loads(capsys.readouterr().out)["counties"][0]
    assert county["county"] == "示范县"
    assert {e["school_id"] for e in county["excluded"]} == {"4521010008", "4521060001"}


def test_the_sample_can_be_written_out_and_read_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "sample.csv"
    assert main(["sample", "--write", str(target)]) == 0
    assert main(["evaluate", str(target), "--standard", "basic-2012", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["counties"][0]["levels"]["primary"]["composite"]["limit"] == 0.65


def test_the_installed_command_prints_no_traceback_for_a_missing_file(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "junheng", "evaluate", str(tmp_path / "none.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "none.csv" in done.stderr


def test_a_wrong_command_line_is_explained_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["evaluate", "x.csv", "--format", "pdf"])
    assert stopped.value.code == 2
    assert "错误：参数 --format 的值“pdf”无效" in capsys.readouterr().err
