"""Reading the annual education statistics workbooks (教育事业统计, 基础教育 tables) into the data file (issue 13)."""

from junheng.stats.figures import Figure, School, Source
from junheng.stats.importer import StatsImport, import_workbooks, record, to_fill
from junheng.stats.layout import Layout, LayoutError, builtin_layout_names, load_layout
from junheng.stats.problems import Problem

__all__ = [
    "Figure",
    "Layout",
    "LayoutError",
    "Problem",
    "School",
    "Source",
    "StatsImport",
    "builtin_layout_names",
    "import_workbooks",
    "load_layout",
    "record",
    "to_fill",
]
