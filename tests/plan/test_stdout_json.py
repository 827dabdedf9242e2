"""`--format json` on stdout is the document and nothing else (issue 10 §2): the installed command, run
as a county runs it, in a process of its own, so that anything the solver prints at the C level shows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.io.builders import PRIMARY_SCHOOL, write_schools


def _run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "junheng", *arguments], capture_output=True, text=True, check=False, timeout=120
    )


def test_plan_json_on_stdout_parses_as_json(tmp_path: Path) -> None:
    path = write_schools(tmp_path, {**PRIMARY_SCHOOL, "教学及辅助用房面积": "1"})
    done = _run("plan", str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["counties"][0]["status"] == "optimal"


def test_rotation_json_on_stdout_parses_as_json(tmp_path: Path) -> None:
    path = write_schools(tmp_path, {"小学县级以上骨干教师数": "12"}, {"小学县级以上骨干教师数": "0"})
    done = _run("rotation", str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["counties"][0]["g11_pass"] is True


def test_the_plans_table_on_stdout_is_only_the_report(tmp_path: Path) -> None:
    path = write_schools(tmp_path, {**PRIMARY_SCHOOL, "教学及辅助用房面积": "1"})
    done = _run("plan", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("平安县 2025 年 达标规划：最优")
