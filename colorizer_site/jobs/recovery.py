"""A job whose worker fell silent: back to the queue once, failed and refunded the second time.

Every worker process rewrites its heartbeat row (ops.heartbeat) every
COLORIZER_HEARTBEAT_SECONDS, and a job it claims carries its name. A job in
processing whose worker has not been heard from for `SILENT_PERIODS` periods
was cut off (the process killed, its machine gone): it goes back to the queue
with its charge untouched, and the next free worker runs it from the start. The
queue row of the lost run, which django-tasks would leave RUNNING for ever, is
closed. A job lost a second time fails with a refund, like one past the job
timeout (`endings.reap_stuck_jobs`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from colorizer_site.jobs.endings import fail_job
from colorizer_site.jobs.models import ColorizationJob, WorkerHeartbeat
from colorizer_site.jobs.tasks import colorize_job, queue_run

logger = logging.getLogger(__name__)
State = ColorizationJob.State

# Heartbeat periods of silence after which a worker counts as gone (one late beat
# on a busy machine is not a loss).
SILENT_PERIODS = 3
# How often a job may go back to the queue before a loss fails it.
MAX_REQUEUES = 1
# Stored in English, read in the reader's language on pages (jobs.stored_sentences).
LOST_TWICE_MESSAGE = gettext_noop(
    "The colorization was interrupted twice because the machine running it stopped; "
    "it was given up."
)


def silent_since(now: datetime | None = None) -> datetime:
    """A worker not heard from since this moment is gone."""
    period = settings.COLORIZER_HEARTBEAT_SECONDS
    return (now or timezone.now()) - timedelta(seconds=SILENT_PERIODS * period)


def recover_lost_jobs() -> tuple[int, int]:
    """Requeue (once) or fail the jobs of silent workers; (requeued, failed)."""
    cutoff = silent_since()
    alive = WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).values("name")
    lost = (
        ColorizationJob.objects.filter(state=State.PROCESSING, processed_at__lt=cutoff)
        .exclude(worker="")
        .exclude(worker__in=alive)
        .select_related("owner", "api_key")
    )
    requeued = failed = 0
    for job in lost:
        if job.requeues < MAX_REQUEUES:
            if _requeue(job):
                requeued += 1
                logger.warning(
                    "job %s: worker %s went silent; queued again", job.task_id, job.worker
                )
        elif fail_job(
            job,
            state=State.FAILED,
            code="worker_lost",
            message=LOST_TWICE_MESSAGE,
            worker=job.worker,
        ):
            close_queue_rows(job.id, f"worker {job.worker} went silent a second time")
            failed += 1
            logger.warning("job %s: its worker went silent again; failed and refunded", job.task_id)
    return requeued, failed


def _requeue(job: ColorizationJob) -> bool:
    with transaction.atomic():
        moved = ColorizationJob.objects.filter(
            id=job.id, state=State.PROCESSING, worker=job.worker, requeues=job.requeues
        ).update(
            state=State.QUEUED,
            worker="",
            requeues=job.requeues + 1,
            progress=0,
            stage="",
            processed_at=None,
        )
        if moved:
            close_queue_rows(job.id, f"worker {job.worker} went silent")
            queue_run(job.id)
    return bool(moved)


def close_queue_rows(job_id: int, reason: str) -> int:
    """Mark the job's task rows that a lost worker left RUNNING as failed, saying why."""
    return DBTaskResult.objects.filter(
        task_path=colorize_job.module_path,
        status=TaskResultStatus.RUNNING,
        args_kwargs__args=[job_id],
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="colorizer_site.jobs.recovery.WorkerLost",
        traceback=f"The run was abandoned: {reason}.",
    )
