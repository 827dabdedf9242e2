"""The plausibility rules (junheng.plausibility) applied to a school's form as the clerk types and after a
save: warnings beside the fields, never a reason to refuse the figures."""

from __future__ import annotations

import re
from collections.abc import Mapping

from junheng.plausibility import warnings
from junheng.schema import NUMERIC_KINDS
from junheng.web.collection.models import RECORD_FIELDS, SchoolRecord
from junheng.web.orgs.models import Organisation

_NUMERIC = frozenset(f.key for f in RECORD_FIELDS if f.kind in NUMERIC_KINDS)
# A number as a clerk types it, thousands separators allowed (the importer's own rule, io.cells).
_TYPED_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def typed_numbers(values: Mapping[str, object]) -> dict[str, float]:
    """The numeric fields of a form as numbers, leaving out what is empty or not a number yet (the
    importer's checks speak about those)."""
    numbers: dict[str, float] = {}
    for key in _NUMERIC:
        text = str(values.get(key) or "").strip()
        if _TYPED_NUMBER.match(text):
            numbers[key] = float(text.replace(",", ""))
    return numbers


def last_year(school: Organisation, year: int) -> SchoolRecord | None:
    """The school's record of the year before `year`, when it has figures."""
    return SchoolRecord.objects.filter(school=school, year=year - 1, school_type__isnull=False).first()


def by_field(values: Mapping[str, object], previous: SchoolRecord | None) -> dict[str, list[str]]:
    """The warnings on a school's figures (typed or stored), grouped by the field they concern."""
    grouped: dict[str, list[str]] = {}
    for unusual in warnings(values, None if previous is None else previous.values()):
        grouped.setdefault(unusual.field, []).append(unusual.message)
    return grouped
