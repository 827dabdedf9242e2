"""The vendored flatpickr (forms.js's Chinese calendar) is the release the vendor README names, unchanged."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import junheng.web

VENDOR = Path(junheng.web.__file__).parent / "static" / "junheng" / "vendor"


@pytest.mark.parametrize("name", ["flatpickr.min.js", "flatpickr.min.css", "zh.js"])
def test_each_flatpickr_file_has_the_checksum_the_readme_names(name: str) -> None:
    digest = hashlib.sha256((VENDOR / "flatpickr" / name).read_bytes()).hexdigest()
    assert f"{name} `{digest}`" in (VENDOR / "README.md").read_text(encoding="utf-8")


def test_the_readme_names_the_version_in_the_file() -> None:
    header = (VENDOR / "flatpickr" / "flatpickr.min.js").read_text(encoding="utf-8").splitlines()[0]
    assert "flatpickr v4.6.13" in header
    assert "flatpickr **4.6.13**" in (VENDOR / "README.md").read_text(encoding="utf-8")
