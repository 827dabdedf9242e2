"""What the county office records about an over-sized class, typed: the ledger's service takes this, not a
form's cleaned data (each field is the `LedgerRow` field of the same name)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from junheng.web.classes.models import LedgerRow


@dataclass(frozen=True, kw_only=True)
class Measures:
    """The cause, the measures (from the standard's list), the project, places and teachers to add, the
    deadline and who is responsible; blank where not known."""

    cause: str = ""
    measures: tuple[str, ...] = ()
    project: str = ""
    places_to_add: int | None = None
    teachers_to_add: int | None = None
    deadline: datetime.date | None = None
    responsible_unit: str = ""
    responsible_person: str = ""

    def apply(self, row: LedgerRow) -> None:
        """Write every field onto `row` (not saved)."""
        row.cause = self.cause
        row.measures = list(self.measures)
        row.project = self.project
        row.places_to_add = self.places_to_add
        row.teachers_to_add = self.teachers_to_add
        row.deadline = self.deadline
        row.responsible_unit = self.responsible_unit
        row.responsible_person = self.responsible_person
