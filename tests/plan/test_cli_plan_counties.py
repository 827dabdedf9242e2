"""`junheng plan` on a file of several counties, each planned on its own filtered rows (issue 10).

The planner evaluates each county's rows filtered out of the file; Polars' `pl.format` panicked on
such frames (`assertion failed: i < self.len()`). The file: 甲县 of two small teaching points only,
乙县 of two primary schools, a special school and a small teaching point.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from junheng.cli import main

FIXTURE = Path(__file__).parent.parent / "fixtures" / "two_counties_teaching_points.csv"


def test_plan_answers_for_every_county_of_a_multi_county_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(FIXTURE), "--format", "json"]) == 0
    counties = json.loads(capsys.readouterr().out)["counties"]
    assert [c["county"] for c in counties] == ["甲县", "乙县"]
    yi = counties[1]["after"]
    assert yi["pass"] is True
    assert {e["school_id"]: e["reason"] for e in yi["excluded"]} == {
        "X1": "特殊教育学校不参与资源配置评估",
        "T3": "教学点在校生 30 人，少于 50 人，不参与计算",
    }
