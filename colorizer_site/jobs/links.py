"""Signed result links: `result_url` for API users, and the check behind the download.

A link carries the task id signed with SECRET_KEY and a timestamp, so it cannot
be forged or altered, and it stops working after COLORIZER_RESULT_URL_MAX_AGE.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from colorizer_site.jobs.models import ColorizationJob

_RESULT_SALT = "colorizer.jobs.result-link"


def result_url(job: ColorizationJob, *, absolute_base: str = "") -> str:
    """A result link that needs no session and expires (COLORIZER_RESULT_URL_MAX_AGE)."""
    token = signing.TimestampSigner(salt=_RESULT_SALT).sign(job.task_id)
    return absolute_base.rstrip("/") + reverse("api:result", args=[token])


class ResultLinkExpired(Exception):
    pass


def job_for_result_token(token: str) -> ColorizationJob | None:
    """The succeeded job a result link names; None if the link was tampered with.

    Raises ResultLinkExpired for a genuine link past its max age.
    """
    signer = signing.TimestampSigner(salt=_RESULT_SALT)
    try:
        task_id = signer.unsign(token, max_age=settings.COLORIZER_RESULT_URL_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ResultLinkExpired("This result link has expired.") from error
    except signing.BadSignature:
        return None
    return (
        ColorizationJob.objects.filter(
            task_id=task_id, state=ColorizationJob.State.SUCCEEDED, deleted_at__isnull=True
        )
        .exclude(result_file="")
        .first()
    )
