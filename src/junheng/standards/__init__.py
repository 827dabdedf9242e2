"""The evaluation standards as data files, and their loader (standard.md §10)."""

from junheng.standards.loader import StandardError, builtin_standard_names, load_standard
from junheng.standards.model import Composite, Indicator, Rounding, SchoolRule, Standard

__all__ = [
    "Composite",
    "Indicator",
    "Rounding",
    "SchoolRule",
    "Standard",
    "StandardError",
    "builtin_standard_names",
    "load_standard",
]
