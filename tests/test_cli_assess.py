"""`junheng assess`, docs/contracts.md §5: the four-dimension verdict from files, and every bad row named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from junheng.cli import main


def _sample(folder: Path) -> Path:
    path = folder / "sample.csv"
    assert main(["sample", "--write", str(path)]) == 0
    return path


def _csv(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_files_decide_their_items_and_json_has_states_and_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _sample(tmp_path)
    capsys.readouterr()
    figures = _csv(
        tmp_path, "figures.csv", "figure,value\nquota_places_allocated_to_junior_schools,40\n优质高中招生名额总数,100\n"
    )
    decisions = _csv(
        tmp_path, "decisions.csv", "item,decision,note\nQ8,未达标,作业量超标\nG1,达标,\n弄虚作假,不存在,\n"
    )
    survey = _csv(
        tmp_path, "survey.csv", "group,issued,responses,满意,比较满意,基本满意,不满意,不了解\n家长,10,9,8,0,0,1,0\n"
    )
    args = ["assess", str(data), "--figures", str(figures), "--decisions", str(decisions), "--survey", str(survey)]
    assert main([*args, "--format", "json"]) == 0
    (found,) = json.loads(capsys.readouterr().out)["assessments"]
    items = {i["id"]: i for d in found["dimensions"] for i in d["items"]}
    g14 = items["G14"]["checks"][0]
    assert (items["G14"]["state"], g14["value"], g14["bound"], g14["unit"]) == ("未达标", 0.4, 0.5, "%")
    assert (items["Q8"]["state"], items["G1"]["state"], items["Q3"]["state"]) == ("未达标", "达标", "待判定")
    assert items["S1"]["checks"][0]["value"] == pytest.approx(8 / 9) and items["S1"]["state"] == "达标"
    vetoes = {v["key"]: v["state"] for v in found["vetoes"]}
    assert vetoes["falsified_data"] == "达标" and vetoes["exam_admission"] == "待判定"
    assert found["state"] == "未达标" and found["pass"] is False

    assert main(args) == 0
    text = capsys.readouterr().out
    assert text.startswith("示范县 2025 年度未达到县域义务教育优质均衡发展要求")
    assert "教育质量：Q8 未达标——认定未达标：作业量超标" in text
    assert text.index("未达标：") < text.index("待判定（")


def test_every_bad_row_of_a_side_file_is_named_and_nothing_is_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _sample(tmp_path)
    capsys.readouterr()
    figures = _csv(
        tmp_path, "figures.csv", "figure,value\nteachers_rotated,-3\nbogus,1\nperformance_pay_fully_set,也许\n"
    )
    assert main(["assess", str(data), "--figures", str(figures)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "figures.csv:2:value: 本年度交流轮岗教师数：“-3”无效，应为不小于 0 的数值" in captured.err
    assert "figures.csv:3:figure: “bogus”不是标准 national-2017 的县级数据项" in captured.err
    assert "figures.csv:4:value: 按规定足额核定教师绩效工资总量（是/否）：“也许”无效，应为“是”或“否”" in captured.err


def test_a_decision_that_is_neither_item_nor_veto_and_a_bad_word_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _sample(tmp_path)
    decisions = _csv(tmp_path, "decisions.csv", "item,decision\nG14,达标\nQ3,也许\nexam_admission,可能\n")
    assert main(["assess", str(data), "--decisions", str(decisions)]) == 2
    err = capsys.readouterr().err
    assert "decisions.csv:2:item: “G14”不是需要认定的评估项或一票否决项" in err
    assert "decisions.csv:3:decision: Q3 的认定应为“达标”或“未达标”，实际为“也许”" in err
    assert "decisions.csv:4:decision: 一票否决项“exam_admission”的核查结果应为“存在”或“不存在”，实际为“可能”" in err


def test_a_county_or_year_the_data_file_does_not_hold_is_a_typing_slip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _sample(tmp_path)
    figures = _csv(
        tmp_path,
        "figures.csv",
        "county,year,figure,value\n示範縣,2025,teachers_rotated,3\n示范县,2035,teachers_rotated,3\n",
    )
    assert main(["assess", str(data), "--figures", str(figures)]) == 2
    err = capsys.readouterr().err
    assert "县区“示範縣”不在学校数据文件中" in err and "2035 年度不在学校数据文件中" in err


def test_a_survey_with_more_responses_than_links_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _sample(tmp_path)
    survey = _csv(tmp_path, "survey.csv", "issued,responses,满意\n5,6,6\n")
    assert main(["assess", str(data), "--survey", str(survey)]) == 2
    assert "survey.csv:2:responses: 有效回收 6 份，多于发放的 5 份" in capsys.readouterr().err


def test_a_missing_side_file_is_a_chinese_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _sample(tmp_path)
    assert main(["assess", str(data), "--figures", str(tmp_path / "none.csv")]) == 2
    assert "none.csv" in capsys.readouterr().err
