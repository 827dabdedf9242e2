"""Several counties' assessments at once, for the city and province home pages (issue 14).

After records change in a few of a province's counties, its home assesses those counties again. One by
one (`services.county_assessment`) each costs about ten queries; here the records of all of them come in
one query (their evaluations kept as `collection.tables.county_year` keeps them) and their county
figures, decisions and veto checks in one query each. Each county's table is evaluated on its own,
exactly as its own page evaluates it, so every state is the one its page shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from junheng import assessment as core
from junheng.web.assessment.models import CountyFigures, Judgement, VetoCheck
from junheng.web.assessment.services import decision_of, veto_check_of
from junheng.web.collection import tables
from junheng.web.collection.services import standard_for
from junheng.web.orgs.models import Organisation, under_any
from junheng.web.survey.services import survey_tally


def county_assessments(counties: Sequence[Organisation], year: int) -> dict[int, core.Assessment]:
    """Each county's assessment of `year` by id, equal to `services.county_assessment`'s.

    The caller has reached every county through the region it shows (`orgs.scope`); nothing here checks it.
    """
    if not counties:
        return {}
    ids = [county.pk for county in counties]
    evaluated = tables.counties_year(counties, year)
    figures = dict(CountyFigures.objects.filter(county__in=ids, year=year).values_list("county", "figures"))
    decisions: dict[int, dict[str, core.Decision]] = defaultdict(dict)
    found = (
        Judgement.objects.filter(county__in=ids, year=year).select_related("decided_by").prefetch_related("evidence")
    )
    for judgement in found:
        decisions[judgement.county_id][judgement.item_id] = decision_of(judgement)
    vetoes: dict[int, dict[str, core.VetoCheck]] = defaultdict(dict)
    checks = (
        VetoCheck.objects.filter(county__in=ids, year=year).select_related("checked_by").prefetch_related("evidence")
    )
    for check in checks:
        vetoes[check.county_id][check.key] = veto_check_of(check)
    schools = _schools(counties)
    assessed = {}
    for county in counties:
        stored = evaluated[county.pk]
        assessed[county.pk] = core.assess(
            stored.table,
            standard_for(county),
            county=county.name,
            year=year,
            figures=figures.get(county.pk) or {},
            decisions=decisions[county.pk],
            vetoes=vetoes[county.pk],
            survey=survey_tally(county=county, year=year),
            evaluation=stored.evaluation,
            school_ids=schools[county.pk],
        )
    return assessed


def _schools(counties: Sequence[Organisation]) -> dict[int, dict[str, int]]:
    """Each county's schools, 学校标识码 to id, in one query."""
    below = under_any(counties)
    by_path = {county.path: county.pk for county in counties}
    found: dict[int, dict[str, int]] = {county.pk: {} for county in counties}
    for code, pk, path in Organisation.objects.filter(below, kind=Organisation.Kind.SCHOOL).values_list(
        "code", "pk", "path"
    ):
        owner = next(c for p, c in by_path.items() if path.startswith(p))
        found[owner][code] = pk
    return found
