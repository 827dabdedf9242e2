"""`make screenshots` (scripts/screenshots.py): the demo started, a role's pages and the respondent's phone
page shot, and an index listing them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "screenshots.py"


def test_the_screenshots_of_a_clerk_and_a_respondent_are_written_with_their_index(tmp_path: Path) -> None:
    users = "demo-county-1,demo-school-1"
    command = [sys.executable, str(SCRIPT), "--out", str(tmp_path), "--users", users, "--max-pages", "2"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    shots = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.png"))
    assert any(s.startswith("demo-school-1/") for s in shots) and any(s.startswith("respondent/") for s in shots)
    assert all((tmp_path / s).stat().st_size > 10_000 for s in shots)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert all(s in index for s in shots)
