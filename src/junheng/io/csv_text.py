"""Text written into a CSV that a spreadsheet opens: never read as a formula (CSV injection, OWASP).

The Excel writers need no such care (xlsxwriter's `strings_to_formulas=False` keeps text as text); a CSV
has no types, so Excel and WPS run any cell that begins like a formula. Such text gets a leading
apostrophe, which the spreadsheet shows as text and does not evaluate.
"""

from __future__ import annotations

# What Excel, WPS and LibreOffice take as the start of a formula, tab and carriage return included (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> object:
    """`value` as a CSV cell: text that begins like a formula prefixed with an apostrophe; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
