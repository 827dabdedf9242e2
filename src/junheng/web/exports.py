"""The web side of every "导出 Excel": the file's Chinese name and the download response.

The sheets are built by each app's export view from what its page shows and written by
`junheng.io.xlsx_table`; the view finds its organisation exactly as its page does, so a user gets the
file of a page they may see and the page's 404 or 403 otherwise.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from junheng.io.xlsx_table import Table, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_name(organisation: str, what: str, year: int | None = None) -> str:
    """示范县2025年填报情况.xlsx; without a year when the table spans years (示范县大班额台账.xlsx)."""
    return f"{organisation}{'' if year is None else f'{year}年'}{what}.xlsx"


def xlsx_response(name: str, tables: Sequence[Table]) -> HttpResponse:
    """The tables as a downloaded workbook named `name` (RFC 6266/5987: filename*=utf-8''…)."""
    response = HttpResponse(workbook_bytes(tables), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


def local_time(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A stored moment in the site's time zone, as pages show it, without the zone (Excel has none)."""
    return None if moment is None else timezone.localtime(moment).replace(tzinfo=None)
