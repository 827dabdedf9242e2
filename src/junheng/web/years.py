"""The year a page or an API route is asked about: one check and one message for all of them.

A year is a whole number from FIRST_YEAR to LAST_YEAR (the data file's own bounds, io/cells.py).
Anything else, in `?year=` or in a URL, is answered 400 with YEAR_MESSAGE by every page
(`InvalidYear`, rendered by the site's 400 page) and 422 with the same text by the API (`ApiYear`):
never a 500, which a 26-digit year used to give when the database could not hold it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from django.core.exceptions import BadRequest
from django.http import HttpRequest
from ninja import Query

from junheng.io.cells import FIRST_YEAR, LAST_YEAR

YEAR_MESSAGE = f"年度应为 {FIRST_YEAR} 至 {LAST_YEAR} 之间的四位数字，例如 ?year=2025"

# An API route's `year` query parameter: out of range or not a number is a 422 saying YEAR_MESSAGE.
ApiYear = Annotated[int, Query(ge=FIRST_YEAR, le=LAST_YEAR, description=f"年度，{FIRST_YEAR}–{LAST_YEAR}")]


class InvalidYear(BadRequest):
    """A year that is not a whole number from FIRST_YEAR to LAST_YEAR; its message is YEAR_MESSAGE."""

    def __init__(self, text: object) -> None:
        super().__init__(YEAR_MESSAGE)
        self.text = text


def checked_year(year: int) -> int:
    """`year` (from a URL's `<int:year>`) if it lies within the bounds; InvalidYear otherwise."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidYear(year)
    return year


def parse_year(text: str) -> int:
    """The year written as `text` (ASCII digits only, within the bounds); InvalidYear otherwise."""
    stripped = text.strip()
    if not (stripped.isascii() and stripped.isdigit() and len(stripped) <= len(str(LAST_YEAR))):
        raise InvalidYear(text)
    return checked_year(int(stripped))


def asked_year(request: HttpRequest) -> int | None:
    """The request's `?year=`, checked; None when it is absent or empty."""
    text = request.GET.get("year", "")
    return parse_year(text) if text.strip() else None


def asked_or_latest(request: HttpRequest, years: Sequence[int]) -> int | None:
    """The request's `?year=`, checked, else the latest of `years`; None when it is absent and `years` empty."""
    asked = asked_year(request)
    return asked if asked is not None else max(years, default=None)
