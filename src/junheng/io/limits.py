"""How large a data file the readers accept, and how many problems they list: checked before reading.

A file beyond these is refused with a Chinese message before its cells are parsed, so that a hostile or
mistaken upload (a tiny workbook declaring a cell at XFD1048576, a CSV of millions of rows) cannot
exhaust the server's memory. The figures are documented in the README's reliability section.
"""

from __future__ import annotations

from dataclasses import dataclass

MEGABYTE = 1024 * 1024

# Problems listed for one file; the rest are counted in one closing issue.
MAX_ISSUES = 200
# Rows above the header searched for it (a title, notes, blank rows).
HEADER_SEARCH_ROWS = 20
# A workbook's parts once unzipped, as a multiple of the file size allowed (Excel compresses about 5–10×).
UNPACKED_RATIO = 10


@dataclass(frozen=True, slots=True)
class TableLimits:
    """The largest table one reader accepts."""

    rows: int  # data rows under the header
    columns: int
    bytes: int  # the file's size on disk
    what: str  # what a data row is, for the message: "所学校（每所学校每年一行）"

    @property
    def unpacked_bytes(self) -> int:
        """The most a workbook's XML parts may hold once unzipped."""
        return self.bytes * UNPACKED_RATIO

    @property
    def sheet_rows(self) -> int:
        """The last spreadsheet row a sheet may use: the data rows, the header and rows above it."""
        return self.rows + HEADER_SEARCH_ROWS + 1


# A county's school data file uploaded to the web (a county has a few hundred schools).
COUNTY_SCHOOL_FILE = TableLimits(rows=5_000, columns=100, bytes=20 * MEGABYTE, what="行（每所学校每年一行）")
# A school data file read on one's own computer by `junheng evaluate` / `plan` (a city or a province).
SCHOOL_FILE = TableLimits(rows=200_000, columns=100, bytes=200 * MEGABYTE, what="行（每所学校每年一行）")
# The ledgers' labelled tables uploaded to the web: class lists, planned intakes, school places.
LABELLED_TABLE = TableLimits(rows=100_000, columns=30, bytes=20 * MEGABYTE, what="行")
# The catchments' GeoJSON uploaded to the web (read whole into memory to be parsed).
GEOJSON_BYTES = 20 * MEGABYTE


def megabytes(size: int) -> str:
    """A size as people read it: 20 MB, 1.5 MB."""
    return f"{size / MEGABYTE:.1f}".removesuffix(".0") + " MB"
