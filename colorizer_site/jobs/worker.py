"""The worker step: run the engine on a queued job, store the result, or fail and refund it.

`run_job` is what the `colorize_job` task runs. Every state change is a
conditional UPDATE on the state it expects and on this worker still holding the
job, so a job the reaper timed out, its owner cancelled or `jobs.recovery` gave
to another worker never turns into a success here.
"""

from __future__ import annotations

import contextlib
import logging
import time

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from colorizer_site import engine
from colorizer_site.jobs.addon_refunds import refund_unchanged_addons
from colorizer_site.jobs.endings import CANCELLED_MESSAGE, announce_finished, fail_job
from colorizer_site.jobs.limits import stored_limits
from colorizer_site.jobs.models import ColorizationJob, this_worker
from colorizer_site.jobs.options import JobOptions
from colorizer_site.jobs.registry import engine_config
from colorizer_site.lib.errors import DomainError

logger = logging.getLogger(__name__)
# Stored in English, read in the reader's language on pages (jobs.stored_sentences).
STORE_FAILED_MESSAGE = gettext_noop(
    "The photo was colorized but the result could not be stored because of a problem on "
    "our side; the credits were refunded. Please try again in a little while."
)
OUR_ERROR_MESSAGE = gettext_noop("The colorization failed because of an error on our side.")
State = ColorizationJob.State

# Progress is written at most this often (plus on every stage change and at
# 100 %): the polling page asks once a second, so more writes buy nothing.
_PROGRESS_WRITE_INTERVAL = 0.4


class _CancelledWhileRunning(Exception):
    """Raised from the progress callback to stop the engine once a cancel was asked for."""


def run_job(job_id: int) -> None:
    """The worker step: colorize a queued job, store the result, or fail it and refund."""
    started = timezone.now()
    me = this_worker()
    claimed = ColorizationJob.objects.filter(id=job_id, state=State.QUEUED).update(
        state=State.PROCESSING, processed_at=started, progress=0, stage="starting", worker=me
    )
    if not claimed:
        # Already run, reaped or removed: running it again could charge twice.
        logger.info("job %s is not queued any more; nothing to do", job_id)
        return
    job = ColorizationJob.objects.get(id=job_id)
    try:
        with job.input_file.open("rb") as handle:
            data = handle.read()
        options = JobOptions.from_job(job)
        config = engine_config(limits=stored_limits(job.input_meta))
        result = engine.colorize(
            data, options.engine_options(), config, progress=_progress_writer(job.id, me)
        )
        thumbnail = engine.make_thumbnail(result.data, config=config)
    except _CancelledWhileRunning:
        if fail_job(
            job, state=State.CANCELLED, code="cancelled", message=CANCELLED_MESSAGE, worker=me
        ):
            logger.info("job %s cancelled while running", job.task_id)
        else:
            logger.warning("job %s was timed out or taken over; stopped", job.task_id)
        return
    except Exception as error:
        state, message = _failure_for(error)
        if state == State.FAILED:
            logger.exception("job %s failed", job.task_id)
        fail_job(
            job, state=state, code=getattr(error, "code", "failed"), message=message, worker=me
        )
        return
    try:
        _store_result(job, result, thumbnail, me)
    except Exception:
        logger.exception("job %s: the result could not be stored", job.task_id)
        fail_job(
            job,
            state=State.FAILED,
            code="storage_failed",
            message=STORE_FAILED_MESSAGE,
            worker=me,
        )


def _store_result(
    job: ColorizationJob, result: engine.ColorizeResult, thumbnail: bytes, me: str
) -> None:
    storage = job.result_file.storage
    day = timezone.now().strftime("%Y/%m/%d")
    saved: list[str] = []
    try:
        saved.append(
            storage.save(
                f"results/{day}/{job.task_id}.{_extension(result.format)}",
                ContentFile(result.data),
            )
        )
        saved.append(storage.save(f"thumbnails/{day}/{job.task_id}.webp", ContentFile(thumbnail)))
        result_name, thumbnail_name = saved
        with transaction.atomic():
            finished = ColorizationJob.objects.filter(
                id=job.id, state=State.PROCESSING, cancel_requested_at__isnull=True, worker=me
            ).update(
                state=State.SUCCEEDED,
                progress=100,
                stage="done",
                completed_at=timezone.now(),
                result_file=result_name,
                thumbnail=thumbnail_name,
                result_meta=result.metadata(),
            )
            if finished:
                refund_unchanged_addons(job, result.unchanged_addons)
                announce_finished(job.id)
    except BaseException:
        # A full disk or a database gone mid-commit: no row names these files, so
        # they go rather than stay as orphans (bench/faults.py, disk_full).
        for name in saved:
            with contextlib.suppress(Exception):
                storage.delete(name)
        raise
    if not finished:
        storage.delete(result_name)
        storage.delete(thumbnail_name)
        # Cancelled after the last progress report: it ends cancelled, not delivered.
        if fail_job(
            job, state=State.CANCELLED, code="cancelled", message=CANCELLED_MESSAGE, worker=me
        ):
            logger.info("job %s cancelled as it finished; result dropped", job.task_id)
        else:
            # The reaper timed the job out (and refunded it) while the engine ran, or
            # this worker was taken for lost and another one runs the job now.
            logger.warning(
                "job %s finished after it was timed out or taken over; result dropped",
                job.task_id,
            )


def _failure_for(error: Exception) -> tuple[int, str]:
    """The task dialect's state code for an error (the error's own `task_state`, see
    lib.errors) and the sentence the user reads."""
    if not isinstance(error, DomainError):
        return State.FAILED, OUR_ERROR_MESSAGE
    # The English sentence, whatever language is active: pages translate it when they show it.
    with translation.override(None):
        return error.task_state or State.FAILED, str(error)


def _progress_writer(job_id: int, me: str) -> engine.ProgressCallback:
    last: dict = {"stage": None, "percent": -1, "at": 0.0}

    def report(stage: str, percent: int) -> None:
        # Never backwards: a bar that shrinks looks broken, whatever a stage reports.
        percent = max(last["percent"], 0, min(100, int(percent)))
        now = time.monotonic()
        due = now - last["at"] >= _PROGRESS_WRITE_INTERVAL
        if stage == last["stage"] and percent != 100 and not due:
            return
        if stage == last["stage"] and percent == last["percent"]:
            return
        # The finishing step writes 100; a stage reporting 100 stays at 99
        # until the result is stored so the page never shows "100 %" early.
        written = ColorizationJob.objects.filter(
            id=job_id, state=State.PROCESSING, cancel_requested_at__isnull=True, worker=me
        ).update(progress=min(percent, 99), stage=stage[:40])
        if not written:
            # Cancelled, timed out by the reaper or taken over: stop spending the CPU on it.
            raise _CancelledWhileRunning
        last.update(stage=stage, percent=percent, at=now)

    return report


def _extension(output_format: str) -> str:
    return "jpg" if output_format == "jpeg" else output_format
