"""Numbers as the output formats can hold them: JSON and Excel have no NaN or infinity.

With the schema's bounds every figure the engine computes is finite; these keep an undefined value
(a coefficient of a mean of 0, say) an empty cell or null however it came about, rather than a crash.
"""

from __future__ import annotations

import math

import polars as pl


def finite(value: float | None) -> float | None:
    """The value, or None when it is NaN or infinite."""
    return value if value is None or math.isfinite(value) else None


def finite_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every NaN or infinite float made null."""
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    return frame.with_columns(pl.when(pl.col(name).is_finite()).then(pl.col(name)).alias(name) for name in floats)
