"""Every page writes its figures through one formatter, junheng.numbers (issue 12 §6)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template

WEB = Path(__file__).resolve().parents[2] / "src" / "junheng" / "web"
# Django's own number filters and tags, each with its own decimals, rounding and separators.
OWN_FORMATTING = re.compile(r"\|\s*(floatformat|intcomma|intword|stringformat)\b|\{%\s*widthratio\b")


def test_no_page_template_formats_a_number_its_own_way() -> None:
    templates = sorted(WEB.rglob("*.html"))
    assert templates
    found = [
        f"{path.relative_to(WEB)}:{n}: {match.group(0)}"
        for path in templates
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for match in OWN_FORMATTING.finditer(line)
    ]
    assert found == []


def _render(expression: str, value: object) -> str:
    return Template("{% load figures %}" + expression).render(Context({"v": value}))


@pytest.mark.parametrize(
    ("expression", "value", "text"),
    [
        ('{{ v|figure:"count:人" }}', 7176, "7,176 人"),
        ('{{ v|number:"count" }}', 7176, "7,176"),
        ('{{ v|figure:"money" }}', 3315.714, "3,315.71 元"),
        ('{{ v|number:"money" }}', Decimal("1234567.5"), "1,234,567.50"),
        ('{{ v|figure:"area" }}', 1234.5, "1,234.50 ㎡"),
        ('{{ v|figure:"share" }}', 0.25, "25.0%"),
        ('{{ v|figure:"rate" }}', Decimal("0.8571428"), "85.71%"),
        ('{{ v|number:"coefficient" }}', 0.5505, "0.551"),
        ('{{ v|number:"index" }}', 0.123456, "0.1235"),
        ('{{ v|figure:"score" }}', 100, "100.0 分"),
        ('{{ v|figure:"money" }}', None, "—"),
        ('{{ v|number:"count" }}', "", "—"),
    ],
)
def test_the_template_filters_write_what_the_formatter_writes(expression: str, value: object, text: str) -> None:
    assert _render(expression, value) == text


def test_an_unknown_kind_is_a_programming_error_not_a_silent_blank() -> None:
    with pytest.raises(ValueError, match="percentage"):
        _render('{{ v|figure:"percentage" }}', 1)
