"""How the report's renderers name an indicator: its name with its code beside it, never the code alone.

The report's content carries the indicators' codes (L1…L7) and, beside them, their names from the standard.
"""

from __future__ import annotations

import textwrap

from junheng.report.content import Report


def indicator_names(report: Report) -> dict[str, str]:
    """Each indicator's name by its code, from the report's standard."""
    return dict(report.indicator_names)


def indicator_label(report: Report, code: str) -> str:
    """`L1 每百名学生拥有高于规定学历教师数` for `L1`; any other text as it is."""
    name = indicator_names(report).get(code)
    return code if name is None else f"{code} {name}"


def wrapped(text: str, width: int) -> str:
    """A label broken into lines of at most `width` characters, for a chart's axis."""
    return "\n".join(textwrap.wrap(text, width)) or text
