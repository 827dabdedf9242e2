"""学段 as the web's models store them: the compulsory 学段 of `junheng.levels`, as Django choices."""

from __future__ import annotations

from django.db import models

from junheng import levels


class Level(models.TextChoices):
    """A compulsory 学段 (the values and labels are `junheng.levels.Level`'s)."""

    PRIMARY = levels.Level.PRIMARY.value, levels.Level.PRIMARY.label
    JUNIOR = levels.Level.JUNIOR.value, levels.Level.JUNIOR.label

    @property
    def grades(self) -> range:
        """The grades of the 学段: 1–6 or 7–9."""
        return levels.Level(self.value).grades


# What a person may write for a 学段 in an uploaded file: the Chinese name (小学) or the key (primary).
LEVEL_NAMES: dict[str, Level] = {
    **{Level(level).label: Level(level) for level in levels.COMPULSORY_LEVELS},
    **{level.value: Level(level) for level in levels.COMPULSORY_LEVELS},
}
