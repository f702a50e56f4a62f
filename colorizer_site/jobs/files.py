"""A job's files after it has run: gallery deletion, retention purge and converted downloads.

All file access goes through the storage of the model's FileFields (local
media by default, S3 when configured), never through paths.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from colorizer_site.engine.captions import add_caption
from colorizer_site.engine.encoding import convert_result
from colorizer_site.engine.errors import InvalidImage
from colorizer_site.engine.formats import OUTPUT_CONTENT_TYPES as CONTENT_TYPES
from colorizer_site.engine.formats import browser_content_type
from colorizer_site.engine.types import OUTPUT_FORMATS
from colorizer_site.jobs.facts import caption_of
from colorizer_site.jobs.models import AlbumPhoto, ColorizationJob, PhotoFacts

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User

logger = logging.getLogger(__name__)
_FILE_FIELDS = ("input_file", "result_file", "thumbnail")


def remove_files(job: ColorizationJob) -> int:
    """Delete the job's stored files and clear the fields; how many files were removed."""
    removed = 0
    for field_name in _FILE_FIELDS:
        field = getattr(job, field_name)
        if field.name:
            if field.storage.exists(field.name):
                field.storage.delete(field.name)
                removed += 1
            setattr(job, field_name, "")
    job.save(update_fields=[*_FILE_FIELDS])
    return removed


def delete_jobs(*, owner: User, task_ids: list[str]) -> int:
    """Remove the owner's finished jobs from the gallery with their files; how many were removed.

    Rows stay (the ledger points at them) with `deleted_at` set. Jobs still
    queued or processing are left alone: the worker is about to write into them.
    """
    jobs = (
        ColorizationJob.objects.visible_to(owner)
        .filter(task_id__in=task_ids)
        .filter(Q(state=ColorizationJob.State.SUCCEEDED) | Q(state__lt=0))
    )
    count = 0
    for job in jobs:
        job.deleted_at = timezone.now()
        job.save(update_fields=["deleted_at"])
        remove_files(job)
        # Gone from the gallery is gone from its albums; its caption goes with its files.
        AlbumPhoto.objects.filter(job=job).delete()
        PhotoFacts.objects.filter(job=job).delete()
        count += 1
    return count


def purge_results(*, retention_days: int) -> tuple[int, int]:
    """Delete files of jobs finished before the retention window or deleted; (jobs, files)."""
    cutoff = timezone.now() - timedelta(days=retention_days)
    has_files = Q(input_file__gt="") | Q(result_file__gt="") | Q(thumbnail__gt="")
    expired = Q(completed_at__lt=cutoff) | Q(deleted_at__isnull=False)
    jobs: QuerySet[ColorizationJob] = ColorizationJob.objects.filter(has_files & expired)
    job_count = file_count = 0
    for job in jobs.iterator():
        file_count += remove_files(job)
        job_count += 1
    return job_count, file_count


def read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def converted_result(job: ColorizationJob, output_format: str) -> tuple[bytes, str]:
    """The result's bytes in `output_format` (jpeg, png, webp) and their content type.

    The stored format comes back untouched; other formats are re-encoded from it.
    """
    output_format = "jpeg" if output_format == "jpg" else output_format
    if output_format not in OUTPUT_FORMATS:
        raise ValueError(f"Unknown format {output_format!r}.")
    data = read(job.result_file)
    if job.result_meta.get("format") == output_format:
        return data, CONTENT_TYPES[output_format]
    return convert_result(data, output_format), CONTENT_TYPES[output_format]


def captioned_result(job: ColorizationJob, output_format: str | None = None) -> tuple[bytes, str]:
    """`converted_result` (the stored format by default) with the photo's caption and facts
    in its XMP packet, beside the provenance the engine wrote.

    The facts are written here, at download time, not into the stored file: they may be
    edited long after the result was made, and a rewrite on every edit would race the
    worker and touch files that retention or a deletion is about to remove.
    """
    stored_format = job.result_meta.get("format") or job.result_file.name.rsplit(".", 1)[-1]
    data, content_type = converted_result(job, output_format or stored_format)
    return with_caption(job, data), content_type


def with_caption(job: ColorizationJob, data: bytes) -> bytes:
    """`data`, a file of the job's result, with the job's caption in its XMP packet."""
    caption = caption_of(job)
    if caption.is_empty:
        return data
    try:
        return add_caption(data, caption)
    except (InvalidImage, ValueError):
        # A container the splice cannot place XMP in: the photo still downloads.
        logger.warning("caption not written into the result of %s", job.task_id)
        return data


def input_without_metadata(job: ColorizationJob) -> bytes:
    """The upload as an upright sRGB JPEG with no metadata (no EXIF, no GPS position):
    restore mode's "before" side, which its colours belong to."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(read(job.input_file))) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
        buffer = io.BytesIO()
        upright.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def before_image(job: ColorizationJob) -> tuple[bytes, str]:
    """The "before" side of the comparison: the upload itself when a browser can show it.

    Otherwise the result's luminance as grey, which the engine keeps equal to
    the input's, at the same size and orientation as the "after" side.
    """
    content_type = browser_content_type(job.input_meta.get("format", ""))
    if content_type and job.input_file:
        return read(job.input_file), content_type
    if job.options.get("mode") == "restore" and job.input_file:
        # The result's lightness is the restored one: only the input shows the fading.
        return input_without_metadata(job), "image/jpeg"
    if not job.result_file:
        raise FileNotFoundError("Nothing to show yet.")
    from PIL import Image

    with Image.open(io.BytesIO(read(job.result_file))) as image:
        buffer = io.BytesIO()
        image.convert("L").save(buffer, "PNG")
    return buffer.getvalue(), "image/png"
