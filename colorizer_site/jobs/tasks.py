"""The background task the worker runs; it carries only the job id, the row holds the rest."""

from django_tasks import task

from colorizer_site.jobs import worker


@task()
def colorize_job(job_id: int) -> None:
    worker.run_job(job_id)
