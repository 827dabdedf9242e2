"""The CSS class of an assessment state: 达标 good, 未达标 bad, 待判定 undecided."""

from __future__ import annotations

from django import template

from junheng.assessment import State

register = template.Library()

CLASSES = {State.PASSED: "good", State.FAILED: "bad", State.PENDING: "undecided"}


@register.filter
def state_class(state: State) -> str:
    return CLASSES[State(state)]
