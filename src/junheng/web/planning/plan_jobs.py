"""Solving a plan as a background job (it may take up to ~20 s): started by the plan page's form, shown by
the page once done, its workbook downloaded from the job.

The solved plan is kept on the job, pickled: it is this program's own object, read back only by this
program; a plan kept by an older version that no longer reads is asked for again.
"""

from __future__ import annotations

import logging
import pickle
from typing import Any

from django.core.exceptions import PermissionDenied

from junheng.web.jobs import services as jobs
from junheng.web.jobs.models import Job
from junheng.web.orgs import scope
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User
from junheng.web.planning import services

logger = logging.getLogger(__name__)


def start_plan(
    *,
    user: User,
    county: Organisation,
    year: int,
    budget: float | None,
    target_year: int | None,
    yearly_budget: float | None,
) -> Job:
    """Queue the plan the form asks for (the county office only)."""
    if not scope.can_manage(user, county):
        raise PermissionDenied("只有县级督导部门可以制定达标规划")
    params = {"budget": budget, "target_year": target_year, "yearly_budget": yearly_budget}
    return jobs.start(kind=Job.Kind.PLAN, county=county, year=year, user=user, params=params, steps=1)


def plan_job(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    """The runner of `Job.Kind.PLAN`: the plan (or the plan for a target year) and, for a year's plan,
    its workbook."""
    params: dict[str, Any] = job.params
    target = params.get("target_year")
    if target is not None:
        progress(f"正在推算 {target} 年的在校生并求解规划")
        ahead = services.county_plan_ahead(
            user=job.user,
            county_id=job.county_id,
            year=job.year,
            target_year=int(target),
            yearly_budget=params.get("yearly_budget"),
        )
        return jobs.Outcome(shown=pickle.dumps(ahead))
    progress("正在求解达标规划")
    result = services.county_plan(user=job.user, county_id=job.county_id, year=job.year, budget=params.get("budget"))
    name, workbook = services.workbook_of(result)
    return jobs.Outcome(file_name=name, file=workbook, shown=pickle.dumps(result))


def shown_plan(job: Job) -> services.PlanResult | services.AheadResult | None:
    """The finished job's plan, or None when it can no longer be read (kept by an older version)."""
    kept = Job.objects.filter(pk=job.pk).values_list("shown", flat=True).first()
    if not kept:
        return None
    try:
        found = pickle.loads(bytes(kept))  # written by plan_job above, never by a user
    except Exception:
        logger.warning("plan job %s: the kept plan no longer reads", job.pk, exc_info=True)
        return None
    return found if isinstance(found, services.PlanResult | services.AheadResult) else None
