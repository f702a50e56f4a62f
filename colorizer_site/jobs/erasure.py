"""A closing account's jobs: stop what is still running (refunded), then remove every
file, the albums and captions, and strip the rows of what named the owner's photos.

The rows themselves stay: ledger entries point at them (charge, refund), and the
job list keeps adding up with the ledger after the owner has gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from colorizer_site.jobs.endings import fail_job
from colorizer_site.jobs.files import remove_files
from colorizer_site.jobs.models import Album, Batch, ColorizationJob, PhotoFacts

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User

State = ColorizationJob.State
ACCOUNT_CLOSED_MESSAGE = "Cancelled because the account was deleted; the credits were refunded."
# Kept from input_meta: what the photo was, not who sent it or what it was called.
_KEPT_INPUT_META = ("format", "width", "height", "bytes")


def cancel_unfinished(owner: User) -> int:
    """Cancel (-9) and refund every queued or running job of `owner` now; how many.

    A running job ends here too, not at the worker's next progress report: the
    worker's own updates are conditional on the job still processing, so it drops
    its result (files included) instead of delivering it, and refunds nothing twice.
    """
    cancelled = 0
    unfinished = ColorizationJob.objects.filter(
        owner=owner, state__in=[State.QUEUED, State.PROCESSING]
    ).select_related("owner", "api_key")
    for job in unfinished:
        if fail_job(
            job, state=State.CANCELLED, code="account_deleted", message=ACCOUNT_CLOSED_MESSAGE
        ):
            cancelled += 1
    return cancelled


def erase_jobs(owner: User) -> int:
    """Remove every stored file of the owner's jobs (inputs, results, thumbnails), also of
    jobs already removed from the gallery, and anonymise the rows; how many files."""
    removed = 0
    now = timezone.now()
    for job in ColorizationJob.objects.filter(owner=owner).iterator():
        removed += remove_files(job)
        with transaction.atomic():
            job.input_meta = {
                key: job.input_meta[key] for key in _KEPT_INPUT_META if key in job.input_meta
            }
            job.callback_url = ""
            job.deleted_at = job.deleted_at or now
            job.save(update_fields=["input_meta", "callback_url", "deleted_at"])
    Batch.objects.filter(owner=owner).update(callback_url="")
    # Captions name people and places, and album names are the owner's words: both go.
    PhotoFacts.objects.filter(job__owner=owner).delete()
    Album.objects.filter(owner=owner).delete()
    return removed
