"""A city's or province's counties' states (`states.CountyState`), composed from what is kept.

Each county-year's state is kept (`collection.kept`) under a version of everything its assessment
(`assessment.services.county_assessment`) reads: the data version of its school records
(`collection.data_versions`), and, which no data version covers, its county figures, the decisions on
its judgement items, its veto checks, and its survey's links and responses. A region's home reads these
for all its counties in a fixed number of queries and the kept states in one cache read, then assesses
only the counties whose version changed, and keeps them in one cache write.

The inputs beyond the records are read as they stand, not through a token their writers renew: a
county's figures, decisions and checks are a few rows, and a survey's answers are written only with a
new response (`survey.services.submit_answers`) and never changed, so its links and responses counted,
with the newest response, tell every change of its tally. Only what the state shows of them enters
the version: a decision's note or evidence changes no state.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from junheng.web.assessment.many import county_assessments
from junheng.web.assessment.models import CountyFigures, Judgement, VetoCheck
from junheng.web.collection import kept
from junheng.web.collection.data_versions import tokens
from junheng.web.home import states
from junheng.web.orgs.models import Organisation
from junheng.web.survey.models import Invitation, Response, Survey

# A county-year nobody has written records of has no data version; its state is kept under this one
# only while the collection counts no record of it (a record without a version is never kept).
NO_RECORDS = "no records"


@dataclass(frozen=True, slots=True)
class Inputs:
    """What the assessments of some counties' year read, besides their records, as version parts."""

    year: int
    records: dict[int, str]
    others: dict[int, list[str]]


def read_inputs(counties: Sequence[Organisation], year: int) -> Inputs:
    """The records' data version and the other inputs of each county's assessment in `year`, in five queries.

    Read before anything the states are computed from, so that what is kept is never older than its version.
    """
    ids = [c.pk for c in counties]
    records = {county: token for (county, _), token in tokens(ids, [year]).items()}
    others: dict[int, list[str]] = {pk: [] for pk in ids}
    for county, figures in CountyFigures.objects.filter(county__in=ids, year=year).values_list("county", "figures"):
        others[county].append("figures " + json.dumps(figures, sort_keys=True))
    decisions = Judgement.objects.filter(county__in=ids, year=year).order_by("item_id")
    for county, item, decision in decisions.values_list("county", "item_id", "decision"):
        others[county].append(f"judgement {item} {decision}")
    checks = VetoCheck.objects.filter(county__in=ids, year=year).order_by("key")
    for county, key, applies in checks.values_list("county", "key", "applies"):
        others[county].append(f"veto {key} {applies}")
    for county, *tally in _surveys(ids, year):
        others[county].append("survey " + " ".join(map(str, tally)))
    return Inputs(year, records, others)


def _surveys(county_ids: list[int], year: int) -> list[tuple[int, int, int, int, int]]:
    """Each survey of `year`: its county, id, links issued, responses and newest response, in one query."""

    def counted(model: type[Invitation] | type[Response], aggregate: Count | Max) -> Coalesce:
        rows = model.objects.filter(survey=OuterRef("pk")).order_by().values("survey")
        return Coalesce(Subquery(rows.annotate(n=aggregate).values("n")), Value(0), output_field=IntegerField())

    found = Survey.objects.filter(county__in=county_ids, year=year).annotate(
        issued=counted(Invitation, Count("pk")),
        answered=counted(Response, Count("pk")),
        newest=counted(Response, Max("pk")),
    )
    return list(found.values_list("county", "pk", "issued", "answered", "newest"))


def county_states(
    *, counties: Sequence[Organisation], inputs: Inputs, recorded: Mapping[int, int]
) -> dict[int, states.CountyState]:
    """Each county's state in `inputs.year`, by id: kept ones in one cache read, the others assessed
    together (`assessment.many`). The caller has reached `counties` through the region it shows.

    `recorded` counts each county's records of the year as the collection read them after `inputs`.
    """
    year = inputs.year
    by_key = {f"home-county-state:{c.pk}:{year}:{c.standard_name()}": c for c in counties}

    def assessed(keys: Sequence[str]) -> dict[str, states.CountyState]:
        found = county_assessments([by_key[key] for key in keys], year)
        return {key: states.state_of(found[by_key[key].pk], by_key[key].pk, year) for key in keys}

    versions = {key: _version(county.pk, inputs, recorded) for key, county in by_key.items()}
    found = kept.kept_many(versions, assessed)
    return {by_key[key].pk: state for key, state in found.items()}


def _version(county: int, inputs: Inputs, recorded: Mapping[int, int]) -> str | None:
    records = inputs.records.get(county)
    if records is None:
        if recorded.get(county, 0):
            return None
        records = NO_RECORDS
    parts = [records, *inputs.others[county]]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
