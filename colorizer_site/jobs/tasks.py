"""The background task the worker runs; it carries only the job id, the row holds the rest."""

from django.db import transaction
from django_tasks import task
from django_tasks_db import DatabaseBackend

from colorizer_site.jobs import worker


@task()
def colorize_job(job_id: int) -> None:
    worker.run_job(job_id)


def queue_run(job_id: int) -> None:
    """Queue the job's run from inside the caller's transaction."""
    if isinstance(colorize_job.get_backend(), DatabaseBackend):
        # The queue entry commits or rolls back with the job (and its charge):
        # one commit instead of two, and never a charged job left unqueued.
        colorize_job.enqueue(job_id)
    else:
        # Only after commit: a worker elsewhere must find the row.
        transaction.on_commit(lambda: colorize_job.enqueue(job_id))
