"""Docs checked by tests: every command's --help and every standard's listing are pasted unchanged in docs/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scripts.update_docs import COMMANDS, DOCS, help_argv, output_of

from junheng.standards import builtin_standard_names, load_standard

ROOT = Path(__file__).resolve().parents[1]


def _block(path: Path, heading: str) -> str:
    match = re.search(rf"## {re.escape(heading)}\n\n```\n(.*?)\n```", path.read_text(encoding="utf-8"), re.S)
    assert match, f"{path.name} has no section '## {heading}'"
    return match.group(1)


@pytest.mark.parametrize("command", COMMANDS)
def test_the_help_in_docs_cli_md_is_what_the_command_prints(command: str) -> None:
    heading = f"junheng {command}".strip()
    assert _block(DOCS / "cli.md", heading) == output_of(help_argv(command)), "run: python scripts/update_docs.py"


@pytest.mark.parametrize("name", builtin_standard_names())
def test_every_shipped_standard_is_documented_as_it_prints(name: str) -> None:
    assert _block(DOCS / "standards.md", name) == output_of(["standards", name]), "run: python scripts/update_docs.py"


@pytest.mark.parametrize("name", builtin_standard_names())
def test_every_indicator_has_a_documentation_entry(name: str) -> None:
    documented = (DOCS / "standards.md").read_text(encoding="utf-8")
    for indicator in load_standard(name).indicators:
        assert f"{indicator.id} {indicator.name}" in documented


def test_the_readme_opens_with_the_two_commands_ci_relies_on() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    assert ".venv/bin/junheng demo" in first_block
    assert "bash scripts/test.sh" in first_block
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
