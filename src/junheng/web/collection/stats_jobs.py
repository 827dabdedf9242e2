"""Reading a county's uploaded statistics files as a background job, with its progress on the page.

A county's 300 workbooks take seconds to read on a quiet machine and much longer on a busy one, so the
upload only keeps the files and queues this job; the worker reads them, one step per workbook, keeps what
they gave on the job (pickled: this program's own object, read back by this program only) and removes
the files. The preview and the confirmation then work from the job. A page finds the job by the upload's
token, and only the user who uploaded sees it (as every job).
"""

from __future__ import annotations

import logging
import pickle
import zlib

from django.http import Http404
from django.utils import timezone

from junheng.web.collection import stats_upload
from junheng.web.collection.stats_import import REFUSAL
from junheng.web.collection.stats_read import Read, read_files
from junheng.web.errors import WorkflowError
from junheng.web.jobs import services as jobs
from junheng.web.jobs.models import Job
from junheng.web.orgs import lookups
from junheng.web.orgs.models import Organisation
from junheng.web.orgs.scope import User

logger = logging.getLogger(__name__)

GONE = "找不到这次上传的统计报表（可能已确认、已取消或已过期）；请重新上传"
BUSY = "上一次上传的统计报表还在读取，这次上传的文件没有保存；请等它读完，或点“取消导入”后重新上传"


def start_reading(*, user: User, county: Organisation, upload: stats_upload.Upload) -> Job:
    """Queue the reading of the kept files (the caller has checked the user manages the county). The
    user's previous import of the county's year goes, its files too; while it is still being read it is
    given back instead, and the new files are removed (the page says BUSY)."""
    Job.objects.filter(kind=Job.Kind.STATISTICS, updated_at__lt=timezone.now() - stats_upload.KEPT).delete()
    previous = pending_import(user=user, county=county, year=upload.year)
    if previous is not None and not previous.active:
        stats_upload.discard(county_id=county.pk, token=_token(previous))
    job = jobs.start(
        kind=Job.Kind.STATISTICS,
        county=county,
        year=upload.year,
        user=user,
        params={"token": upload.token},
        steps=len(upload.files) + 2,
    )
    if _token(job) != upload.token:
        stats_upload.discard(county_id=upload.county_id, token=upload.token)
    return job


def read_job(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    """The runner of `Job.Kind.STATISTICS`: the kept files read (“正在读取第 n/N 个文件：名称”), what they
    gave kept on the job, the files removed whatever happens (a user who no longer manages the county
    included)."""
    try:
        county = lookups.managed_county(job.user, job.county_id, refusal=REFUSAL)
        try:
            upload = stats_upload.kept(county_id=county.pk, token=_token(job))
        except Http404:
            raise WorkflowError(GONE) from None
        read = read_files(upload, county.name, stage=progress, steps=lambda n: jobs.set_steps(job, n))
    finally:
        stats_upload.discard(county_id=job.county_id, token=_token(job))
    return jobs.Outcome(shown=zlib.compress(pickle.dumps(read)))


def pending_import(*, user: User, county: Organisation, year: int) -> Job | None:
    """The user's import of the county's year not yet confirmed or cancelled (the county page links to it)."""
    return jobs.latest(kind=Job.Kind.STATISTICS, county=county, year=year, user=user)


def job_for(*, user: User, county: Organisation, token: str) -> Job:
    """The user's job reading the files uploaded under `token` for the county; Http404 for anyone else,
    and once the import is confirmed, cancelled or expired."""
    owner = user.pk
    job = (
        Job.objects.defer("file", "shown")
        .filter(kind=Job.Kind.STATISTICS, county=county, user_id=owner, params__token=token)
        .first()
        if owner is not None
        else None
    )
    if job is None:
        raise Http404(GONE)
    return job


def read_of(job: Job) -> Read | None:
    """What the finished job read, or None when it can no longer be read (kept by an older version)."""
    kept = Job.objects.filter(pk=job.pk).values_list("shown", flat=True).first()
    if not kept:
        return None
    try:
        found = pickle.loads(zlib.decompress(bytes(kept)))  # written by read_job above, never by a user
    except Exception:
        logger.warning("statistics job %s: the kept reading no longer reads", job.pk, exc_info=True)
        return None
    return found if isinstance(found, Read) else None


def drop(job: Job) -> None:
    """The import is over (confirmed or cancelled): the job goes, and the files if still there."""
    stats_upload.discard(county_id=job.county_id, token=_token(job))
    Job.objects.filter(pk=job.pk).delete()


def _token(job: Job) -> str:
    return str(job.params.get("token", ""))
