"""The rules of a colorization job: what it costs, how it is charged, run, failed and refunded.

Pages and both API dialects go through these functions; nothing else writes
`ColorizationJob` rows or moves credits for a job.

A job's life: `submit_job` validates and charges in one transaction and
enqueues `run_job` once that transaction has committed; the worker moves the
job from queued (0) to processing (2) and on to succeeded (1) or a negative
failure code. Every state change is a conditional UPDATE on the state the
change expects, so a job the reaper has timed out cannot later turn into a
success, and a refund is written at most once (its idempotency key is the
task id).
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from colorizer_site import engine
from colorizer_site.credits import services as credits
from colorizer_site.engine.errors import (
    EngineError,
    ImageTooLarge,
    InvalidImage,
    ModelNotInstalled,
)
from colorizer_site.engine.guidance import check_hints, check_hints_inside, check_vividness
from colorizer_site.engine.pipeline import check_options
from colorizer_site.engine.types import OUTPUT_FORMATS, ColorizeOptions, ColourHint, EngineConfig
from colorizer_site.jobs.links import result_url
from colorizer_site.jobs.models import ColorizationJob, new_task_id
from colorizer_site.jobs.registry import engine_config

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User
    from colorizer_site.keys.models import ApiKey

__all__ = [
    "InvalidJobOptions",
    "JobOptions",
    "engine_config",
    "job_cost",
    "reap_stuck_jobs",
    "rerun_job",
    "result_url",
    "run_job",
    "submit_job",
    "submit_job_from_url",
    "wait_for_job",
]

logger = logging.getLogger(__name__)
State = ColorizationJob.State

# Extensions the stored input gets, from the format the header names; the
# stored name is the task id, never the uploader's file name.
_INPUT_EXTENSIONS = {
    "JPEG": "jpg",
    "PNG": "png",
    "WEBP": "webp",
    "BMP": "bmp",
    "TIFF": "tif",
    "SGI": "rgb",
    "HEIF": "heic",
    "MPO": "jpg",
}
# Progress is written at most this often (plus on every stage change and at
# 100 %): the polling page asks once a second, so more writes buy nothing.
_PROGRESS_WRITE_INTERVAL = 0.4


class InvalidJobOptions(ValueError):
    """An option value the product does not offer; `str()` says which and why."""


@dataclass(frozen=True)
class JobOptions:
    model: str = "large"
    clean_scratches: bool = False
    face_remaster: bool = False
    output_format: str = "jpeg"
    # Colour pins in the input photo's (upright) pixels, and vividness 0..100
    # (None: the model's measured best). Both are free; the engine checks them.
    hints: tuple[ColourHint, ...] = ()
    vividness: int | None = None

    def validated(self) -> JobOptions:
        """The same options with `jpg` spelled `jpeg`, or InvalidJobOptions; bad hints or
        vividness raise the engine's InvalidOptions, whose `field` names them."""
        choices = settings.COLORIZER_MODEL_CHOICES
        if self.model not in choices:
            names = " or ".join(f'"{name}"' for name in choices)
            raise InvalidJobOptions(f'Unknown model "{self.model}"; choose {names}.')
        for flag in ("clean_scratches", "face_remaster"):
            if not isinstance(getattr(self, flag), bool):
                raise InvalidJobOptions(f"{flag} must be true or false.")
        output_format = str(self.output_format).lower()
        output_format = "jpeg" if output_format == "jpg" else output_format
        if output_format not in OUTPUT_FORMATS:
            raise InvalidJobOptions(
                f'Unknown output format "{self.output_format}"; choose jpeg, png or webp.'
            )
        check_vividness(self.vividness)
        return replace(self, output_format=output_format, hints=check_hints(self.hints))

    @classmethod
    def from_job(cls, job: ColorizationJob) -> JobOptions:
        stored = job.options or {}
        return cls(
            model=stored.get("model", "large"),
            clean_scratches=bool(stored.get("clean_scratches", False)),
            face_remaster=bool(stored.get("face_remaster", False)),
            output_format=stored.get("output_format", "jpeg"),
            hints=tuple(ColourHint(**hint) for hint in stored.get("hints", ())),
            vividness=stored.get("vividness"),
        )

    def stored(self) -> dict:
        """The JSON kept with the job; pins and vividness only where chosen."""
        stored = asdict(self)
        if not self.hints:
            del stored["hints"]
        if self.vividness is None:
            del stored["vividness"]
        return stored

    def engine_options(self) -> ColorizeOptions:
        return ColorizeOptions(**{**asdict(self), "hints": self.hints})


def job_cost(options: JobOptions) -> int:
    """One credit per colorization, +1 for scratch repair, +2 for the clarity boost."""
    return 1 + (1 if options.clean_scratches else 0) + (2 if options.face_remaster else 0)


def check_model_installed(options: JobOptions, config: EngineConfig | None = None) -> None:
    """Raise ModelNotInstalled before any credit moves when the chosen model's file is absent."""
    config = config or engine_config()
    entry = config.models.get(options.model)
    if entry is None or not entry.path.is_file():
        raise ModelNotInstalled(
            f'The "{options.model}" model is not installed on this server; '
            "choose another model or ask the administrator to install it."
        )


def submit_job(
    *,
    owner: User,
    image: bytes,
    filename: str = "",
    options: JobOptions,
    source: str = ColorizationJob.Source.WEB,
    api_key: ApiKey | None = None,
    source_url: str = "",
    refines: ColorizationJob | None = None,
) -> ColorizationJob:
    """Validate, charge, store the input and queue the work; nothing is charged if a check fails.

    Raises InvalidJobOptions, the engine's InvalidImage / UnsupportedFormat /
    ImageTooLarge / ModelNotInstalled / InvalidOptions, or credits' InsufficientCredits.
    `refines` links a refinement to the job it refines (and that job's original).
    """
    options = options.validated()
    config = engine_config()
    check_model_installed(options, config)
    info = engine.probe_image(image, config)
    if options.hints:
        # The engine's own checks, before the charge: a model that takes pins, and
        # every pin on the photo as it is shown upright.
        check_options(options.engine_options(), config.models[options.model], config)
        width, height = info.displayed_size
        check_hints_inside(options.hints, width=width, height=height)
    cost = job_cost(options)

    # The input is stored before the transaction so the job row is written
    # once, complete; a refused charge deletes the file again.
    task_id = new_task_id()
    extension = _INPUT_EXTENSIONS.get(info.format.upper(), "bin")
    storage = ColorizationJob._meta.get_field("input_file").storage
    input_name = storage.save(
        f"inputs/{timezone.now():%Y/%m/%d}/{task_id}.{extension}", ContentFile(image)
    )
    try:
        with transaction.atomic():
            job = ColorizationJob.objects.create(
                task_id=task_id,
                owner=owner,
                api_key=api_key,
                source=source,
                input_file=input_name,
                options=options.stored(),
                cost=cost,
                refines=refines,
                original=(refines.original or refines) if refines else None,
                input_meta={
                    "name": _clean_name(filename),
                    "format": info.format,
                    "width": info.width,
                    "height": info.height,
                    "bytes": len(image),
                    "source_url": source_url,
                },
            )
            # A new job is charged once by construction, so the charge needs no
            # idempotency key; InsufficientCredits rolls the job back.
            credits.charge(
                user=owner, amount=cost, job=job, api_key=api_key, memo=_memo("Colorization", job)
            )
            job_id = job.id
            if _queue_is_in_this_database():
                # The queue entry commits or rolls back with the job and its charge:
                # one commit instead of two, and never a charged job left unqueued.
                _enqueue(job_id)
            else:
                # Only after commit: a worker elsewhere must find the row.
                transaction.on_commit(lambda: _enqueue(job_id))
    except BaseException:
        storage.delete(input_name)
        raise
    return job


def submit_job_from_url(
    *,
    owner: User,
    url: str,
    options: JobOptions,
    source: str = ColorizationJob.Source.WEB,
    api_key: ApiKey | None = None,
) -> ColorizationJob:
    """Download the image at `url` (jobs.fetching's SSRF rules), then `submit_job` it.

    Raises ImageFetchError before anything is charged when the download fails,
    besides everything `submit_job` raises.
    """
    from colorizer_site.jobs.fetching import fetch_image

    options = options.validated()
    check_model_installed(options)
    image = fetch_image(url)
    filename = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return submit_job(
        owner=owner,
        image=image,
        filename=filename,
        options=options,
        source=source,
        api_key=api_key,
        source_url=url,
    )


def rerun_job(
    job: ColorizationJob, *, options: JobOptions, refines: ColorizationJob | None = None
) -> ColorizationJob:
    """A new job (charged anew) on the stored input of `job`, with other options."""
    return submit_job(
        owner=job.owner,
        image=stored_input(job),
        filename=job.input_meta.get("name", ""),
        options=options,
        source=ColorizationJob.Source.WEB,
        source_url=job.input_meta.get("source_url", ""),
        refines=refines,
    )


def stored_input(job: ColorizationJob) -> bytes:
    """The job's original photo, or InvalidImage once it has been deleted or purged."""
    if not job.input_file:
        raise InvalidImage("The original photo of this job is no longer stored; upload it again.")
    with job.input_file.open("rb") as handle:
        return handle.read()


def refunded_credits(job: ColorizationJob) -> int:
    """Credits given back for this job (0 unless it failed)."""
    from colorizer_site.credits.models import CreditEntry

    entry = CreditEntry.objects.filter(idempotency_key=f"refund:{job.task_id}").first()
    return entry.delta if entry else 0


def _enqueue(job_id: int) -> None:
    from colorizer_site.jobs.tasks import colorize_job

    colorize_job.enqueue(job_id)


def _queue_is_in_this_database() -> bool:
    from django_tasks_db import DatabaseBackend

    from colorizer_site.jobs.tasks import colorize_job

    return isinstance(colorize_job.get_backend(), DatabaseBackend)


def run_job(job_id: int) -> None:
    """The worker step: colorize a queued job, store the result, or fail it and refund."""
    started = timezone.now()
    claimed = ColorizationJob.objects.filter(id=job_id, state=State.QUEUED).update(
        state=State.PROCESSING, processed_at=started, progress=0, stage="starting"
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
        result = engine.colorize(
            data,
            options.engine_options(),
            engine_config(),
            progress=_progress_writer(job.id),
        )
        thumbnail = engine.make_thumbnail(result.data)
    except Exception as error:
        state, message = _failure_for(error)
        if state == State.FAILED:
            logger.exception("job %s failed", job.task_id)
        fail_job(job, state=state, code=getattr(error, "code", "failed"), message=message)
        return
    _store_result(job, result, thumbnail)


def _store_result(job: ColorizationJob, result: engine.ColorizeResult, thumbnail: bytes) -> None:
    storage = job.result_file.storage
    day = timezone.now().strftime("%Y/%m/%d")
    result_name = storage.save(
        f"results/{day}/{job.task_id}.{_extension(result.format)}", ContentFile(result.data)
    )
    thumbnail_name = storage.save(f"thumbnails/{day}/{job.task_id}.webp", ContentFile(thumbnail))
    finished = ColorizationJob.objects.filter(id=job.id, state=State.PROCESSING).update(
        state=State.SUCCEEDED,
        progress=100,
        stage="done",
        completed_at=timezone.now(),
        result_file=result_name,
        thumbnail=thumbnail_name,
        result_meta=result.metadata(),
    )
    if not finished:
        # The reaper timed the job out (and refunded it) while the engine ran.
        storage.delete(result_name)
        storage.delete(thumbnail_name)
        logger.warning("job %s finished after it was timed out; result dropped", job.task_id)


def fail_job(job: ColorizationJob, *, state: int, code: str, message: str) -> bool:
    """Mark an unfinished job failed and refund its cost, both or neither; False if it had ended."""
    with transaction.atomic():
        changed = ColorizationJob.objects.filter(
            id=job.id, state__in=[State.QUEUED, State.PROCESSING]
        ).update(
            state=state,
            error_code=code[:40],
            error_message=message,
            stage="failed",
            completed_at=timezone.now(),
        )
        if changed and job.cost:
            credits.refund(
                user=job.owner,
                amount=job.cost,
                job=job,
                api_key=job.api_key,
                memo=_memo("Refund for failed colorization", job),
                idempotency_key=f"refund:{job.task_id}",
            )
    return bool(changed)


def _failure_for(error: Exception) -> tuple[int, str]:
    """The task dialect's state code for an error and the sentence the user reads."""
    if isinstance(error, ImageTooLarge):
        return State.IMAGE_TOO_LARGE, str(error)
    if isinstance(error, InvalidImage):
        return State.INVALID_IMAGE, str(error)
    if _is_fetch_error(error):
        return State.DOWNLOAD_FAILED, str(error)
    if isinstance(error, EngineError):
        return State.FAILED, str(error)
    return State.FAILED, "The colorization failed because of an error on our side."


def _is_fetch_error(error: Exception) -> bool:
    try:
        from colorizer_site.jobs.fetching import ImageFetchError
    except ImportError:
        return False
    return isinstance(error, ImageFetchError)


def _progress_writer(job_id: int) -> engine.ProgressCallback:
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
        ColorizationJob.objects.filter(id=job_id, state=State.PROCESSING).update(
            progress=min(percent, 99), stage=stage[:40]
        )
        last.update(stage=stage, percent=percent, at=now)

    return report


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
        f"The colorization did not finish within {minutes} minute"
        f"{'s' if minutes != 1 else ''} and was stopped.",
    )
    queued = (
        ColorizationJob.objects.filter(
            state=State.QUEUED,
            created_at__lt=now - timedelta(seconds=settings.COLORIZER_QUEUE_TIMEOUT_SECONDS),
        ),
        "No worker took up the colorization in time, so it was cancelled.",
    )
    reaped = 0
    for stuck, message in (processing, queued):
        for job in stuck.select_related("owner", "api_key"):
            if fail_job(job, state=State.TIMED_OUT, code="timed_out", message=message):
                reaped += 1
                logger.warning("job %s timed out and was refunded", job.task_id)
    return reaped


def _memo(what: str, job: ColorizationJob) -> str:
    return f"{what} {job.task_id[:8]}"


def _clean_name(filename: str) -> str:
    return filename.replace("\\", "/").rsplit("/", 1)[-1][:200]


def _extension(output_format: str) -> str:
    return "jpg" if output_format == "jpeg" else output_format
