"""Per-row Chinese text (reasons, problems) built from literals and columns."""

from __future__ import annotations

import polars as pl


def sentence(*parts: str | pl.Expr) -> pl.Expr:
    """The parts joined into one string per row: literal text as it is, expressions cast to text.

    Null when any expression is null. Built with `pl.concat_str`, not `pl.format`: `pl.format` panics
    (`assertion failed: i < self.len()`) on filtered and concatenated frames in recent Polars (issue 10).
    """
    return pl.concat_str([pl.lit(part) if isinstance(part, str) else part for part in parts])
