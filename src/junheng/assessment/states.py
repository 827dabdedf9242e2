"""The three states of an item, a dimension and a county's whole assessment (standard.md §1).

An item is 达标 or 未达标 when it has been judged, and 待判定 while a figure, a school's data, the survey
or the county office's decision it needs is still missing. A pending item is not a failure: a dimension
fails only when one of its items fails, and is pending while any is pending.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class State(StrEnum):
    PASSED = "达标"
    FAILED = "未达标"
    PENDING = "待判定"

    @classmethod
    def of(cls, passed: bool | None) -> State:
        """达标 for True, 未达标 for False, 待判定 for None (not yet judged)."""
        return cls.PENDING if passed is None else cls.PASSED if passed else cls.FAILED

    @property
    def passed(self) -> bool | None:
        """True, False, or None while pending: the state as the older yes/no/unknown."""
        return None if self is State.PENDING else self is State.PASSED


def combined(states: Iterable[State]) -> State:
    """未达标 when any part fails; else 待判定 when any is pending (or there are no parts); else 达标."""
    found = set(states)
    if State.FAILED in found:
        return State.FAILED
    if State.PENDING in found or not found:
        return State.PENDING
    return State.PASSED
