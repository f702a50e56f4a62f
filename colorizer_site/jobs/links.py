"""Signed result links: `result_url` for API users, and the check behind the download.

A link carries the task id signed with SECRET_KEY and a timestamp, so it cannot
be forged or altered, and it stops working after COLORIZER_RESULT_URL_MAX_AGE.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from colorizer_site.jobs.files import with_caption
from colorizer_site.jobs.models import Batch, ColorizationJob
from colorizer_site.lib.errors import DomainError

_RESULT_SALT = "colorizer.jobs.result-link"
_BATCH_ZIP_SALT = "colorizer.jobs.batch-zip"


class ResultExpired(DomainError):
    """A succeeded job whose result files are gone (retention purge, or deleted)."""

    status = 410
    code = "result_expired"

    def __init__(self, job: ColorizationJob | None = None) -> None:
        days = settings.COLORIZER_RESULT_RETENTION_DAYS
        super().__init__(
            f"The result of this task has expired: results are kept {days} days "
            "and then deleted. Submit the photo again for a new one."
        )
        self.task_id = job.task_id if job is not None else ""

    def details(self) -> dict[str, str]:
        return {"taskId": self.task_id} if self.task_id else {}


def result_available(job: ColorizationJob) -> bool:
    return job.succeeded and bool(job.result_file.name) and job.deleted_at is None


def read_result(job: ColorizationJob) -> bytes:
    """The result's bytes with its caption, or ResultExpired when they are no longer stored."""
    if not result_available(job):
        raise ResultExpired(job)
    try:
        with job.result_file.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError as error:
        raise ResultExpired(job) from error
    return with_caption(job, data)


def result_url(job: ColorizationJob, *, absolute_base: str = "") -> str:
    """A result link that needs no session and expires (COLORIZER_RESULT_URL_MAX_AGE).

    Raises ResultExpired for a succeeded job whose result was purged: a link would only 404.
    """
    if job.succeeded and not result_available(job):
        raise ResultExpired(job)
    token = signing.TimestampSigner(salt=_RESULT_SALT).sign(job.task_id)
    return absolute_base.rstrip("/") + reverse("api:result", args=[token])


class ResultLinkExpired(Exception):
    pass


def job_for_result_token(token: str) -> ColorizationJob | None:
    """The succeeded job a result link names; None if the link was tampered with.

    Raises ResultLinkExpired for a genuine link past its max age, and
    ResultExpired for a genuine link to a result that was purged.
    """
    signer = signing.TimestampSigner(salt=_RESULT_SALT)
    try:
        task_id = signer.unsign(token, max_age=settings.COLORIZER_RESULT_URL_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ResultLinkExpired("This result link has expired.") from error
    except signing.BadSignature:
        return None
    job = (
        ColorizationJob.objects.in_gallery()
        .filter(task_id=task_id, state=ColorizationJob.State.SUCCEEDED)
        .first()
    )
    if job is not None and not job.result_file.name:
        raise ResultExpired(job)
    return job


def batch_zip_url(batch: Batch, *, absolute_base: str = "") -> str:
    """A link to the ZIP of a batch's results, signed and expiring like result links."""
    token = signing.TimestampSigner(salt=_BATCH_ZIP_SALT).sign(batch.batch_id)
    return absolute_base.rstrip("/") + reverse("api:batch_zip", args=[token])


def batch_for_zip_token(token: str) -> Batch | None:
    """The completed batch a ZIP link names; None if tampered with; ResultLinkExpired."""
    signer = signing.TimestampSigner(salt=_BATCH_ZIP_SALT)
    try:
        batch_id = signer.unsign(token, max_age=settings.COLORIZER_RESULT_URL_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ResultLinkExpired("This link has expired.") from error
    except signing.BadSignature:
        return None
    return Batch.objects.filter(batch_id=batch_id, completed_at__isnull=False).first()
