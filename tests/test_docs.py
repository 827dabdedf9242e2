"""Docs checked by tests: every command's --help and every standard's listing are pasted unchanged in docs/."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
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


# Import names that differ from the distribution that provides them.
DISTRIBUTION_OF = {
    "psycopg": "psycopg",
    "docx": "python-docx",
    "dj_database_url": "dj-database-url",
    "csp": "django-csp",
    "axes": "django-axes",
    "ninja": "django-ninja",
    "django_stubs_ext": "django-stubs-ext",
    "python_calamine": "python-calamine",
}


def _third_party_imports() -> dict[str, set[str]]:
    """Every top-level module imported anywhere under src/junheng that is neither stdlib nor junheng."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "src" / "junheng").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top != "junheng":
                    found.setdefault(top, set()).add(path.name)
    return found


def _distribution(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return match.group(0).lower().replace("_", "-")


def test_every_runtime_import_is_a_declared_dependency_with_its_reason_in_the_readme() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_distribution(requirement) for requirement in project["dependencies"]}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Dependencies and why", 1)[1].split("\n## ", 1)[0]
    explained = {name.strip() for row in re.findall(r"^\| ([^|]+) \|", table, re.M) for name in row.split(",")}
    imports = _third_party_imports()
    assert {"numpy", "polars", "django"} <= imports.keys()
    needed = {DISTRIBUTION_OF.get(module, module.replace("_", "-")): files for module, files in imports.items()}
    assert {name: sorted(files) for name, files in needed.items() if name not in declared} == {}
    assert sorted(name for name in needed if name not in explained) == []


def _architecture_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture\n", 1)[1]
    return section.split("```\n", 1)[1].split("```", 1)[0]


def test_the_readme_architecture_names_every_package_and_app() -> None:
    block = _architecture_block()
    package = ROOT / "src" / "junheng"
    packages = [path.name for path in package.iterdir() if path.is_dir() and path.name != "__pycache__"]
    apps = [path.name for path in (package / "web").iterdir() if (path / "apps.py").is_file()]
    assert "web" in packages and "collection" in apps
    assert [name for name in packages if not re.search(rf"\b{name}/", block)] == []
    assert [name for name in apps if not re.search(rf"\b{name}\b", block)] == []
