"""Regenerate the help texts pasted into docs/cli.md and docs/standards.md (tests/test_docs.py checks them)."""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Callable
from pathlib import Path

from junheng.cli import main
from junheng.standards import builtin_standard_names

DOCS = Path(__file__).resolve().parents[1] / "docs"
HELP_COLUMNS = "100"
COMMANDS = (
    "", "evaluate", "plan", "rotation", "stats-import", "sample", "standards", "synth", "demo", "serve", "backup",
    "restore", "token",
)  # fmt: skip


def output_of(argv: list[str]) -> str:
    """What `junheng ARGV` prints, at a fixed terminal width."""
    os.environ["COLUMNS"] = HELP_COLUMNS
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.suppress(SystemExit):
        main(argv)
    return buffer.getvalue().rstrip("\n")


def help_argv(command: str) -> list[str]:
    return [command, "--help"] if command else ["--help"]


def _keeping_fences(body: str) -> Callable[[re.Match[str]], str]:
    return lambda match: match.group(1) + body + match.group(2)


def _replace_blocks(path: Path, blocks: dict[str, str]) -> None:
    """Replace the code block under each `## heading` named in `blocks`."""
    text = path.read_text(encoding="utf-8")
    for heading, body in blocks.items():
        pattern = re.compile(rf"(## {re.escape(heading)}\n\n```\n).*?(\n```)", re.S)
        text, count = pattern.subn(_keeping_fences(body), text)
        if count != 1:
            raise SystemExit(f"{path}: no section '## {heading}'")
    path.write_text(text, encoding="utf-8")


def main_() -> None:
    _replace_blocks(DOCS / "cli.md", {f"junheng {c}".strip(): output_of(help_argv(c)) for c in COMMANDS})
    _replace_blocks(DOCS / "standards.md", {n: output_of(["standards", n]) for n in builtin_standard_names()})


if __name__ == "__main__":
    main_()
