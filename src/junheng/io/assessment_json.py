"""An assessment as a JSON object: `junheng assess --format json` and `GET /api/counties/{id}/verdict`.

States are the words 达标 / 未达标 / 待判定; figures and thresholds are numbers (`value`, `bound`: a
share as a fraction when `unit` is "%"; null when not reported); the sentences a page shows ride along
(`figure`, `threshold`, `reason`, `reasons`) for a reader that only wants text. The shape is
docs/contracts.md §5.
"""

from __future__ import annotations

import json
import math
from typing import Any

from junheng.assessment import Assessment, Check, Decision, Evidence, Item, SchoolNote, State, Veto


def assessment_to_json(assessment: Assessment) -> dict[str, Any]:
    """The whole assessment: its state and counts, the four dimensions with their items, the veto items."""
    return {
        "county": assessment.county,
        "year": assessment.year,
        "standard": assessment.standard,
        "standard_title": assessment.standard_title,
        "state": str(assessment.state),
        "pass": assessment.passed,
        "failed": assessment.failed_count,
        "pending": assessment.pending_count,
        "reasons": list(assessment.reasons),
        "dimensions": [
            {
                "key": d.key,
                "name": d.name,
                "state": str(d.state),
                "pass": d.state is State.PASSED,
                "failed": len(d.failed),
                "pending": len(d.pending),
                "items": [_item(item) for item in d.items],
            }
            for d in assessment.dimensions
        ],
        "vetoes": [_veto(v) for v in assessment.vetoes],
    }


def dumps(assessments: list[Assessment]) -> str:
    """`{"assessments": [...]}` as indented text, Chinese left readable."""
    document = {"assessments": [assessment_to_json(a) for a in assessments]}
    return json.dumps(document, ensure_ascii=False, allow_nan=False, indent=2)


def _item(item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "kind": item.kind,
        "state": str(item.state),
        "pass": item.state.passed,
        "result": str(item.state),
        "checks": [_check(c) for c in item.checks],
        "schools": [_school(s) for s in item.schools],
        "judgement": None if item.decision is None else _decision(item.decision),
    }


def _check(check: Check) -> dict[str, Any]:
    return {
        "label": check.label,
        "value": _number(check.value),
        "bound": _number(check.bound),
        "comparison": check.comparison,
        "unit": check.unit,
        "state": str(check.state),
        "pass": check.state.passed,
        "figure": check.figure,
        "threshold": check.threshold,
        "reason": check.reason,
    }


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def _school(note: SchoolNote) -> dict[str, Any]:
    return {"id": note.id, "code": note.code, "name": note.name, "reason": note.reason, "state": str(note.state)}


def _decision(decision: Decision) -> dict[str, Any]:
    return {
        "pass": decision.passed,
        "note": decision.note,
        "decided_by": decision.decided_by,
        "decided_at": decision.decided_at.isoformat() if decision.decided_at else None,
        "evidence": [_evidence(e) for e in decision.evidence],
    }


def _evidence(evidence: Evidence) -> dict[str, Any]:
    return {"id": evidence.id, "name": evidence.name}


def _veto(veto: Veto) -> dict[str, Any]:
    check = veto.check
    return {
        "key": veto.key,
        "label": veto.label,
        "state": str(veto.state),
        "applies": veto.applies,
        "note": check.note if check else "",
        "checked_by": check.checked_by if check else "",
        "checked_at": check.checked_at.isoformat() if check and check.checked_at else None,
        "evidence": [_evidence(e) for e in check.evidence] if check else [],
    }
