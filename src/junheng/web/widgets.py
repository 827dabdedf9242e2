"""Widgets whose rendered values the browser's own inputs accept, whatever the site's locale.

A browser's `<input type="date">` takes and sends only ISO 8601 (2025-08-31). Django renders a date
in the locale's first input format, for zh-hans 2025/08/31, which the browser rejects and shows
blank: saving the form untouched then stores an empty date. Every date input of the platform is this
one widget (tests/web/test_dates_roundtrip.py checks every form).
"""

from __future__ import annotations

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """The browser's date picker, its value written as ISO 8601 as the picker requires."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)
