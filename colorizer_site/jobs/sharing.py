"""Share links: a job's result, a batch or an album, opened by anyone holding the link,
until revoked or expired.

Everything a public page may show goes through `open_share` and `shared_job`,
which answer ShareNotFound for a wrong, revoked or expired token and for jobs
removed from the gallery, so the pages turn every such case into the same 404.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from colorizer_site.jobs import files
from colorizer_site.jobs.links import result_available
from colorizer_site.jobs.models import Album, Batch, ColorizationJob, ShareLink
from colorizer_site.lib.errors import DomainError

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User

# The lifetimes offered when sharing, in days (None: until revoked).
EXPIRY_CHOICES = (
    (None, _("Until I revoke it")),
    (1, _("1 day")),
    (7, _("7 days")),
    (30, _("30 days")),
)
_TOKEN_BYTES = 24  # 192 random bits, 32 URL-safe characters


class ShareNotFound(Exception):
    """No live share behind this token (or no such photo in it): the page is a 404."""


class CannotShare(DomainError, ValueError):
    """The job has nothing to show yet (or any more); `str()` says why."""

    code = "cannot_share"


def create_share(
    *,
    owner: User,
    job: ColorizationJob | None = None,
    batch: Batch | None = None,
    album: Album | None = None,
    expires_in_days: int | None = None,
) -> tuple[ShareLink, str]:
    """A new link to the owner's finished job, batch or album; returns (link, token)."""
    targets = [target for target in (job, batch, album) if target is not None]
    if len(targets) != 1:
        raise ValueError("Share exactly one job, batch or album.")
    target = targets[0]
    if target.owner_id != owner.pk:
        raise CannotShare(gettext("You can only share your own photos."))
    if job is not None and not result_available(job):
        raise CannotShare(
            gettext("Only a colorized photo whose result is still stored can be shared.")
        )
    if batch is not None and not visible_batch_jobs(batch).exists():
        raise CannotShare(gettext("This batch has no colorized photos to share yet."))
    if album is not None and not visible_album_jobs(album).exists():
        raise CannotShare(gettext("This album has no colorized photos to share yet."))
    if expires_in_days is not None and expires_in_days not in dict(EXPIRY_CHOICES):
        raise CannotShare(gettext("Choose one of the offered lifetimes for the link."))
    expires_at = (
        timezone.now() + timedelta(days=expires_in_days) if expires_in_days is not None else None
    )
    while True:
        token = secrets.token_urlsafe(_TOKEN_BYTES)
        try:
            with transaction.atomic():
                link = ShareLink.objects.create(
                    owner=owner,
                    job=job,
                    batch=batch,
                    album=album,
                    lookup=token[: ShareLink.LOOKUP_LENGTH],
                    token=token,
                    expires_at=expires_at,
                )
        except IntegrityError:
            continue  # two tokens sharing a prefix: vanishingly rare, draw again
        return link, token


def revoke_share(link: ShareLink) -> None:
    """Stop the link working from the next request on; revoking twice changes nothing."""
    ShareLink.objects.filter(id=link.id, revoked_at__isnull=True).update(revoked_at=timezone.now())


def open_share(token: str, *, count_view: bool = False) -> ShareLink:
    """The live link behind `token`, or ShareNotFound."""
    link = (
        ShareLink.objects.live()
        .select_related("job", "batch", "album")
        .filter(lookup=token[: ShareLink.LOOKUP_LENGTH])
        .first()
    )
    # The lookup prefix only finds the row; the whole token must match, compared in
    # constant time so response timing says nothing about how much of a guess was right.
    if link is None or not hmac.compare_digest(link.token.encode(), token.encode()):
        raise ShareNotFound
    if link.job is not None and not result_available(link.job):
        raise ShareNotFound
    if count_view:
        ShareLink.objects.filter(id=link.id).update(views=F("views") + 1)
    return link


def visible_batch_jobs(batch: Batch) -> QuerySet[ColorizationJob]:
    """A shared batch's photos that can be shown: colorized, stored, not removed."""
    return (
        batch.jobs.filter(state=ColorizationJob.State.SUCCEEDED, deleted_at__isnull=True)
        .exclude(result_file="")
        .order_by("id")
    )


def visible_album_jobs(album: Album) -> QuerySet[ColorizationJob]:
    """A shared album's photos that can be shown, in the album's order."""
    return (
        ColorizationJob.objects.filter(
            album_entries__album=album,
            state=ColorizationJob.State.SUCCEEDED,
            deleted_at__isnull=True,
        )
        .exclude(result_file="")
        .select_related("facts")
        .order_by("album_entries__position", "album_entries__id")
    )


def shared_photos(link: ShareLink) -> QuerySet[ColorizationJob]:
    """The photos a batch or album link shows; none for a link to one photo."""
    if link.album is not None:
        return visible_album_jobs(link.album)
    if link.batch is not None:
        return visible_batch_jobs(link.batch)
    return ColorizationJob.objects.none()


def shared_job(link: ShareLink, task_id: str | None = None) -> ColorizationJob:
    """The job a link shows: its own job, or the named photo of its batch or album;
    ShareNotFound."""
    if link.job is not None:
        if task_id is not None and task_id != link.job.task_id:
            raise ShareNotFound
        return link.job
    if task_id is None:
        raise ShareNotFound
    job = shared_photos(link).filter(task_id=task_id).first()
    if job is None:
        raise ShareNotFound
    return job


def links_of(owner: User) -> QuerySet[ShareLink]:
    """All of the owner's links, live and ended, newest first, with what they point at."""
    return ShareLink.objects.filter(owner=owner).select_related("job", "batch", "album")


def is_live(link: ShareLink) -> bool:
    return link.revoked_at is None and (link.expires_at is None or link.expires_at > timezone.now())


def public_before_image(job: ColorizationJob) -> tuple[bytes, str]:
    """The "before" side for strangers: the result's lightness as a grey JPEG.

    Never the upload itself, which may carry the camera's GPS position and other
    metadata the owner did not mean to publish. The engine keeps the input's
    lightness, so this is the original photo in grey, upright and at its size.
    """
    import io

    from PIL import Image

    if job.options.get("mode") == "restore":
        # A restored photo's "before" is its faded colour, which the result no longer holds.
        return files.input_without_metadata(job), "image/jpeg"
    with job.result_file.open("rb") as handle, Image.open(handle) as image:
        buffer = io.BytesIO()
        image.convert("L").save(buffer, "JPEG", quality=90)
    return buffer.getvalue(), "image/jpeg"
