"""A copy of everything a user has given us or we made for them, as one ZIP.

The worker builds it (`tasks.build_data_export`): every original and result still
stored, and the job list and credit ledger as CSV and JSON. Photos are copied
into the archive in chunks and the archive is written to a temporary file on
disk, then handed to the storage (local media or S3) as a file, so memory stays
flat however large the account. The download link needs the owner's session and
expires after COLORIZER_EXPORT_RETENTION_HOURS; the worker then deletes the file.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_noop

from colorizer_site.accounts import languages
from colorizer_site.credits.models import CreditEntry
from colorizer_site.jobs.facts import FACT_NAMES
from colorizer_site.jobs.models import Album, ColorizationJob, PhotoFacts
from colorizer_site.notices import services as notices
from colorizer_site.notices.models import EmailNotice
from colorizer_site.privacy.models import DataExport

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User

logger = logging.getLogger(__name__)

# A request still pending after this long is taken as lost (its queue entry gone).
_PENDING_PATIENCE = timedelta(hours=1)
_COPY_CHUNK = 1024 * 1024

JOB_COLUMNS = (
    "task_id", "created_at", "completed_at", "state", "state_code", "source", "model",
    "clean_scratches", "face_remaster", "output_format", "cost", "original_name",
    "original_format", "width", "height", "source_url", "error", "removed_from_gallery",
    "original_file", "result_file",
)  # fmt: skip
LEDGER_COLUMNS = ("created_at", "kind", "delta", "balance_after", "memo", "task_id")
CAPTION_COLUMNS = ("task_id", *FACT_NAMES, "year_from", "year_to")
ALBUM_COLUMNS = ("album_id", "name", "created_at", "position", "task_id")


def request_export(owner: User) -> DataExport:
    """The owner's export being prepared, or a new one queued for the worker."""
    recent = DataExport.objects.filter(
        owner=owner,
        state=DataExport.State.PENDING,
        created_at__gte=timezone.now() - _PENDING_PATIENCE,
    ).first()
    if recent is not None:
        return recent
    export = DataExport.objects.create(owner=owner)
    export_id = export.id

    def enqueue() -> None:
        from colorizer_site.privacy.tasks import build_data_export

        build_data_export.enqueue(export_id)

    # After commit: the worker must find the row.
    transaction.on_commit(enqueue)
    return export


def build(export_id: int) -> None:
    """The worker step: write the ZIP to storage, mark the export ready and queue the mail
    with its link (notices)."""
    export = (
        DataExport.objects.select_related("owner")
        .filter(id=export_id, state=DataExport.State.PENDING)
        .first()
    )
    if export is None:
        return
    try:
        with tempfile.TemporaryFile() as spool:
            photos = write_archive(export.owner, spool)
            size = spool.tell()
            spool.seek(0)
            name = export.file.storage.save(
                f"exports/{export.export_id}.zip", File(spool, name="export.zip")
            )
    except Exception:
        logger.exception("data export %s failed", export.export_id)
        DataExport.objects.filter(id=export.id).update(
            state=DataExport.State.FAILED,
            error_message=gettext_noop(
                "The export could not be prepared; please ask for a new one."
            ),
        )
        return
    now = timezone.now()
    with transaction.atomic():
        updated = DataExport.objects.filter(id=export.id, state=DataExport.State.PENDING).update(
            state=DataExport.State.READY,
            file=name,
            size=size,
            photos=photos,
            ready_at=now,
            expires_at=now + timedelta(hours=settings.COLORIZER_EXPORT_RETENTION_HOURS),
        )
        if updated:
            # The mail with the link, if the owner wants it, goes out with the ready state.
            notices.record(
                user=export.owner,
                kind=EmailNotice.Kind.EXPORT_READY,
                subject_id=export.export_id,
            )
    if not updated:  # the account was deleted meanwhile
        export.file.storage.delete(name)


def write_archive(owner: User, target: IO[bytes]) -> int:
    """Write the owner's ZIP into `target`; how many photo files it holds."""
    jobs = list(ColorizationJob.objects.filter(owner=owner).order_by("created_at", "id"))
    photos = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        paths: dict[int, tuple[str, str]] = {}
        for job in jobs:
            original = _copy_file(archive, job.input_file, f"originals/{job.task_id}")
            result = _copy_file(archive, job.result_file, f"results/{job.task_id}")
            photos += bool(original) + bool(result)
            paths[job.id] = (original, result)
        rows = [_job_row(job, *paths[job.id]) for job in jobs]
        _write_table(archive, "jobs", JOB_COLUMNS, rows)
        _write_table(archive, "ledger", LEDGER_COLUMNS, _ledger_rows(owner))
        _write_table(archive, "captions", CAPTION_COLUMNS, _caption_rows(owner))
        _write_table(archive, "albums", ALBUM_COLUMNS, _album_rows(owner))
        _write_json(archive, "account.json", _account(owner, len(jobs), photos))
        with languages.language_of(owner):
            archive.writestr("README.txt", render_to_string("privacy/export_readme.txt"))
    return photos


def _copy_file(archive: zipfile.ZipFile, field: Any, stem: str) -> str:
    """Copy a stored file into the archive in chunks; its path there, or "" if none."""
    if not field.name or not field.storage.exists(field.name):
        return ""
    extension = field.name.rsplit(".", 1)[-1] if "." in field.name else "bin"
    path = f"{stem}.{extension}"
    info = zipfile.ZipInfo(path, date_time=timezone.localtime().timetuple()[:6])
    # Photos are compressed already: stored, not deflated again.
    info.compress_type = zipfile.ZIP_STORED
    with field.storage.open(field.name, "rb") as source, archive.open(info, "w") as sink:
        shutil.copyfileobj(source, sink, _COPY_CHUNK)
    return path


def _job_row(job: ColorizationJob, original: str, result: str) -> dict[str, Any]:
    options = job.options or {}
    meta = job.input_meta or {}
    return {
        "task_id": job.task_id,
        "created_at": _when(job.created_at),
        "completed_at": _when(job.completed_at),
        "state": job.get_state_display(),
        "state_code": job.state,
        "source": job.source,
        "model": options.get("model", ""),
        "clean_scratches": bool(options.get("clean_scratches")),
        "face_remaster": bool(options.get("face_remaster")),
        "output_format": options.get("output_format", ""),
        "cost": job.cost,
        "original_name": meta.get("name", ""),
        "original_format": meta.get("format", ""),
        "width": meta.get("width", ""),
        "height": meta.get("height", ""),
        "source_url": meta.get("source_url", ""),
        "error": job.error_message,
        "removed_from_gallery": job.deleted_at is not None,
        "original_file": original,
        "result_file": result,
    }


def _ledger_rows(owner: User) -> Iterator[dict[str, Any]]:
    entries = (
        CreditEntry.objects.filter(user=owner).select_related("job").order_by("created_at", "id")
    )
    for entry in entries.iterator():
        yield {
            "created_at": _when(entry.created_at),
            "kind": entry.kind,
            "delta": entry.delta,
            "balance_after": entry.balance_after,
            "memo": entry.memo,
            "task_id": entry.job.task_id if entry.job else "",
        }


def _caption_rows(owner: User) -> Iterator[dict[str, Any]]:
    rows = PhotoFacts.objects.filter(job__owner=owner).select_related("job").order_by("job_id")
    for row in rows.iterator():
        yield {
            "task_id": row.job.task_id,
            "title": row.title,
            "description": row.description,
            "date": row.date_text,
            "place": row.place,
            "people": "; ".join(row.people_list),
            "reference": row.reference,
            "year_from": row.year_from if row.year_from is not None else "",
            "year_to": row.year_to if row.year_to is not None else "",
        }


def _album_rows(owner: User) -> Iterator[dict[str, Any]]:
    """One row per photo of each album (and one with no photo for an empty album)."""
    for album in Album.objects.filter(owner=owner).order_by("created_at", "id"):
        base = {
            "album_id": album.album_id,
            "name": album.name,
            "created_at": _when(album.created_at),
        }
        entries = album.entries.select_related("job").order_by("position", "id")
        if not entries:
            yield {**base, "position": "", "task_id": ""}
        for entry in entries:
            yield {**base, "position": entry.position, "task_id": entry.job.task_id}


def _account(owner: User, jobs: int, photos: int) -> dict[str, Any]:
    from colorizer_site.credits.services import balance_of

    return {
        "email": owner.email,
        "date_joined": _when(owner.date_joined),
        "credits": balance_of(owner),
        "jobs": jobs,
        "photo_files": photos,
        "exported_at": _when(timezone.now()),
    }


def _write_table(
    archive: zipfile.ZipFile, stem: str, columns: tuple[str, ...], rows: Iterable[dict]
) -> None:
    """`stem`.csv and `stem`.json, each written row by row into the archive."""
    rows = list(rows)
    with archive.open(f"{stem}.csv", "w") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.DictWriter(text, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
        text.flush()
        text.detach()
    with archive.open(f"{stem}.json", "w") as raw:
        raw.write(b"[")
        for index, row in enumerate(rows):
            raw.write((",\n" if index else "\n").encode() + json.dumps(row).encode())
        raw.write(b"\n]\n")


def _write_json(archive: zipfile.ZipFile, path: str, value: Any) -> None:
    archive.writestr(path, json.dumps(value, indent=2) + "\n")


def _when(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def purge_expired() -> int:
    """Delete the files of exports past their expiry; how many were removed."""
    expired = DataExport.objects.filter(
        state=DataExport.State.READY, expires_at__lte=timezone.now()
    )
    count = 0
    for export in expired:
        remove_export(export, state=DataExport.State.EXPIRED)
        count += 1
    return count


def remove_export(export: DataExport, *, state: str) -> None:
    if export.file.name:
        export.file.storage.delete(export.file.name)
    DataExport.objects.filter(id=export.id).update(state=state, file="")
