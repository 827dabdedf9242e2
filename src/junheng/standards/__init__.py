"""The evaluation standards as data files, and their loader (standard.md §10)."""

from junheng.standards.loader import StandardError, builtin_standard_names, load_standard
from junheng.standards.model import Composite, Indicator, Rounding, SchoolRule, Standard
from junheng.standards.sections import (
    Band,
    Check,
    ClassSize,
    CountyFigure,
    Item,
    Places,
    PlacesWarning,
    Plan,
    Projection,
    Recognition,
    Rotation,
    Target,
    VetoItem,
)

__all__ = [
    "Band",
    "Check",
    "ClassSize",
    "Composite",
    "CountyFigure",
    "Indicator",
    "Item",
    "Places",
    "PlacesWarning",
    "Plan",
    "Projection",
    "Recognition",
    "Rotation",
    "Rounding",
    "SchoolRule",
    "Standard",
    "StandardError",
    "Target",
    "VetoItem",
    "builtin_standard_names",
    "load_standard",
]
