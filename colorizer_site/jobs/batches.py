"""Batches: many photos at once (files or ZIP archives), charged all or nothing, one ZIP back.

`submit_batch` reads the photos one at a time, checks each, and stores it before
reading the next, so a batch is never held in memory whole: uploads arrive as
temporary files and ZIP members are extracted one by one. Then, in one
transaction with the wallet row locked, it writes the batch, every job and its
charge: a balance short for the whole batch charges nothing and says how many
photos it would cover. The batch completes when its last job ends
(`endings.complete_if_done`), and `stream_results_zip` sends its results as a
ZIP built while it is being downloaded.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext

from colorizer_site import engine
from colorizer_site.credits import services as credits
from colorizer_site.engine import formats
from colorizer_site.engine.errors import ImageTooLarge, InvalidImage
from colorizer_site.jobs import captions_csv, intake, services
from colorizer_site.jobs.facts import caption_of
from colorizer_site.jobs.files import with_caption
from colorizer_site.jobs.intake import Skipped
from colorizer_site.jobs.models import Batch, ColorizationJob
from colorizer_site.jobs.options import (
    JobOptions,
    check_callback_url,
    check_model_installed,
    job_cost,
)
from colorizer_site.jobs.registry import engine_config
from colorizer_site.lib.errors import DomainError
from colorizer_site.lib.zipstream import CHUNK_BYTES, Member, stream_zip

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User
    from colorizer_site.keys.models import ApiKey

# The ZIP's table of captions, beside the photos.
CAPTIONS_NAME = "captions.csv"


class InvalidBatch(DomainError, ValueError):
    """The batch as a whole cannot be accepted; `str()` says why."""

    code = "invalid_batch"
    about = "photo"


class BatchNotCovered(credits.InsufficientCredits):
    """The balance does not cover the whole batch; `fits` photos it would cover."""

    def __init__(self, *, photos: int, per_photo: int, available: int) -> None:
        super().__init__(needed=photos * per_photo, available=available)
        self.fits = available // per_photo
        self.args = (
            ngettext(
                "These %(photos)s photos cost %(cost)s credits and your balance is "
                "%(available)s: enough for %(fits)s photo with these options. Nothing was "
                "charged; send fewer photos or buy more credits.",
                "These %(photos)s photos cost %(cost)s credits and your balance is "
                "%(available)s: enough for %(fits)s photos with these options. Nothing was "
                "charged; send fewer photos or buy more credits.",
                self.fits,
            )
            % {
                "photos": photos,
                "cost": photos * per_photo,
                "available": available,
                "fits": self.fits,
            },
        )


@dataclass(frozen=True)
class PhotoSource:
    """One photo of a batch before it is read: its name, its size, and `read(n)`, which
    returns at most n of its bytes from the start."""

    name: str
    size: int
    read: Callable[[int], bytes]


def sources_from_files(
    files: Iterable[IO[bytes]], *, archives: bool = True
) -> tuple[list[PhotoSource], list[Skipped]]:
    """The photos among uploaded files (each with `.name` and `.size`), ZIP archives opened
    (with `archives`), and the files skipped with their reasons."""
    sources: list[PhotoSource] = []
    skipped: list[Skipped] = []
    for upload in files:
        name = upload.name or "unnamed"
        if archives and name.lower().endswith(formats.ARCHIVE_EXTENSIONS):
            found, passed_over = sources_from_zip(upload, archive_name=intake.base_name(name))
            sources.extend(found)
            skipped.extend(passed_over)
            continue
        reason = intake.not_a_photo_reason(name)
        if reason:
            skipped.append(Skipped(intake.base_name(name), reason))
            continue
        reader = upload_reader(upload)
        sources.append(PhotoSource(intake.base_name(name), upload.size or 0, reader))
    return sources, skipped


def sources_from_zip(
    archive: IO[bytes], *, archive_name: str = "The archive"
) -> tuple[list[PhotoSource], list[Skipped]]:
    """The photos of a ZIP archive, folders included, and its other files with the reason
    they are skipped; system files (hidden files, __MACOSX) are passed over silently.

    Nothing is extracted here: each member is read when its turn comes.
    """
    try:
        bundle = zipfile.ZipFile(archive)
        members = bundle.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise InvalidBatch(
            f"{archive_name} is not a ZIP file this server can read ({error})."
        ) from error
    sources: list[PhotoSource] = []
    skipped: list[Skipped] = []
    for member in members:
        if member.is_dir() or intake.is_system_file(member.filename):
            continue
        name = intake.base_name(member.filename)
        reason = intake.not_a_photo_reason(name)
        if reason:
            skipped.append(Skipped(name, reason))
        elif member.flag_bits & 0x1:
            skipped.append(Skipped(name, "encrypted in the archive; send it without a password."))
        else:
            sources.append(PhotoSource(name, member.file_size, _member_reader(bundle, member)))
    return sources, skipped


def check_limits(sources: list[PhotoSource]) -> None:
    """InvalidBatch for a batch past COLORIZER_BATCH_MAX_PHOTOS or COLORIZER_BATCH_MAX_BYTES."""
    if not sources:
        raise InvalidBatch(gettext("There is no photo to colorize among these files."))
    limit = settings.COLORIZER_BATCH_MAX_PHOTOS
    if len(sources) > limit:
        raise InvalidBatch(
            gettext(
                "A batch holds at most %(limit)s photos and these files hold %(count)s; "
                "send them in several batches."
            )
            % {"limit": limit, "count": len(sources)}
        )
    total = sum(source.size for source in sources)
    if total > settings.COLORIZER_BATCH_MAX_BYTES:
        raise InvalidBatch(
            gettext(
                "These photos add up to %(total)s, more than the %(limit)s a batch may hold; "
                "send them in several batches."
            )
            % {
                "total": filesizeformat(total),
                "limit": filesizeformat(settings.COLORIZER_BATCH_MAX_BYTES),
            }
        )


def submit_batch(
    *,
    owner: User,
    sources: list[PhotoSource],
    options: JobOptions,
    skipped: Iterable[Skipped] = (),
    strict: bool = True,
    api_key: ApiKey | None = None,
    source: str = ColorizationJob.Source.API,
    callback_url: str = "",
) -> Batch:
    """Check, store, charge (all or nothing) and queue the photos of `sources`.

    With `strict` (the API) a photo the engine refuses refuses the batch, naming
    it; without (the page) it joins `skipped`, which the batch keeps for its page.
    Raises InvalidBatch, the engine's errors, or BatchNotCovered when the balance
    does not cover every photo.
    """
    check_limits(sources)
    options = options.validated()
    config = engine_config()
    check_model_installed(options, config)
    check_callback_url(callback_url)
    per_photo = job_cost(options)
    _check_covered(owner, photos=len(sources), per_photo=per_photo, locked=False)
    skipped = list(skipped)
    stored: list[tuple[str, str, dict]] = []
    try:
        for photo in sources:
            try:
                data = _read(photo, config.max_bytes)
                info = engine.probe_image(data, config)
            except (InvalidImage, ImageTooLarge) as error:
                if strict:
                    raise type(error)(
                        "%(name)s: %(error)s", name=photo.name, error=str(error)
                    ) from error
                skipped.append(Skipped(photo.name, str(error)))
                continue
            task_id, input_name = services.store_input(data, info)
            stored.append((task_id, input_name, services.input_meta(data, info, photo.name)))
        if not stored:
            raise InvalidBatch(gettext("None of these files is a photo that can be colorized."))
        with transaction.atomic():
            # The wallet stays locked to the end of this transaction, so the charges
            # below see the balance checked here: they all succeed or none is made.
            _check_covered(owner, photos=len(stored), per_photo=per_photo, locked=True)
            batch = Batch.objects.create(
                owner=owner,
                api_key=api_key,
                options=asdict(options),
                cost=per_photo * len(stored),
                callback_url=callback_url,
                skipped=[entry.as_dict() for entry in skipped],
            )
            for task_id, input_name, meta in stored:
                services.create_charged_job(
                    task_id=task_id,
                    owner=owner,
                    options=options,
                    input_name=input_name,
                    api_key=api_key,
                    source=source,
                    batch=batch,
                    input_meta=meta,
                )
    except BaseException:
        storage = ColorizationJob._meta.get_field("input_file").storage
        for _, input_name, _ in stored:
            storage.delete(input_name)
        raise
    return batch


def _check_covered(owner: User, *, photos: int, per_photo: int, locked: bool) -> None:
    try:
        credits.require_balance(user=owner, amount=photos * per_photo, lock=locked)
    except credits.InsufficientCredits as error:
        raise BatchNotCovered(
            photos=photos, per_photo=per_photo, available=error.available
        ) from error


def _read(photo: PhotoSource, max_bytes: int) -> bytes:
    """One photo's bytes, read with the per-photo cap (a small archive can inflate to
    gigabytes, and a member's stated size is not to be trusted)."""
    data = photo.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageTooLarge(
            gettext_noop("larger than the %(limit)s limit for one photo."),
            limit=filesizeformat(max_bytes),
        )
    if not data:
        raise InvalidImage(gettext_noop("the file is empty."))
    return data


def upload_reader(upload: IO[bytes]) -> Callable[[int], bytes]:
    """`PhotoSource.read` for an uploaded file (in memory or a temporary file)."""

    def read(limit: int) -> bytes:
        upload.seek(0)
        return upload.read(limit)

    return read


def _member_reader(bundle: zipfile.ZipFile, member: zipfile.ZipInfo) -> Callable[[int], bytes]:
    def read(limit: int) -> bytes:
        # Extracted only now, one member at a time, and only up to the cap.
        with bundle.open(member) as handle:
            return handle.read(limit)

    return read


def result_names(jobs: Iterable[ColorizationJob]) -> Iterator[tuple[ColorizationJob, str]]:
    """Each succeeded job with its name in the ZIP: the original's name, `-colorized`, and
    the result's format; a name already taken gets -2, -3, ..."""
    taken: set[str] = set()
    for job in jobs:
        original = job.input_meta.get("name") or job.task_id
        stem = original.rsplit(".", 1)[0] if "." in original[1:] else original
        extension = job.result_file.name.rsplit(".", 1)[-1]
        name = f"{stem}-colorized.{extension}"
        number = 2
        while name.lower() in taken:
            name = f"{stem}-colorized-{number}.{extension}"
            number += 1
        taken.add(name.lower())
        yield job, name


def stream_results_zip(batch: Batch) -> Iterator[bytes]:
    """The ZIP of the batch's stored results (see `stream_photos_zip`)."""
    return stream_photos_zip(batch.jobs.order_by("id"))


def stream_photos_zip(jobs: QuerySet[ColorizationJob]) -> Iterator[bytes]:
    """The ZIP of the stored results among `jobs` (in their order), each with its caption,
    and captions.csv naming every file, in pieces, built as it is sent.

    Memory stays at about one piece whatever the number of photos, except that a photo
    with a caption is read whole to place it (one photo at a time).
    """
    jobs = jobs.filter(state=ColorizationJob.State.SUCCEEDED, deleted_at__isnull=True).exclude(
        result_file=""
    )
    written: list[tuple[ColorizationJob, str]] = []

    def members() -> Iterator[Member]:
        for job, name in result_names(jobs.select_related("facts").iterator()):
            moment = timezone.localtime(job.completed_at or timezone.now())
            yield name, moment, _result_pieces(job, name, written)
        if written:
            yield CAPTIONS_NAME, timezone.localtime(), [_captions_table(written).encode()]

    return stream_zip(members())


def _result_pieces(
    job: ColorizationJob, name: str, written: list[tuple[ColorizationJob, str]]
) -> Iterator[bytes]:
    """The job's result with its caption; FileNotFoundError (purged meanwhile) leaves it
    out of the ZIP, which holds what is left."""
    with job.result_file.open("rb") as source:
        if caption_of(job).is_empty:
            while chunk := source.read(CHUNK_BYTES):
                yield chunk
        else:
            yield with_caption(job, source.read())
    written.append((job, name))


def _captions_table(written: list[tuple[ColorizationJob, str]]) -> str:
    """The captions of the ZIP's photos, keyed by their names in it, which is what an
    import of this file into a catalogue (or back into an album) matches on."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=captions_csv.COLUMNS)
    writer.writeheader()
    rows = captions_csv.export_rows(job for job, _ in written)
    for (_, name), row in zip(written, rows, strict=True):
        writer.writerow({**row, "file_name": name})
    return buffer.getvalue()


def zip_response(batch: Batch) -> StreamingHttpResponse:
    """The download of `stream_results_zip`, named after the batch."""
    return streamed_zip(batch.jobs.order_by("id"), f"colorized-{batch.batch_id[:8]}.zip")


def streamed_zip(jobs: QuerySet[ColorizationJob], filename: str) -> StreamingHttpResponse:
    """The download of `stream_photos_zip` of `jobs` as `filename`."""
    response = StreamingHttpResponse(stream_photos_zip(jobs), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
