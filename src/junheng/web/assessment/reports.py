"""The self-evaluation report of a county's year (自评报告), and the rectification ledger it keeps.

`county_report` gathers what `junheng.report` needs: the assessment of `services.county_assessment` (the
page's own), the engine's evaluation of the same stored data, the survey's rates per group and the
ledger. Anyone who sees the county may have the report; only its county office's report updates the
ledger, so that a supervisor's reading does not close a problem.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from junheng.report import bundle
from junheng.report.content import Report, SurveyGroup, build_report
from junheng.report.problems import LedgerEntry
from junheng.web.assessment import services
from junheng.web.assessment.models import Problem
from junheng.web.collection import tables
from junheng.web.jobs import services as jobs
from junheng.web.jobs.models import Job
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User
from junheng.web.survey.models import Survey
from junheng.web.survey.services import survey_results


def reportable(*, user: User, county_id: int) -> Organisation:
    """The county whose report the user may have: 404 outside the user's reach, 403 for an observer."""
    county = lookups.visible_county(user, county_id)
    if not scope.can_analyse(user, county):
        raise PermissionDenied("只有县级督导室和督学可以生成自评报告；观察员可以查看评估结果")
    return county


def start_report(*, user: User, county_id: int, year: int) -> Job:
    """Queue the report of a county's year as a background job (permissions checked before anything is queued)."""
    county = reportable(user=user, county_id=county_id)
    return jobs.start(kind=Job.Kind.REPORT, county=county, year=year, user=user, params={}, steps=REPORT_STEPS)


# 汇总 and the files of `bundle.render_zip`
REPORT_STEPS = 1 + len(bundle.STEPS)


def report_job(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    """The job's report (the runner of `Job.Kind.REPORT`): the zip of its three files."""
    progress("正在汇总评估结果与整改台账")
    report = county_report(user=job.user, county_id=job.county_id, year=job.year)
    name = f"{report.county}{report.year}年度自评报告.zip"
    return jobs.Outcome(file_name=name, file=bundle.render_zip(report, progress))


def county_report(*, user: User, county_id: int, year: int) -> Report:
    """The report of a county's year (404 outside the user's reach, 403 for an observer, before any work);
    the county office's updates the ledger."""
    county = reportable(user=user, county_id=county_id)
    assessment = services.county_assessment(user=user, county_id=county_id, year=year)
    evaluation = tables.county_year(county, year).evaluation  # kept by the assessment: evaluated once
    stored = _ledger_rows(county, year)
    report = build_report(
        assessment=assessment,
        evaluation=evaluation,
        survey=survey_groups(county, year),
        ledger=[LedgerEntry(p.key, p.text, p.year_found, p.closed_year) for p in stored],
    )
    if scope.can_manage(user, county):
        _store(county, stored, report.ledger)
    return report


def survey_groups(county: Organisation, year: int) -> tuple[SurveyGroup, ...]:
    """The survey's results per respondent group, as the survey's page gives them; () without a survey."""
    survey = Survey.objects.filter(county=county, year=year).select_related("county").first()
    if survey is None:
        return ()
    return tuple(
        SurveyGroup(
            g.label,
            g.recognition.issued,
            g.recognition.responses,
            g.recognition.valid,
            g.recognition.rate,
            g.recognition.return_rate,
        )
        for g in survey_results(survey).groups
    )


def _ledger_rows(county: Organisation, year: int) -> list[Problem]:
    """The ledger a report of `year` starts from: open problems, and those closed in `year` (so that
    generating the report again gives the same ledger)."""
    return list(
        Problem.objects.filter(county=county).filter(Q(status=Problem.Status.OPEN) | Q(closed_year=year)).order_by("pk")
    )


@transaction.atomic
def _store(county: Organisation, stored: list[Problem], entries: tuple[LedgerEntry, ...]) -> None:
    rows: dict[str, Problem] = {}
    for row in stored:  # an open row wins over one closed this year with the same key
        if row.key not in rows or row.status == Problem.Status.OPEN:
            rows[row.key] = row
    made, changed = [], []
    for entry in entries:
        status = Problem.Status.OPEN if entry.closed_year is None else Problem.Status.CLOSED
        found = rows.get(entry.key)
        if found is None:
            made.append(
                Problem(
                    county=county,
                    key=entry.key,
                    text=entry.text,
                    year_found=entry.year_found,
                    status=status,
                    closed_year=entry.closed_year,
                )
            )
        elif (found.text, found.status, found.closed_year) != (entry.text, status, entry.closed_year):
            found.text, found.status, found.closed_year = entry.text, status, entry.closed_year
            changed.append(found)
    # in as many queries for a long ledger as for a short one
    Problem.objects.bulk_create(made)
    Problem.objects.bulk_update(changed, ["text", "status", "closed_year"])
