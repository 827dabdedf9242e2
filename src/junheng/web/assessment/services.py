"""One service function per thing the county office does for the evaluation, and the county's assessment.

Keyword-only, with authorisation inside (`orgs.scope`): anyone who sees a county reads its assessment;
only its county office (or a superuser) records figures, judgements and veto checks. They raise
`Http404` for a county outside the user's reach, `PermissionDenied` for a role that may only read,
and `AssessmentError` for input the standard does not allow (nothing is stored then).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from junheng import assessment as core
from junheng.assessment import entries
from junheng.engine import Evaluation
from junheng.standards import Standard
from junheng.web import evidence
from junheng.web.assessment.models import CountyFigures, Evidence, Judgement, VetoCheck
from junheng.web.collection import tables
from junheng.web.collection.services import standard_for
from junheng.web.orgs import lookups
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User
from junheng.web.survey.services import survey_tally

RECORDERS_ONLY = "只有县级督导室可以录入评估数据和认定结果"


class AssessmentError(Exception):
    """Input the standard does not allow, with one message per field (or item) at fault."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__("；".join(problems.values()))
        self.problems = dict(problems)


def _by(user: User) -> Any:
    return user if user.is_authenticated else None


# The county figures


def catalogue(standard: Standard) -> dict[str, dict[str, Any]]:
    """The standard's [county_figures]: key → {label, unit, kind ("flag" or "number")}."""
    return {
        key: {"label": figure.label, "unit": figure.unit, "kind": figure.kind}
        for key, figure in standard.county_figures.items()
    }


def county_figures(*, user: User, county_id: int, year: int) -> dict[str, Any]:
    """The figures the county entered for the year (empty when none)."""
    county = lookups.visible_county(user, county_id)
    found = CountyFigures.objects.filter(county=county, year=year).first()
    return dict(found.figures) if found is not None else {}


@transaction.atomic
def save_county_figures(*, user: User, county_id: int, year: int, figures: Mapping[str, object]) -> CountyFigures:
    """Store the county's figures of the year, replacing what was there; a blank value is "not entered".

    Every key must be in the standard's catalogue; numbers must be ≥ 0 and flags yes or no.
    """
    county = lookups.managed_county(user, county_id, refusal=RECORDERS_ONLY)
    spec = catalogue(standard_for(county))
    problems: dict[str, str] = {}
    clean: dict[str, int | float | bool] = {}
    for key, value in figures.items():
        if key not in spec:
            problems[key] = f"“{key}”不是本标准的县级数据项"
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        label = spec[key]["label"]
        parsed = entries.figure(spec[key]["kind"], value)
        if parsed is None:
            wanted = "“是”或“否”" if spec[key]["kind"] == "flag" else "不小于 0 的数值"
            problems[key] = f"{label}：“{value}”无效，应为{wanted}"
        else:
            clean[key] = parsed
    if problems:
        raise AssessmentError(problems)
    stored, _ = CountyFigures.objects.update_or_create(
        county=county, year=year, defaults={"figures": clean, "updated_by": _by(user)}
    )
    return stored


# Judgements and vetoes


def judgement_items(standard: Standard) -> dict[str, str]:
    """The items left to judgement (kind = "judgement"), id → name, in the standard's order."""
    return {
        item_id: item.name
        for section in (core.model.GUARANTEE, core.model.QUALITY)
        for item_id, item in standard.items(section).items()
        if item.kind == "judgement"
    }


def veto_items(standard: Standard) -> dict[str, str]:
    """The standard's [veto].items, key → label."""
    return {item.key: item.label for item in standard.veto}


@transaction.atomic
def record_judgement(
    *,
    user: User,
    county_id: int,
    year: int,
    item_id: str,
    passed: bool,
    note: str = "",
    files: Sequence[UploadedFile[bytes]] = (),
) -> Judgement:
    """Record (or change) the decision on a judgement item, adding any evidence files to it."""
    county = lookups.managed_county(user, county_id, refusal=RECORDERS_ONLY)
    _check_evidence(county, files)
    items = judgement_items(standard_for(county))
    if item_id not in items:
        raise AssessmentError({"item_id": f"“{item_id}”不是需要认定的评估项；可认定的有 {'、'.join(items)}"})
    decision = Judgement.Decision.PASS if passed else Judgement.Decision.FAIL
    judgement, _ = Judgement.objects.update_or_create(
        county=county,
        year=year,
        item_id=item_id,
        defaults={"decision": decision, "note": note.strip(), "decided_by": _by(user)},
    )
    _attach(user, county, year, files, judgement=judgement)
    return judgement


@transaction.atomic
def set_veto_check(
    *,
    user: User,
    county_id: int,
    year: int,
    key: str,
    applies: bool,
    note: str = "",
    files: Sequence[UploadedFile[bytes]] = (),
) -> VetoCheck:
    """Record whether a veto item applies to the county this year, with any evidence files."""
    county = lookups.managed_county(user, county_id, refusal=RECORDERS_ONLY)
    _check_evidence(county, files)
    items = veto_items(standard_for(county))
    if key not in items:
        raise AssessmentError({"key": f"“{key}”不是本标准的一票否决项"})
    check, _ = VetoCheck.objects.update_or_create(
        county=county, year=year, key=key, defaults={"applies": applies, "note": note.strip(), "checked_by": _by(user)}
    )
    _attach(user, county, year, files, veto=check)
    return check


def _check_evidence(county: Organisation, files: Sequence[UploadedFile[bytes]]) -> None:
    """AssessmentError, before anything is stored, for files the evidence rules refuse (web/evidence.py)."""
    try:
        evidence.check_uploads(county, files)
    except evidence.EvidenceRefused as exc:
        raise AssessmentError({"files": str(exc)}) from exc


def _attach(
    user: User,
    county: Organisation,
    year: int,
    files: Sequence[UploadedFile[bytes]],
    *,
    judgement: Judgement | None = None,
    veto: VetoCheck | None = None,
) -> None:
    for upload in files:
        name = upload.name or "佐证材料"
        Evidence.objects.create(
            county=county, year=year, judgement=judgement, veto=veto, file=upload, name=name, uploaded_by=_by(user)
        )


def evidence_file(*, user: User, evidence_id: int) -> Evidence:
    """An evidence file, if its county is within the user's reach; 404 otherwise, whether or not it exists."""
    found = Evidence.objects.filter(pk=evidence_id).first()
    county_id = found.county_id if found is not None else 0
    lookups.visible_county(user, county_id)
    assert found is not None
    return found


# The assessment


def county_assessment(*, user: User, county_id: int, year: int) -> core.Assessment:
    """The four dimensions and the veto items of a county's year (standard.md §1), from the core's `assess`:
    the stored records by the one road (evaluated once until they change), the county figures, the
    recorded judgements and veto checks, and the survey's answers."""
    county = lookups.visible_county(user, county_id)
    stored = tables.county_year(county, year)
    return _assessed(county, year, stored.table, stored.evaluation)


def assessment_after(
    *, user: User, county_id: int, year: int, table: pl.DataFrame, evaluation: Evaluation
) -> core.Assessment:
    """The assessment the county would have if its schools' data were `table` (evaluated as `evaluation`),
    with its figures, decisions, veto checks and survey as recorded for `year`: a plan's outcome over the
    four dimensions."""
    county = lookups.visible_county(user, county_id)
    return _assessed(county, year, table, evaluation)


def _assessed(county: Organisation, year: int, table: pl.DataFrame, evaluation: Evaluation) -> core.Assessment:
    standard = standard_for(county)
    school_ids = dict(county.subtree().filter(kind=Organisation.Kind.SCHOOL).values_list("code", "pk"))
    figures = CountyFigures.objects.filter(county=county, year=year).first()
    return core.assess(
        table,
        standard,
        county=county.name,
        year=year,
        figures=figures.figures if figures else {},
        decisions=_decisions(county, year),
        vetoes=_veto_checks(county, year),
        survey=survey_tally(county=county, year=year),
        evaluation=evaluation,
        school_ids=school_ids,
    )


def _evidence(rows: Iterable[Evidence]) -> tuple[core.Evidence, ...]:
    return tuple(core.Evidence(e.pk, e.name) for e in rows)


def _name(user: Any) -> str:
    return "" if user is None else str(user.get_full_name() or user.get_username())


def _decisions(county: Organisation, year: int) -> dict[str, core.Decision]:
    found = Judgement.objects.filter(county=county, year=year).select_related("decided_by").prefetch_related("evidence")
    return {j.item_id: decision_of(j) for j in found}


def decision_of(judgement: Judgement) -> core.Decision:
    """A stored judgement as the core's decision (its evidence prefetched by the caller)."""
    return core.Decision(
        judgement.decision == Judgement.Decision.PASS,
        judgement.note,
        _name(judgement.decided_by),
        judgement.decided_at,
        _evidence(judgement.evidence.all()),
    )


def _veto_checks(county: Organisation, year: int) -> dict[str, core.VetoCheck]:
    found = VetoCheck.objects.filter(county=county, year=year).select_related("checked_by").prefetch_related("evidence")
    return {c.key: veto_check_of(c) for c in found}


def veto_check_of(check: VetoCheck) -> core.VetoCheck:
    """A stored veto check as the core's (its evidence prefetched by the caller)."""
    return core.VetoCheck(
        check.applies, check.note, _name(check.checked_by), check.checked_at, _evidence(check.evidence.all())
    )
