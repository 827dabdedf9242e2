"""One assessment of a county's year over the whole standard (standard.md §1–§7), from plain inputs.

`assess` takes the county-year's school table, the figures the county entered, the county office's
recorded decisions and veto checks, the survey's answers and the standard, and returns the typed
`Assessment` every adapter renders: the platform's page and API, the report and `junheng assess`.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from junheng.assessment import items as build
from junheng.assessment.model import (
    DIMENSION_NAMES,
    GUARANTEE,
    QUALITY,
    RECOGNITION,
    RESOURCES,
    Assessment,
    Decision,
    Dimension,
    Item,
    Veto,
    VetoCheck,
)
from junheng.assessment.recognition import RecognitionSettings, Tally, recognition
from junheng.engine import Evaluation, evaluate
from junheng.engine.county_items import Figures, county_figure_items
from junheng.engine.guarantee import guarantee_items
from junheng.standards import Standard


def assess(
    schools: pl.DataFrame,
    standard: Standard,
    *,
    county: str,
    year: int,
    figures: Figures | None = None,
    decisions: Mapping[str, Decision] | None = None,
    vetoes: Mapping[str, VetoCheck] | None = None,
    survey: Tally | None = None,
    evaluation: Evaluation | None = None,
    school_ids: Mapping[str, int] | None = None,
) -> Assessment:
    """The four dimensions and the veto items of one county's year.

    `schools` holds that county-year's rows as the reader makes them; `evaluation` is its evaluation when
    the caller already has it (it is computed otherwise). `figures` are the county figures by key
    (`[county_figures]`), `decisions` the judgement items decided by id, `vetoes` the veto items checked
    by key, `survey` the survey's answers pooled over every group (None: no survey). `school_ids` maps a
    学校标识码 to the caller's own id for the school, carried into each school note.
    """
    evaluation = evaluate(schools, standard) if evaluation is None else evaluation
    ids = school_ids or {}
    decided = decisions or {}
    computed = {r.id: r for r in county_figure_items(standard, figures or {})}
    judged = guarantee_items(schools, standard) if _has_g3_to_g5(standard) else None
    dimensions = [Dimension(RESOURCES, DIMENSION_NAMES[RESOURCES], build.resource_items(evaluation, ids))]
    for section in (GUARANTEE, QUALITY):
        found: list[Item] = []
        for item_id, item in standard.items(section).items():
            if item.kind == "judgement":
                found.append(build.judgement_item(item_id, item.name, decided.get(item_id)))
            elif item.kind == "school_data" and judged is not None:
                found.append(build.school_data_item(item_id, item.name, judged, standard, ids))
            elif item_id in computed:
                found.append(build.figure_item(computed[item_id]))
        dimensions.append(Dimension(section, DIMENSION_NAMES[section], tuple(found)))
    settings = RecognitionSettings.from_standard(standard) if standard.recognition is not None else None
    rate = recognition(survey, settings) if survey is not None and settings is not None else None
    surveyed = build.recognition_item(rate, settings, standard.name)
    dimensions.append(Dimension(RECOGNITION, DIMENSION_NAMES[RECOGNITION], (surveyed,)))
    checked = vetoes or {}
    listed = tuple(Veto(v.key, v.label, checked.get(v.key)) for v in standard.veto)
    return Assessment(county, year, standard.name, standard.title, tuple(dimensions), listed)


def _has_g3_to_g5(standard: Standard) -> bool:
    return any(item.kind == "school_data" for item in standard.guarantee.values())
