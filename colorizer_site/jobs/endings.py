"""How jobs end other than by succeeding: failure and refund, cancelling, timing out.

The worker, the reaper and the owner's cancel all end a job through `fail_job`,
a conditional UPDATE on the states it expects plus a refund written at most
once (its idempotency key is the task id); a batch completes inside the
transaction of its last job's final state. Nothing here imports the submit
side (`jobs.services`) or the worker, so both can import this.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from colorizer_site.credits import services as credits
from colorizer_site.credits.models import CreditEntry
from colorizer_site.engine.errors import ngettext_noop
from colorizer_site.jobs.models import Batch, ColorizationJob
from colorizer_site.jobs.signals import batch_completed, job_finished
from colorizer_site.lib.errors import DomainError

logger = logging.getLogger(__name__)
State = ColorizationJob.State

# Failure sentences are stored in English (the API returns them as they are); pages read
# them in the reader's language (jobs.stored_sentences).
CANCELLED_MESSAGE = gettext_noop("Cancelled at your request; the credits were refunded.")
TIMED_OUT_MESSAGE = ngettext_noop(
    "The colorization did not finish within %(minutes)s minute and was stopped.",
    "The colorization did not finish within %(minutes)s minutes and was stopped.",
)
NOT_TAKEN_MESSAGE = gettext_noop("No worker took up the colorization in time, so it was cancelled.")


class JobTimedOut(DomainError):
    """A job that did not finish in time (the reaper's failure, state -8; docs/architecture.md)."""

    status = 504
    code = "timed_out"
    task_state = State.TIMED_OUT


class JobAlreadyFinished(DomainError):
    """A cancel for a job that has already succeeded or failed."""

    status = 409
    code = "already_finished"


def fail_job(
    job: ColorizationJob,
    *,
    state: int,
    code: str,
    message: str,
    queued_only: bool = False,
    worker: str | None = None,
) -> bool:
    """Mark an unfinished job failed and refund its cost, both or neither; False if it had ended
    (or, with `queued_only`, if a worker has taken it; with `worker`, if that worker no
    longer runs it: it went back to the queue and another one took it)."""
    unfinished = [State.QUEUED] if queued_only else [State.QUEUED, State.PROCESSING]
    running = {"worker": worker} if worker is not None else {}
    with transaction.atomic():
        changed = ColorizationJob.objects.filter(id=job.id, state__in=unfinished, **running).update(
            state=state,
            error_code=code[:40],
            error_message=message,
            stage="failed",
            completed_at=timezone.now(),
        )
        if changed and job.cost:
            # Ledger memos are stored in English; the ledger page translates them.
            what = (
                gettext_noop("Refund for cancelled colorization")
                if state == State.CANCELLED
                else gettext_noop("Refund for failed colorization")
            )
            credits.refund(
                user=job.owner,
                amount=job.cost,
                job=job,
                api_key=job.api_key,
                memo=memo(what, job),
                idempotency_key=refund_key(job.task_id),
            )
        if changed:
            announce_finished(job.id)
    return bool(changed)


def announce_finished(job_id: int) -> None:
    """Tell the `job_finished` receivers (webhooks' outbox) inside the final state's
    transaction, so what they write commits or rolls back with it; and complete the
    job's batch when it was the last one running."""
    job = ColorizationJob.objects.get(id=job_id)
    if job_finished.has_listeners(ColorizationJob):
        job_finished.send(sender=ColorizationJob, job=job)
    if job.batch_id is not None:
        complete_if_done(job.batch_id)


def cancel_job(job: ColorizationJob) -> ColorizationJob:
    """Cancel the owner's job: a queued one ends now (-9) and is refunded; a running one
    is marked, and the worker stops it and refunds it at its next progress report.

    Raises JobAlreadyFinished for a job that has already ended. Returns the job reloaded.
    """
    if fail_job(
        job, state=State.CANCELLED, code="cancelled", message=CANCELLED_MESSAGE, queued_only=True
    ):
        job.refresh_from_db()
        return job
    ColorizationJob.objects.filter(
        id=job.id, state=State.PROCESSING, cancel_requested_at__isnull=True
    ).update(cancel_requested_at=timezone.now())
    job.refresh_from_db()
    if job.is_finished:
        raise JobAlreadyFinished(
            gettext("The task has already succeeded; there is nothing to cancel.")
            if job.succeeded
            else gettext("The task has already ended; there is nothing to cancel.")
        )
    return job


def wait_for_job(job: ColorizationJob, *, timeout: float) -> ColorizationJob:
    """The job reloaded once it has finished or after `timeout` seconds, whichever is first."""
    deadline = time.monotonic() + timeout
    job.refresh_from_db()
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
        job.refresh_from_db()
    return job


def reap_stuck_jobs() -> int:
    """Fail (-8) and refund jobs stuck past their deadline; how many were reaped.

    The database task backend has no timeouts of its own: a worker killed
    mid-job leaves the job in processing for good, and this is what ends it.
    A job still queued after COLORIZER_QUEUE_TIMEOUT_SECONDS (its queue entry
    was lost, e.g. the web process died between commit and enqueue) ends too.
    """
    now = timezone.now()
    timeout = settings.COLORIZER_JOB_TIMEOUT_SECONDS
    minutes = max(1, round(timeout / 60))
    processing = (
        ColorizationJob.objects.filter(
            state=State.PROCESSING, processed_at__lt=now - timedelta(seconds=timeout)
        ),
        TIMED_OUT_MESSAGE[0 if minutes == 1 else 1] % {"minutes": minutes},
    )
    queued = (
        ColorizationJob.objects.filter(
            state=State.QUEUED,
            created_at__lt=now - timedelta(seconds=settings.COLORIZER_QUEUE_TIMEOUT_SECONDS),
        ),
        NOT_TAKEN_MESSAGE,
    )
    reaped = 0
    for stuck, message in (processing, queued):
        for job in stuck.select_related("owner", "api_key"):
            if fail_job(job, state=JobTimedOut.task_state, code=JobTimedOut.code, message=message):
                reaped += 1
                logger.warning("job %s timed out and was refunded", job.task_id)
    return reaped


def refunded_credits(job: ColorizationJob) -> int:
    """Credits given back for this job (0 unless it failed)."""
    entry = CreditEntry.objects.filter(idempotency_key=refund_key(job.task_id)).first()
    return entry.delta if entry else 0


def complete_if_done(batch_id: int) -> bool:
    """Mark the batch completed if none of its jobs is still waiting or running; True once.

    The batch row is locked first, so of two jobs ending at the same moment the
    second sees the first one's final state and exactly one completes the batch.
    """
    batch = Batch.objects.select_for_update().get(id=batch_id)
    if batch.completed_at is not None:
        return False
    unfinished = batch.jobs.filter(state__in=[State.QUEUED, State.PROCESSING])
    if unfinished.exists():
        return False
    batch.completed_at = timezone.now()
    batch.save(update_fields=["completed_at"])
    batch_completed.send(sender=Batch, batch=batch)
    return True


def refund_key(task_id: str) -> str:
    """The idempotency key of a job's refund: one refund per job, however often it fails."""
    return f"refund:{task_id}"


def memo(what: str, job: ColorizationJob) -> str:
    """The ledger line of a job's charge or refund."""
    return f"{what} {job.task_id[:8]}"
