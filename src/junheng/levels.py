"""学段 (school levels) and the grades in each: the one definition every layer derives from.

Primary and junior are compulsory (grades 1–6 and 7–9); senior exists to split the shared resources of
a school spanning 学段 (standard.md §4). The grades are the structure of compulsory education, not a
setting of a standard.
"""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """学段. Its value is the key used in data files, standards and the database."""

    PRIMARY = "primary"
    JUNIOR = "junior"
    SENIOR = "senior"

    @property
    def label(self) -> str:
        """The Chinese name: 小学, 初中, 高中."""
        return _LABELS[self]

    @property
    def grades(self) -> range:
        """The grades of the 学段, numbered through from grade 1 of primary: 1–6, 7–9, 10–12."""
        return _GRADES[self]

    @property
    def start_grade(self) -> int:
        """The grade a pupil enters the 学段 in (1 or 7 for the compulsory ones)."""
        return self.grades[0]

    @property
    def compulsory(self) -> bool:
        """Whether the 学段 is part of compulsory education (primary and junior)."""
        return self is not Level.SENIOR


_LABELS = {Level.PRIMARY: "小学", Level.JUNIOR: "初中", Level.SENIOR: "高中"}
_GRADES = {Level.PRIMARY: range(1, 7), Level.JUNIOR: range(7, 10), Level.SENIOR: range(10, 13)}

ALL_LEVELS: tuple[Level, ...] = tuple(Level)
COMPULSORY_LEVELS: tuple[Level, ...] = tuple(level for level in Level if level.compulsory)
LEVEL_LABELS: dict[str, str] = {level.value: level.label for level in Level}
