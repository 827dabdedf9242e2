"""The web's 学段 are the compulsory ones of `junheng.levels` (issue 11 §1): one definition, as choices."""

from __future__ import annotations

from junheng import levels
from junheng.web.classes.models import ClassRecord, LedgerRow, PlannedIntake
from junheng.web.groups.models import ScorecardItem
from junheng.web.levels import LEVEL_NAMES, Level
from junheng.web.places.models import Catchment


def test_the_choices_are_the_compulsory_levels_with_their_chinese_names() -> None:
    assert Level.choices == [(level.value, level.label) for level in levels.COMPULSORY_LEVELS]
    assert [Level(level).grades for level in levels.COMPULSORY_LEVELS] == [range(1, 7), range(7, 10)]


def test_every_model_storing_a_level_uses_the_one_definition() -> None:
    models = (Catchment, ClassRecord, LedgerRow, PlannedIntake, ScorecardItem)
    assert all(list(model._meta.get_field("level").choices or []) == Level.choices for model in models)


def test_an_upload_may_name_a_level_in_chinese_or_by_its_key() -> None:
    assert LEVEL_NAMES == {
        "小学": Level.PRIMARY,
        "初中": Level.JUNIOR,
        "primary": Level.PRIMARY,
        "junior": Level.JUNIOR,
    }
