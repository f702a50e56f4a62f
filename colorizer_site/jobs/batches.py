"""Batches: several photos in one request, charged all or nothing, one ZIP of results.

`submit_batch` checks every photo before anything is charged, stores the
inputs, and then writes every job and its charge in one transaction: a balance
short for the whole batch charges nothing. The batch completes when its last
job ends (`endings.complete_if_done`, inside that job's final transaction), which
sends `batch_completed` once.
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import asdict
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from colorizer_site import engine
from colorizer_site.engine.errors import ImageTooLarge, InvalidImage
from colorizer_site.jobs import services
from colorizer_site.jobs.links import read_result
from colorizer_site.jobs.models import Batch, ColorizationJob

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User
    from colorizer_site.keys.models import ApiKey

# Archive members that are not photos: folders, macOS resource forks, hidden files.
_SKIPPED_PREFIXES = ("__MACOSX/", ".")


class InvalidBatch(ValueError):
    """The batch as a whole cannot be accepted; `str()` says why."""


def submit_batch(
    *,
    owner: User,
    photos: list[tuple[str, bytes]],
    options: services.JobOptions,
    api_key: ApiKey | None = None,
    source: str = ColorizationJob.Source.API,
    callback_url: str = "",
) -> Batch:
    """Check, store, charge (all or nothing) and queue `photos` as (file name, bytes).

    Raises InvalidBatch, the errors of `submit_job` (an invalid photo is named),
    or InsufficientCredits when the balance does not cover the whole batch.
    """
    limit = settings.COLORIZER_BATCH_MAX_PHOTOS
    if not photos:
        raise InvalidBatch("Send at least one photo.")
    if len(photos) > limit:
        raise InvalidBatch(f"A batch holds at most {limit} photos; this one has {len(photos)}.")
    options = options.validated()
    config = services.engine_config()
    services.check_model_installed(options, config)
    services.check_callback_url(callback_url)
    probed = []
    for name, data in photos:
        try:
            probed.append((name, data, engine.probe_image(data, config)))
        except (InvalidImage, ImageTooLarge) as error:
            raise type(error)(f"{name or 'A photo'}: {error}") from error
    stored: list[tuple[str, str]] = []
    try:
        for _, data, info in probed:
            stored.append(services.store_input(data, info))
        with transaction.atomic():
            batch = Batch.objects.create(
                owner=owner,
                api_key=api_key,
                options=asdict(options),
                cost=services.job_cost(options) * len(photos),
                callback_url=callback_url,
            )
            for (name, data, info), (task_id, input_name) in zip(probed, stored, strict=True):
                services.create_charged_job(
                    task_id=task_id,
                    owner=owner,
                    options=options,
                    input_name=input_name,
                    api_key=api_key,
                    source=source,
                    batch=batch,
                    input_meta=services.input_meta(data, info, name),
                )
    except BaseException:
        for _, input_name in stored:
            ColorizationJob._meta.get_field("input_file").storage.delete(input_name)
        raise
    return batch


def photos_from_zip(archive: IO[bytes]) -> list[tuple[str, bytes]]:
    """The files of a ZIP as (name, bytes), each read with the upload byte cap (a small
    archive can inflate to gigabytes) and at most the batch limit of them."""
    max_bytes = settings.COLORIZER_MAX_UPLOAD_BYTES
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = [
                member
                for member in bundle.infolist()
                if not member.is_dir()
                and not member.filename.rsplit("/", 1)[-1].startswith(".")
                and not member.filename.startswith(_SKIPPED_PREFIXES)
            ]
            if len(members) > settings.COLORIZER_BATCH_MAX_PHOTOS:
                raise InvalidBatch(
                    f"A batch holds at most {settings.COLORIZER_BATCH_MAX_PHOTOS} photos; "
                    f"the archive has {len(members)} files."
                )
            check_total_size(sum(member.file_size for member in members))
            photos = []
            for member in members:
                with bundle.open(member) as handle:
                    data = handle.read(max_bytes + 1)
                if len(data) > max_bytes:
                    raise ImageTooLarge(
                        f"{member.filename}: larger than the {max_bytes // 1048576} MB limit."
                    )
                photos.append((member.filename.rsplit("/", 1)[-1], data))
            return photos
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as error:
        raise InvalidBatch(
            f"The archive is not a ZIP file this server can read: {error}"
        ) from error


def check_total_size(total: int) -> None:
    """InvalidBatch when the photos together pass COLORIZER_BATCH_MAX_BYTES (they are
    held in memory while they are checked)."""
    limit = settings.COLORIZER_BATCH_MAX_BYTES
    if total > limit:
        raise InvalidBatch(
            f"The photos add up to more than the {limit // 1048576} MB a batch may hold; "
            "send them in several batches."
        )


def write_results_zip(batch: Batch) -> IO[bytes]:
    """A temporary file holding the ZIP of the batch's results still stored, rewound."""
    # The caller's FileResponse closes it once sent.
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
    names: set[str] = set()
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as bundle:
        for job in batch.jobs.filter(state=ColorizationJob.State.SUCCEEDED).order_by("id"):
            try:
                data = read_result(job)
            except Exception:  # purged or missing: the ZIP holds what is left
                continue
            stem = (job.input_meta.get("name") or job.task_id).rsplit(".", 1)[0] or job.task_id
            extension = job.result_file.name.rsplit(".", 1)[-1]
            name = f"{stem}-colorized.{extension}"
            if name in names:
                name = f"{stem}-{job.task_id[:8]}-colorized.{extension}"
            names.add(name)
            # Already compressed images: stored, not deflated again.
            bundle.writestr(name, data)
    spool.seek(0)
    return spool
