"""A point of the county's MILP read back as the plan's actions and their data changes (contracts.md §3)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from junheng.plan.costs import SHARED_ACTION_COLUMNS, TRANSFER_TEACHER, UnitCosts
from junheng.plan.model import FULL_TIME, TEACHER_MOVES, TRANSFER_TYPES, CountyModel
from junheng.plan.result import Action, Change
from junheng.schema import FIELDS_BY_KEY, Kind


def actions_of(model: CountyModel, values: np.ndarray) -> tuple[Action, ...]:
    """The point `values` of the model as actions, quantities made whole or rounded up to the cent (never
    below the model's), teachers sent paired with those received (contracts.md §3)."""
    costs = model.costs
    actions: list[Action] = []
    for (school_id, kind), column in model.shared.items():
        data_column = SHARED_ACTION_COLUMNS[kind]
        quantity = _quantity(values[column], integer=FIELDS_BY_KEY[data_column].kind is Kind.INTEGER)
        if quantity > 0:
            actions.append(_action(costs, kind, quantity, [Change(school_id, data_column, quantity)]))
    for (p, move), column in model.moves.items():
        quantity = _quantity(values[column], integer=True)
        if quantity > 0:
            part = model.parts[p]
            kind, stems = TEACHER_MOVES[move]
            columns = [f"{stem}_{part.level}" for stem in stems]
            if move.startswith("hire"):
                columns += _full_time(model, part.school_id, part.level)
            actions.append(_action(costs, kind, quantity, [Change(part.school_id, c, quantity) for c in columns]))
    actions += _transfers(model, values)
    return tuple(actions)


def _transfers(model: CountyModel, values: np.ndarray) -> list[Action]:
    """Pair the teachers each school sends with those others receive, in the schools' order."""
    actions: list[Action] = []
    for level in model.standard.levels:
        for t, stems in TRANSFER_TYPES.items():
            sources = _amounts(model, model.transfers_out, values, level, t)
            sinks = _amounts(model, model.transfers_in, values, level, t)
            while sources and sinks:
                (src, available), (dst, wanted) = sources[0], sinks[0]
                n = min(available, wanted)
                columns = [f"{stem}_{level}" for stem in stems]
                changes = [Change(src, c, -n) for c in columns + _full_time(model, src, level)] + [
                    Change(dst, c, n) for c in columns + _full_time(model, dst, level)
                ]
                actions.append(_action(model.costs, TRANSFER_TEACHER, n, changes))
                sources[0], sinks[0] = (src, available - n), (dst, wanted - n)
                sources = [s for s in sources if s[1] > 0]
                sinks = [s for s in sinks if s[1] > 0]
    return actions


def _amounts(
    model: CountyModel, columns: dict[tuple[int, str], int], values: np.ndarray, level: str, t: str
) -> list[tuple[str, float]]:
    out = []
    for (p, tt), column in columns.items():
        quantity = _quantity(values[column], integer=True)
        if tt == t and model.parts[p].level == level and quantity > 0:
            out.append((model.parts[p].school_id, quantity))
    return out


def _full_time(model: CountyModel, school_id: str, level: str) -> list[str]:
    """A new, arriving or leaving teacher is also a full-time one where the school's row reports those."""
    column = f"{FULL_TIME}_{level}"
    return [column] if model.schools[school_id].get(column) is not None else []


def _quantity(value: float, *, integer: bool) -> float:
    if integer:
        return float(round(value))
    return math.ceil(round(value, 6) * 100) / 100 if value > 1e-7 else 0.0


def _action(costs: UnitCosts, kind: str, quantity: float, changes: Sequence[Change]) -> Action:
    return Action(kind, quantity, quantity * costs[kind], tuple(changes))
