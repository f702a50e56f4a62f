"""A task as programs see it outside a request: the task dialect's `data` object.

One shape for the task dialect's answers, `/api/v1/tasks` and webhook
deliveries, so an integration parses a task one way wherever it comes from.
Links are absolute, on the base URL of the request or, for webhooks, of
COLORIZER_SITE_URL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from colorizer_site.jobs.addon_refunds import job_notes
from colorizer_site.jobs.links import ResultExpired, batch_zip_url, result_url
from colorizer_site.jobs.models import Batch, ColorizationJob
from colorizer_site.jobs.options import DEFAULT_MODE


def task_data(job: ColorizationJob, *, base_url: str, image: str | None = None) -> dict[str, Any]:
    """The task's `data`; `image` overrides the signed link (the task dialect's base64)."""
    if image is None and job.succeeded:
        try:
            image = result_url(job, absolute_base=base_url)
        except ResultExpired:
            image = None  # purged: the task is still listed, with nothing to download
    return {
        "task_id": job.task_id,
        "state": int(job.state),
        "progress": int(job.progress),
        "created_at": unix(job.created_at),
        "processed_at": unix(job.processed_at),
        "completed_at": unix(job.completed_at),
        "image": image,
        "notes": job_notes(job),
        "mode": job.options.get("mode", DEFAULT_MODE),
        # Known once the worker has looked at the photo.
        "photo_kind": job.result_meta.get("photo_kind") or None,
    }


def listed_task(job: ColorizationJob, *, base_url: str) -> dict[str, Any]:
    """`task_data` plus `message`: "success" or why the task failed, as the envelope says it."""
    message = "success" if not job.failed else (job.error_message or "The colorization failed.")
    return {**task_data(job, base_url=base_url), "message": message}


def batch_data(batch: Batch, *, base_url: str) -> dict[str, Any]:
    """A batch with its tasks (oldest first, the order they were sent in) and, once every
    task has ended, the link to the ZIP of its results."""
    jobs = list(batch.jobs.order_by("id"))
    done = batch.completed_at is not None
    return {
        "batch_id": batch.batch_id,
        "state": "completed" if done else "processing",
        "total": len(jobs),
        "succeeded": sum(1 for job in jobs if job.succeeded),
        "failed": sum(1 for job in jobs if job.failed),
        "cost": batch.cost,
        "created_at": unix(batch.created_at),
        "completed_at": unix(batch.completed_at),
        "zip": batch_zip_url(batch, absolute_base=base_url) if done else None,
        "tasks": [listed_task(job, base_url=base_url) for job in jobs],
        "skipped": batch.skipped,
    }


def unix(moment: datetime | None) -> int | None:
    return int(moment.timestamp()) if moment is not None else None
