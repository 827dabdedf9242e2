"""What a county enters by hand, read the same way by the platform's forms and `junheng assess`'s files:
county figures (a number ≥ 0 or a yes/no flag), decisions on judgement items (达标/未达标) and veto
checks (存在/不存在)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

YES = frozenset({"是", "yes", "true", "1", "y"})
NO = frozenset({"否", "no", "false", "0", "n"})
PASSED_WORDS = frozenset({"达标", "通过", "pass", "passed", "是", "yes", "true", "1"})
FAILED_WORDS = frozenset({"未达标", "不达标", "未通过", "fail", "failed", "否", "no", "false", "0"})
APPLIES_WORDS = frozenset({"存在", "适用", "是", "yes", "true", "1"})
DOES_NOT_APPLY_WORDS = frozenset({"不存在", "不适用", "否", "no", "false", "0"})


def flag(value: object) -> bool | None:
    """是/否 (or yes/no, true/false, 1/0) as a bool; None for anything else."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in YES else False if text in NO else None


def amount(value: object) -> int | float | None:
    """A number ≥ 0 (an integer stays an integer); None for text, a negative, NaN or infinity."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def figure(kind: str, value: object) -> int | float | bool | None:
    """A county figure of the standard's kind ("flag" or "number"), or None when it is not valid."""
    return flag(value) if kind == "flag" else amount(value)


def decision(value: object) -> bool | None:
    """达标 → True, 未达标 → False (and their English words); None for anything else."""
    text = str(value).strip().lower()
    return True if text in PASSED_WORDS else False if text in FAILED_WORDS else None


def applies(value: object) -> bool | None:
    """Whether a veto item applies: 存在 → True, 不存在 → False; None for anything else."""
    text = str(value).strip().lower()
    return True if text in APPLIES_WORDS else False if text in DOES_NOT_APPLY_WORDS else None
