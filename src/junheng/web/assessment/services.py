"""One service function per thing the county office does for the evaluation, and the verdict itself.

Keyword-only, with authorisation inside (`orgs.scope`): anyone who sees a county reads its verdict;
only its county office (or a superuser) records figures, judgements and veto checks. They raise
`Http404` for a county outside the user's reach, `PermissionDenied` for a role that may only read,
and `AssessmentError` for input the standard does not allow (nothing is stored then).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from junheng.engine.county_items import county_figure_items
from junheng.engine.guarantee import guarantee_items
from junheng.standards import Standard
from junheng.web import evidence
from junheng.web.assessment import verdict as v
from junheng.web.assessment.models import CountyFigures, Evidence, Judgement, VetoCheck
from junheng.web.collection import tables
from junheng.web.collection.services import standard_for
from junheng.web.orgs import lookups
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User

RECORDERS_ONLY = "只有县级督导室可以录入评估数据和认定结果"
YES = frozenset({"是", "yes", "true", "1"})
NO = frozenset({"否", "no", "false", "0"})


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
        parsed = _flag(value) if spec[key]["kind"] == "flag" else _amount(value)
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


def _flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in YES else False if text in NO else None


def _amount(value: object) -> int | float | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


# Judgements and vetoes


def judgement_items(standard: Standard) -> dict[str, str]:
    """The items left to judgement (kind = "judgement"), id → name, in the standard's order."""
    return {
        item_id: item.name
        for section in v.SECTIONS
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


# The verdict


def recognition_source() -> Callable[..., object] | None:
    """`survey.services.recognition_summary(county=, year=)` when the survey app provides it, else None."""
    try:
        survey = importlib.import_module("junheng.web.survey.services")
    except ImportError:
        return None
    found = getattr(survey, "recognition_summary", None)
    return found if callable(found) else None


def county_verdict(*, user: User, county_id: int, year: int) -> v.Verdict:
    """The four dimensions and the veto items of a county's year, standard.md §1."""
    county = lookups.visible_county(user, county_id)
    standard = standard_for(county)
    stored = tables.county_year(county, year)
    table = stored.table
    school_ids = dict(county.subtree().filter(kind=Organisation.Kind.SCHOOL).values_list("code", "pk"))
    figures = CountyFigures.objects.filter(county=county, year=year).first()
    computed = {r.id: r for r in county_figure_items(standard, figures.figures if figures else {})}
    schools = guarantee_items(table, standard)
    decisions = _decisions(county, year)
    dimensions = [v.Dimension("resources", v.RESOURCES, v.resource_items(stored.evaluation, school_ids))]
    for section, name in v.SECTIONS.items():
        items = []
        for item_id, item in standard.items(section).items():
            if item.kind == "judgement":
                items.append(v.judgement_item(item_id, item.name, decisions.get(item_id)))
            elif item.kind == "school_data":
                items.append(v.school_data_item(item_id, item.name, schools, standard, school_ids))
            elif item_id in computed:
                items.append(v.figure_item(computed[item_id]))
        dimensions.append(v.Dimension(section, name, tuple(items)))
    source = recognition_source()
    summary = source(county=county, year=year) if source is not None else None
    dimensions.append(v.Dimension("recognition", v.RECOGNITION, (v.recognition_item(summary, standard),)))
    return v.Verdict(county.pk, county.name, year, standard.name, tuple(dimensions), _vetoes(county, year, standard))


def _evidence(rows: Iterable[Evidence]) -> tuple[v.EvidenceNote, ...]:
    return tuple(v.EvidenceNote(e.pk, e.name) for e in rows)


def _name(user: Any) -> str:
    return "" if user is None else str(user.get_full_name() or user.get_username())


def _decisions(county: Organisation, year: int) -> dict[str, v.Decision]:
    found = Judgement.objects.filter(county=county, year=year).select_related("decided_by").prefetch_related("evidence")
    return {
        j.item_id: v.Decision(
            j.decision == Judgement.Decision.PASS,
            j.note,
            _name(j.decided_by),
            j.decided_at,
            _evidence(j.evidence.all()),
        )
        for j in found
    }


def _vetoes(county: Organisation, year: int, standard: Standard) -> tuple[v.Veto, ...]:
    checks = {
        c.key: c
        for c in VetoCheck.objects.filter(county=county, year=year)
        .select_related("checked_by")
        .prefetch_related("evidence")
    }
    vetoes = []
    for key, label in veto_items(standard).items():
        c = checks.get(key)
        if c is None:
            vetoes.append(v.Veto(key, label, None, "", "", None, ()))
        else:
            vetoes.append(
                v.Veto(key, label, c.applies, c.note, _name(c.checked_by), c.checked_at, _evidence(c.evidence.all()))
            )
    return tuple(vetoes)
