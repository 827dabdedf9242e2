"""What `pip install .` installs (not an editable checkout): every template, static file and data file."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "junheng"


def _data_files() -> set[str]:
    return {
        path.relative_to(ROOT / "src").as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    }


def test_the_wheel_holds_every_template_static_and_data_file(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("junheng-*.whl")
    packaged = set(zipfile.ZipFile(wheel).namelist())
    expected = _data_files()
    assert {"junheng/web/static/junheng/vendor/echarts.min.js", "junheng/standards/data/national-2017.toml"} <= expected
    assert sorted(expected - packaged) == []
