"""The county's whole assessment, standard.md §1: typed, pure, computed once for every adapter."""

from junheng.assessment.assess import assess
from junheng.assessment.model import (
    DIMENSION_NAMES,
    Assessment,
    Check,
    Decision,
    Dimension,
    Evidence,
    Item,
    SchoolNote,
    Veto,
    VetoCheck,
)
from junheng.assessment.recognition import Recognition, RecognitionSettings, Tally
from junheng.assessment.states import State

__all__ = [
    "DIMENSION_NAMES",
    "Assessment",
    "Check",
    "Decision",
    "Dimension",
    "Evidence",
    "Item",
    "Recognition",
    "RecognitionSettings",
    "SchoolNote",
    "State",
    "Tally",
    "Veto",
    "VetoCheck",
    "assess",
]
