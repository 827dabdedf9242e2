"""Plans as the JSON of `junheng plan --format json`, contracts.md §3."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from junheng.io.evaluation_json import evaluation_to_json
from junheng.io.finite import finite
from junheng.plan import CountyPlan
from junheng.plan.result import Search


def plan_to_json(plans: Sequence[CountyPlan]) -> dict[str, Any]:
    """`{"counties": [...]}` as contracts.md §3 lays it out; `reason` says why a county is infeasible
    (or, with a budget, why it still fails), null otherwise; `search` how the plan was found (why the
    search stopped, the proved lower bound on the cost, docs/cli.md), null where nothing was solved."""
    return {"counties": [_county(p) for p in plans]}


def dumps(plans: Sequence[CountyPlan]) -> str:
    """The JSON text, Chinese left readable."""
    return json.dumps(plan_to_json(plans), ensure_ascii=False, allow_nan=False)


def _county(plan: CountyPlan) -> dict[str, Any]:
    after = evaluation_to_json(plan.after)["counties"]
    return {
        "county": plan.county,
        "year": plan.year,
        "status": plan.status,
        "gap": finite(plan.gap),
        "total_cost": finite(plan.total_cost),
        "actions": [
            {
                "kind": a.kind,
                "quantity": finite(a.quantity),
                "cost": finite(a.cost),
                "changes": [
                    {"school_id": c.school_id, "column": c.column, "delta": finite(c.delta)} for c in a.changes
                ],
            }
            for a in plan.actions
        ],
        "after": after[0] if after else None,
        "reason": plan.reason,
        "search": _search(plan.search),
    }


def _search(search: Search | None) -> dict[str, Any] | None:
    if search is None:
        return None
    return {
        "stopped": search.stopped,
        "rounds": search.rounds,
        "lower_bound": finite(search.lower_bound),
        "solver_status": search.solver_status,
        "source": search.source,
        "time_limit": finite(search.time_limit),
        "note": search.note(),
    }
