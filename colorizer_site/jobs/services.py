"""The rules of a colorization job: what it costs, how it is charged, run, failed and refunded.

Pages and both API dialects go through these functions; nothing else writes
`ColorizationJob` rows or moves credits for a job.

A job's life: `submit_job` validates and charges in one transaction and
enqueues `run_job` once that transaction has committed; the worker moves the
job from queued (0) to processing (2) and on to succeeded (1) or a negative
failure code. Every state change is a conditional UPDATE on the state the
change expects, so a job the reaper has timed out cannot later turn into a
success, and a refund is written at most once (its idempotency key is the
task id). The options and their checks live in `jobs.options`, the worker step
in `jobs.worker`, failing, cancelling and reaping in `jobs.endings`; callers import
each name from the module that owns it. The imports run one way only:
services -> tasks -> worker -> endings.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from colorizer_site import engine
from colorizer_site.credits import services as credits
from colorizer_site.engine import formats
from colorizer_site.engine.errors import InvalidImage
from colorizer_site.engine.hints import check_hints_inside
from colorizer_site.engine.pipeline import check_options
from colorizer_site.jobs.endings import (
    memo,
)
from colorizer_site.jobs.image_fetch import fetch_image
from colorizer_site.jobs.limits import InputLimits
from colorizer_site.jobs.models import ColorizationJob, new_task_id
from colorizer_site.jobs.options import (
    JobOptions,
    check_callback_url,
    check_model_installed,
    job_cost,
)
from colorizer_site.jobs.registry import engine_config
from colorizer_site.jobs.tasks import queue_run

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User
    from colorizer_site.keys.models import ApiKey

logger = logging.getLogger(__name__)


def submit_job(
    *,
    owner: User,
    image: bytes,
    filename: str = "",
    options: JobOptions,
    source: str = ColorizationJob.Source.WEB,
    api_key: ApiKey | None = None,
    source_url: str = "",
    max_bytes: int | None = None,
    callback_url: str = "",
    refines: ColorizationJob | None = None,
    limits: InputLimits | None = None,
) -> ColorizationJob:
    """Validate, charge, store the input and queue the work; nothing is charged if a check fails.

    `max_bytes` allows inputs past COLORIZER_MAX_UPLOAD_BYTES for a caller that
    promises more (the v1 dialect's 25 MB); the worker reads it back from the job.
    `callback_url` receives the final state (webhooks' outbox); it must pass the
    image URLs' address rules, or InvalidJobOptions.
    Raises InvalidJobOptions, the engine's InvalidImage / UnsupportedFormat /
    ImageTooLarge / ModelNotInstalled / InvalidOptions, or credits' InsufficientCredits.
    `refines` links a refinement to the job it refines (and that job's original).
    `limits` are the way in's size limits (jobs.limits; the pages' by default).
    """
    options = options.validated()
    config = engine_config(max_bytes=max_bytes, limits=limits)
    check_model_installed(options, config)
    check_callback_url(callback_url)
    info = engine.probe_image(image, config)
    if options.hints:
        # The engine's own checks, before the charge: a model that takes pins, and
        # every pin on the photo as it is shown upright.
        check_options(options.engine_options(), config.models[options.model], config)
        width, height = info.displayed_size
        check_hints_inside(options.hints, width=width, height=height)
    # The input is stored before the transaction so the job row is written
    # once, complete; a refused charge deletes the file again.
    task_id, input_name = store_input(image, info)
    try:
        with transaction.atomic():
            job = create_charged_job(
                task_id=task_id,
                owner=owner,
                api_key=api_key,
                source=source,
                input_name=input_name,
                callback_url=callback_url,
                options=options,
                input_meta={
                    **input_meta(image, info, filename, source_url, max_bytes),
                    "limits": InputLimits(
                        max_pixels=config.max_pixels,
                        max_side=config.max_side,
                        max_bytes=config.max_bytes,
                    ).stored(),
                },
                refines=refines,
                original=(refines.original or refines) if refines else None,
            )
    except BaseException:
        _input_storage().delete(input_name)
        raise
    return job


def store_input(image: bytes, info: engine.ImageInfo) -> tuple[str, str]:
    """(a new task id, the stored input's name): the upload saved under the task id."""
    task_id = new_task_id()
    extension = formats.stored_extension(info.format)
    name = _input_storage().save(
        f"inputs/{timezone.now():%Y/%m/%d}/{task_id}.{extension}", ContentFile(image)
    )
    return task_id, name


def _input_storage():
    return ColorizationJob._meta.get_field("input_file").storage


def input_meta(
    image: bytes,
    info: engine.ImageInfo,
    filename: str,
    source_url: str = "",
    max_bytes: int | None = None,
) -> dict:
    return {
        "name": _clean_name(filename),
        "format": info.format,
        "width": info.width,
        "height": info.height,
        "bytes": len(image),
        "source_url": source_url,
        **({"max_bytes": max_bytes} if max_bytes else {}),
    }


def create_charged_job(
    *, task_id: str, owner: User, options: JobOptions, input_name: str, **fields: object
) -> ColorizationJob:
    """Write the job, charge it and queue it; call inside the caller's transaction, which
    InsufficientCredits then rolls back (with every other job of a batch)."""
    cost = job_cost(options)
    job = ColorizationJob.objects.create(
        task_id=task_id,
        owner=owner,
        input_file=input_name,
        options=options.stored(),
        cost=cost,
        **fields,
    )
    # A new job is charged once by construction, so the charge needs no
    # idempotency key; InsufficientCredits rolls the job back.
    entry = credits.charge(
        user=owner,
        amount=cost,
        job=job,
        api_key=job.api_key,
        memo=memo(gettext_noop("Colorization"), job),
        # The caller's transaction rolls back whole on InsufficientCredits.
        savepoint=False,
    )
    # The balance this charge left, for the answer's X-Credits-Remaining without a re-read.
    job.balance_after_charge = entry.balance_after
    queue_run(job.id)
    return job


def submit_job_from_url(
    *,
    owner: User,
    url: str,
    options: JobOptions,
    source: str = ColorizationJob.Source.WEB,
    api_key: ApiKey | None = None,
    callback_url: str = "",
    max_bytes: int | None = None,
    limits: InputLimits | None = None,
) -> ColorizationJob:
    """Download the image at `url` (lib.safe_http's SSRF rules), then `submit_job` it: the
    one way in for photos given by URL, from the pages and both API dialects.

    Raises ImageFetchError before anything is charged when the download fails,
    besides everything `submit_job` raises.
    """
    options = options.validated()
    check_model_installed(options)
    check_callback_url(callback_url)
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
        callback_url=callback_url,
        max_bytes=max_bytes,
        limits=limits,
    )


def submit_job_from_photo(
    *,
    owner: User,
    options: JobOptions,
    data: bytes = b"",
    url: str = "",
    filename: str = "",
    source: str = ColorizationJob.Source.WEB,
    api_key: ApiKey | None = None,
    callback_url: str = "",
    max_bytes: int | None = None,
    limits: InputLimits | None = None,
) -> ColorizationJob:
    """A photo as a caller received it, bytes or a URL: `submit_job_from_url` for a URL
    (the only way a URL becomes a job), else `submit_job`."""
    if url:
        return submit_job_from_url(
            owner=owner,
            url=url,
            options=options,
            source=source,
            api_key=api_key,
            callback_url=callback_url,
            max_bytes=max_bytes,
            limits=limits,
        )
    return submit_job(
        owner=owner,
        image=data,
        filename=filename,
        options=options,
        source=source,
        api_key=api_key,
        callback_url=callback_url,
        max_bytes=max_bytes,
        limits=limits,
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
        raise InvalidImage(
            gettext_noop("The original photo of this job is no longer stored; upload it again.")
        )
    with job.input_file.open("rb") as handle:
        return handle.read()


def _clean_name(filename: str) -> str:
    return filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
