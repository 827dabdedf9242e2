"""The naive plan, a point of the county's MILP that needs no solver (issue 10 §2).

Fill every school part's shortfalls to the thresholds with the cheapest action that adds each
resource (standard.md §2), then lift the lowest parts of every difference coefficient still over its
limit to a common level, the lowest that brings it within (§3), until none is over. It is the plan a
bureau would draw by hand: never cheap, always there when any plan is, and the planner's start.
The same lift repairs a solution of the MILP whose coefficients are still over their limits.
"""

from __future__ import annotations

import numpy as np

from junheng.messages import level_label
from junheng.plan.costs import SHARED_ACTION_COLUMNS
from junheng.plan.milp import INF
from junheng.plan.model import TEACHER_MOVES, TRANSFER_TYPES, CountyModel
from junheng.plan.spread import Spread, crossing

# Lifts aim this far inside the limit (relative), inside the cuts' own aim (model.CV_AIM): a lifted plan
# satisfies every cut, so it can be the inside end of the optimiser's line searches.
LIFT_AIM = 1e-3
_SWEEPS = 30
_NOISE = 1e-9


def naive_point(model: CountyModel, spreads: list[Spread]) -> np.ndarray | None:
    """Every shortfall filled, then the lowest parts lifted: a point of the model (None where the lift
    cannot bring a coefficient within its limit, which `blocked` explains)."""
    x = np.zeros(len(model.milp.cost))
    by_part = {(int(p), s.indicator.id): (s, i) for s in spreads for i, p in enumerate(s.parts)}
    for p, part in enumerate(model.parts):
        for ind in model.standard.indicators:
            spread, i = by_part[(p, ind.id)]
            threshold = float(ind.thresholds[part.level])
            needed = spread.round_up(spread.whole_for(threshold)[i : i + 1] - spread.whole_of(x, i))[0]
            if needed > 0 and not _add(model, x, p, spread, needed):
                return None
    for column in model.passes:
        x[column] = 1.0
    for column in model.meets:
        x[column] = 1.0
    return lifted(model, spreads, x)


def rounded(model: CountyModel, spreads: list[Spread], relaxed: np.ndarray) -> np.ndarray | None:
    """A point of the linear relaxation made a plan: whole quantities rounded to the nearest (teachers
    sent and received rounded down and paired), every part's indicators filled to their thresholds in the
    order the relaxation meets them most until the school rule holds (standard.md §2), the others to
    their floors, then the lowest parts lifted (§3): what rounding down took, the fill and the lift put
    back where it is needed. Within about 1 % of the relaxation's cost on unequal counties of 300 schools."""
    rule = model.standard.school_rule
    assert rule is not None
    x = relaxed.copy()
    integral = np.array(model.milp.integer)
    x[integral] = np.floor(x[integral] + 0.5)
    _pair_transfers(model, relaxed, x)
    by_part = {(int(p), s.indicator.id): (s, i) for s in spreads for i, p in enumerate(s.parts)}
    indicators = model.standard.indicators
    for p, part in enumerate(model.parts):
        meets = relaxed[model.meets[p * len(indicators) : (p + 1) * len(indicators)]]
        for rank, k in enumerate(np.argsort(-meets, kind="stable")):
            ind = indicators[int(k)]
            spread, i = by_part[(p, ind.id)]
            aim = ind.thresholds[part.level]
            level = float(aim if rank < rule.min_met else rule.floor(aim))
            needed = spread.round_up(spread.whole_for(level)[i : i + 1] - spread.whole_of(x, i))[0]
            if needed > 0 and not _add(model, x, p, spread, needed):
                return None
    x[model.passes] = 1.0
    x[model.meets] = 1.0
    return lifted(model, spreads, x)


def _pair_transfers(model: CountyModel, relaxed: np.ndarray, x: np.ndarray) -> None:
    """Teachers sent and received rounded down, then the larger side cut to the smaller, part by part
    from the largest, so that every teacher received is one sent (contracts.md §3)."""
    for level in model.standard.levels:
        for t in TRANSFER_TYPES:
            ins = [c for (p, tt), c in model.transfers_in.items() if tt == t and model.parts[p].level == level]
            outs = [c for (p, tt), c in model.transfers_out.items() if tt == t and model.parts[p].level == level]
            x[ins] = np.floor(relaxed[ins] + 1e-6)
            x[outs] = np.floor(relaxed[outs] + 1e-6)
            excess = float(x[ins].sum() - x[outs].sum())
            side = ins if excess > 0 else outs
            for column in sorted(side, key=lambda c: -x[c]):
                if excess == 0:
                    break
                take = min(x[column], abs(excess))
                x[column] -= take
                excess -= take if excess > 0 else -take


def lifted(model: CountyModel, spreads: list[Spread], x: np.ndarray, *, aim: float = LIFT_AIM) -> np.ndarray | None:
    """x with the lowest parts of every coefficient over its limit lifted to a common level.

    A school's shared resource lifted for one 学段 raises its other 学段 too, so the coefficients are
    swept until none is over (None if they do not settle: a resource no action adds).
    """
    x = x.copy()
    for _ in range(_SWEEPS):
        over = [s for s in spreads if s.cv_at(x) > s.limit * (1 - aim)]
        if not over:
            return x
        for spread in over:
            amounts = _lift(spread, x, spread.limit * (1 - aim))
            if amounts is None:
                return None
            for i in np.flatnonzero(amounts > 0):
                if not _add(model, x, int(spread.parts[i]), spread, float(amounts[i])):
                    return None
    return None


def toward(
    model: CountyModel, spreads: list[Spread], inside: np.ndarray, outside: np.ndarray, *, aim: float = LIFT_AIM
) -> np.ndarray | None:
    """The point of the segment from a plan inside every limit to one outside, as far out as every
    coefficient allows, made whole (transfers those of the nearer end) and lifted where rounding tipped
    a coefficient over: a plan between the two in cost, often near the cheaper."""
    share = min(
        (crossing(s, inside, outside, s.limit * (1 - aim)) for s in spreads if s.cv_at(outside) > s.limit * (1 - aim)),
        default=1.0,
    )
    point = inside + share * (outside - inside)
    integral = np.array(model.milp.integer)
    point[integral] = np.ceil(point[integral] - 1e-6)
    transfers = [*model.transfers_in.values(), *model.transfers_out.values()]
    point[transfers] = (outside if share >= 0.5 else inside)[transfers]
    return lifted(model, spreads, point, aim=aim)


def _lift(spread: Spread, x: np.ndarray, aim: float) -> np.ndarray | None:
    """Resource to add to each part: the lowest level every part is raised to that meets `aim`."""
    whole = spread.whole(x)
    values = spread.values(whole)

    def amounts(level: float) -> np.ndarray:
        return spread.round_up(spread.whole_for(level) - whole)

    def within(level: float) -> bool:
        return spread.cv(spread.values(whole + amounts(level))) <= aim

    low = float(values.min())
    high = max(float(values.max()), float(spread.indicator.thresholds[spread.level]), _NOISE)
    for _ in range(60):
        if within(high):
            break
        high *= 2
    else:
        return None
    for _ in range(50):
        mid = (low + high) / 2
        low, high = (low, mid) if within(mid) else (mid, high)
    return amounts(high)


def _add(model: CountyModel, x: np.ndarray, p: int, spread: Spread, amount: float) -> bool:
    """Add `amount` of the part's resource to x by its cheapest actions; False if none adds it."""
    ind = spread.indicator
    school_id = model.parts[p].school_id
    if not ind.per_level_resource:
        kinds = [kind for kind, column in SHARED_ACTION_COLUMNS.items() if column == ind.resource]
        columns = [model.shared[(school_id, kind)] for kind in kinds if (school_id, kind) in model.shared]
        if not columns:
            return False
        x[columns[0]] += amount
        return True
    moves = sorted(
        (
            (m, model.moves[(p, m)])
            for m, (_, stems) in TEACHER_MOVES.items()
            if ind.resource in stems and (p, m) in model.moves
        ),
        key=lambda pair: model.milp.cost[pair[1]],
    )
    left = amount
    for move, column in moves:
        room = _room(model, x, p, move, column)
        if room <= 0:
            continue
        take = min(left, room)
        x[column] += take
        left -= take
        if left <= 0:
            return True
    if left > 0 and any(m == "train" for m, _ in moves) and (p, "hire") in model.moves:
        # Training beyond the teachers a part has needs new teachers to train: hire them, then train.
        x[model.moves[(p, "hire")]] += left
        x[model.moves[(p, "train")]] += left
        return True
    return left <= 0


def _room(model: CountyModel, x: np.ndarray, p: int, move: str, column: int) -> float:
    """How many more of a move the part can take: its bound, and for training the teachers it has."""
    room = model.milp.upper[column] - x[column]
    if move == "train":
        hires = sum(x[model.moves[(p, m)]] for m in ("hire", "hire_pe_art") if (p, m) in model.moves)
        room = min(room, model.trainable[p] + hires - x[column])
    return float(max(room, 0.0))


def blocked(model: CountyModel, spreads: list[Spread]) -> str | None:
    """Why no plan can exist, or None: a school part or a coefficient that only a resource no action
    adds could bring up (standard.md §2, §3; a standard's variant may add such an indicator)."""
    rule = model.standard.school_rule
    assert rule is not None
    fixed: dict[int, list[tuple[Spread, int]]] = {}
    for spread in spreads:
        raisable = np.zeros(len(spread.parts), dtype=bool)
        for row, col, coef in zip(spread.rows, spread.cols, spread.coefs, strict=True):
            if coef > 0 and model.milp.upper[col] == INF:
                raisable[row] = True
        for i in np.flatnonzero(~raisable):
            fixed.setdefault(int(spread.parts[i]), []).append((spread, int(i)))
        if not raisable.any() and spread.cv_at(np.zeros(len(model.milp.cost))) > spread.limit:
            ind = spread.indicator
            return (
                f"{level_label(spread.level)}{ind.id}（{ind.name}）差异系数超过限值 {spread.limit}，"
                f"而没有任何措施能增加“{ind.resource}”，无法达标"
            )
    zero = np.zeros(len(model.milp.cost))
    for p, items in fixed.items():
        part = model.parts[p]
        short = []
        for spread, row in items:
            value = spread.values(spread.whole(zero))[row]
            threshold = float(spread.indicator.thresholds[part.level])
            if value < float(rule.floor(spread.indicator.thresholds[part.level])) - _NOISE:
                return (
                    f"学校 {part.school_id}（{level_label(part.level)}）的 {spread.indicator.id} 为 {value:.4g}，"
                    f"低于下限，而没有任何措施能增加“{spread.indicator.resource}”，无法达标"
                )
            if value < threshold - _NOISE:
                short.append(spread.indicator.id)
        if len(short) > len(model.standard.indicators) - rule.min_met:
            return (
                f"学校 {part.school_id}（{level_label(part.level)}）的 {'、'.join(short)} 未达到标准，"
                "而没有任何措施能增加其资源，无法满足学校达标规则"
            )
    return None
