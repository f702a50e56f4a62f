"""Albums: a user's photos gathered and put in order, found again, shared and downloaded whole.

An album holds references to jobs, never copies: deleting an album keeps its
photos, and a photo removed from the gallery leaves every album it was in (its
rows go with `files.delete_jobs`' `deleted_at`, filtered out by `photos_of`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext

from colorizer_site.jobs.models import Album, AlbumPhoto, Batch, ColorizationJob
from colorizer_site.lib.errors import DomainError

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User

NAME_MAX = 200
# Enough for a family's collection or an archive's boxes; a runaway script stops here.
MAX_ALBUMS = 1000


class InvalidAlbum(DomainError, ValueError):
    """The album cannot be made or changed this way; `str()` says why."""

    code = "invalid_album"


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidAlbum(gettext("Give the album a name."))
    if len(name) > NAME_MAX:
        raise InvalidAlbum(
            gettext("An album's name holds at most %(limit)d characters.") % {"limit": NAME_MAX}
        )
    return name


def create_album(*, owner: User, name: str, jobs: QuerySet[ColorizationJob] | None = None) -> Album:
    """A new album of the owner's, holding `jobs` (their own, in that order) if given."""
    name = _clean_name(name)
    if Album.objects.filter(owner=owner).count() >= MAX_ALBUMS:
        raise InvalidAlbum(
            gettext("You have %(count)d albums, the most one account holds.")
            % {"count": MAX_ALBUMS}
        )
    with transaction.atomic():
        album = Album.objects.create(owner=owner, name=name)
        if jobs is not None:
            add_photos(album, jobs)
    return album


def album_from_batch(batch: Batch, *, name: str) -> Album:
    """An album of every photo of `batch`, in the order they were sent."""
    return create_album(owner=batch.owner, name=name, jobs=batch.jobs.order_by("id"))


def rename_album(album: Album, *, name: str) -> Album:
    album.name = _clean_name(name)
    album.save(update_fields=["name", "updated_at"])
    return album


def delete_album(album: Album) -> None:
    """Remove the album and its share links; the photos stay in the gallery."""
    album.delete()


def add_photos(album: Album, jobs: QuerySet[ColorizationJob]) -> int:
    """Append the album owner's photos among `jobs` (in their order) that it does not hold
    yet; how many were added."""
    candidates = jobs.filter(owner_id=album.owner_id, deleted_at__isnull=True)
    with transaction.atomic():
        # Locks the album row, so two additions at once number their photos in turn.
        Album.objects.select_for_update().filter(id=album.id).first()
        held = set(album.entries.values_list("job_id", flat=True))
        last = album.entries.aggregate(last=Max("position"))["last"] or 0
        new = []
        for job_id in candidates.values_list("id", flat=True):
            if job_id in held:
                continue
            held.add(job_id)
            last += 1
            new.append(AlbumPhoto(album=album, job_id=job_id, position=last))
        AlbumPhoto.objects.bulk_create(new)
        if new:
            album.save(update_fields=["updated_at"])
    return len(new)


def remove_photos(album: Album, *, task_ids: list[str]) -> int:
    """Take photos out of the album (they stay in the gallery); how many were taken out."""
    removed, _ = album.entries.filter(job__task_id__in=task_ids).delete()
    return removed


def move_photo(album: Album, *, task_id: str, offset: int) -> None:
    """Move a photo `offset` places later (negative: earlier) in the album's order."""
    entries = list(album.entries.filter(job__deleted_at__isnull=True).select_related("job"))
    index = next((i for i, entry in enumerate(entries) if entry.job.task_id == task_id), None)
    if index is None:
        raise InvalidAlbum(gettext("That photo is not in this album."))
    target = max(0, min(len(entries) - 1, index + offset))
    entries.insert(target, entries.pop(index))
    with transaction.atomic():
        for position, entry in enumerate(entries, start=1):
            if entry.position != position:
                AlbumPhoto.objects.filter(id=entry.id).update(position=position)


def photos_of(album: Album) -> QuerySet[ColorizationJob]:
    """The album's photos still in the gallery, in the album's order, with their facts."""
    return (
        ColorizationJob.objects.in_gallery()
        .filter(album_entries__album=album)
        .select_related("facts")
        .order_by("album_entries__position", "album_entries__id")
    )


def albums_of(owner: User) -> QuerySet[Album]:
    return Album.objects.visible_to(owner)


def download_stem(album: Album) -> str:
    """A file name for the album's downloads: its name in plain letters, or its id."""
    return slugify(album.name)[:60] or f"album-{album.album_id[:8]}"
