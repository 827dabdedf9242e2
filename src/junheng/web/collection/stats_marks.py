"""What a school's form says about figures imported from the statistics: the ones still to be filled in."""

from __future__ import annotations

from typing import Any

from junheng.schema import FIELDS_BY_KEY
from junheng.web.collection.models import SchoolRecord, StatisticsFigures


def for_form(record: SchoolRecord) -> dict[str, Any]:
    """The form's context: `statistics` (the record's import, or None) and `to_fill` (field key → label)
    of the figures the statistics did not give and the record still lacks."""
    imported = StatisticsFigures.objects.filter(record=record).first()
    if imported is None:
        return {"statistics": None, "to_fill": {}}
    values = record.values()
    to_fill = {key: FIELDS_BY_KEY[key].label for key in imported.to_fill if values.get(key) is None}
    return {"statistics": imported, "to_fill": to_fill}
