from __future__ import annotations

import os
import secrets
import socket

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _


def new_task_id() -> str:
    return secrets.token_hex(16)


def this_worker() -> str:
    """This process's name in its heartbeat row and on the jobs it runs: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


class BatchQuerySet(QuerySet["Batch"]):
    def visible_to(self, user: models.Model) -> BatchQuerySet:
        """The batches a user sees: their own; others' are a 404 for them."""
        return self.filter(owner=user)


class Batch(models.Model):
    """Several photos submitted together: charged all or nothing, completed when every
    job has ended, downloadable as one ZIP."""

    batch_id = models.CharField(max_length=32, unique=True, default=new_task_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="batches"
    )
    api_key = models.ForeignKey(
        "keys.ApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="batches"
    )
    options = models.JSONField(default=dict)
    cost = models.PositiveIntegerField(default=0)
    # Receives the batch.completed event (a Standard Webhooks delivery).
    callback_url = models.URLField(max_length=2000, blank=True)
    # Files sent with the batch that are not colorized: [{"name": ..., "reason": ...}].
    skipped = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"batch {self.batch_id}"

    @property
    def is_finished(self) -> bool:
        return self.completed_at is not None


class ColorizationJobQuerySet(QuerySet["ColorizationJob"]):
    def in_gallery(self) -> ColorizationJobQuerySet:
        """Jobs not removed from their owner's gallery."""
        return self.filter(deleted_at__isnull=True)

    def visible_to(self, user: models.Model) -> ColorizationJobQuerySet:
        """The jobs a user sees, on pages and in the API: their own, not removed from the
        gallery. Everything else is a 404 for them."""
        return self.in_gallery().filter(owner=user)


class ColorizationJob(models.Model):
    """The source of truth for one colorization, whether from a page or the API."""

    class Source(models.TextChoices):
        WEB = "web", _("Web")
        API = "api", "API"

    class State(models.IntegerChoices):
        # The task dialect's published codes: 1 done, 0 queued, 2+ working,
        # negative failed.
        SUCCEEDED = 1, _("Succeeded")
        QUEUED = 0, _("Queued")
        PROCESSING = 2, _("Processing")
        FAILED = -1, _("Failed")
        DOWNLOAD_FAILED = -3, _("Image download failed")
        IMAGE_TOO_LARGE = -5, _("Image too large")
        INVALID_IMAGE = -7, _("Invalid image")
        TIMED_OUT = -8, _("Timed out")
        CANCELLED = -9, _("Cancelled")

    task_id = models.CharField(max_length=32, unique=True, default=new_task_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="colorization_jobs"
    )
    api_key = models.ForeignKey(
        "keys.ApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)

    input_file = models.FileField(upload_to="inputs/%Y/%m/%d/", blank=True)
    # Original name, detected format, width, height, bytes, source URL if any.
    input_meta = models.JSONField(default=dict, blank=True)
    # model, clean_scratches, face_remaster, output_format, hints, vividness.
    options = models.JSONField(default=dict)
    cost = models.PositiveIntegerField(default=0)

    state = models.SmallIntegerField(choices=State.choices, default=State.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=40, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)

    batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    # Set when the owner cancels a job the worker is running; the worker stops
    # at its next progress report and refunds it.
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    # Where to POST the final state (a Standard Webhooks delivery), besides the
    # owner's webhook endpoints; given per request by API callers.
    callback_url = models.URLField(max_length=2000, blank=True)

    # The worker process (host:pid, as in its heartbeat row) that runs it, and how often
    # it went back to the queue because that worker fell silent (jobs.recovery).
    worker = models.CharField(max_length=200, blank=True)
    requeues = models.PositiveSmallIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    result_file = models.FileField(upload_to="results/%Y/%m/%d/", blank=True)
    # Engine metadata: size, format, model, stages, timings, notes.
    result_meta = models.JSONField(default=dict, blank=True)
    thumbnail = models.FileField(upload_to="thumbnails/%Y/%m/%d/", blank=True)
    # Set when the owner removes the job from the gallery; purge_results
    # deletes any files left behind.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # A refinement ("Adjust colours", then Apply) is a job of its own that points at
    # the job it refines, and at the first job of that line, under which the gallery
    # groups it.
    refines = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="refinements"
    )
    original = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="versions"
    )

    objects = ColorizationJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"job {self.task_id} ({self.get_state_display()})"

    @property
    def is_finished(self) -> bool:
        return self.state == self.State.SUCCEEDED or self.state < 0

    @property
    def succeeded(self) -> bool:
        return self.state == self.State.SUCCEEDED

    @property
    def failed(self) -> bool:
        return self.state < 0


class AlbumQuerySet(QuerySet["Album"]):
    def visible_to(self, user: models.Model) -> AlbumQuerySet:
        """The albums a user sees: their own; others' are a 404 for them."""
        return self.filter(owner=user)


class Album(models.Model):
    """A collection of a user's photos in the order they chose ("Grandma's album", "Box 12").

    Deleting an album keeps its photos; deleting a photo takes it out of its albums.
    """

    album_id = models.CharField(max_length=32, unique=True, default=new_task_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="albums"
    )
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    jobs = models.ManyToManyField(
        "ColorizationJob", through="AlbumPhoto", related_name="albums", blank=True
    )

    objects = AlbumQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class AlbumPhoto(models.Model):
    """One photo's place in one album."""

    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="entries")
    job = models.ForeignKey(
        "ColorizationJob", on_delete=models.CASCADE, related_name="album_entries"
    )
    position = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["album", "job"], name="album_holds_a_photo_once")
        ]

    def __str__(self) -> str:
        return f"{self.job_id} in {self.album_id}"


class PhotoFacts(models.Model):
    """What a person knows about one photo: its caption and facts (facts.py has the rules).

    Its own table rather than columns of the job: most jobs have none, and the job row
    is rewritten by the worker many times while it runs.
    """

    job = models.OneToOneField(
        "ColorizationJob", on_delete=models.CASCADE, primary_key=True, related_name="facts"
    )
    title = models.CharField(max_length=200, blank=True)
    description = models.TextField(max_length=2000, blank=True)
    # The date as people know it ("about 1925", "summer 1948", "1910s")...
    date_text = models.CharField(max_length=100, blank=True)
    # ...and the years it stands for, for sorting and filtering (None: open or unknown).
    year_from = models.SmallIntegerField(null=True, blank=True)
    year_to = models.SmallIntegerField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    # One name per line.
    people = models.TextField(max_length=2000, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    # Every searchable word of the photo (the facts and the file name), kept by
    # facts.save_facts; PostgreSQL indexes its full-text vector (migration 0008).
    search_text = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "photo facts"

    def __str__(self) -> str:
        return f"facts of {self.job_id}"

    @property
    def people_list(self) -> list[str]:
        return [name for name in self.people.splitlines() if name.strip()]


class ShareLinkQuerySet(QuerySet["ShareLink"]):
    def live(self) -> ShareLinkQuerySet:
        """Links that still open: not revoked, not past their expiry."""
        from django.utils import timezone

        return self.filter(revoked_at__isnull=True).exclude(expires_at__lte=timezone.now())


class ShareLink(models.Model):
    """A public, read-only link to one job's result, a whole batch or an album.

    The token is the secret; `lookup` (its first characters) finds the row and the
    full token is then compared in constant time, so the owner can copy the link
    again from their list (the reason it is kept, unlike an API key's secret).
    """

    LOOKUP_LENGTH = 8

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    job = models.ForeignKey(
        ColorizationJob, null=True, blank=True, on_delete=models.CASCADE, related_name="shares"
    )
    batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.CASCADE, related_name="shares"
    )
    album = models.ForeignKey(
        Album, null=True, blank=True, on_delete=models.CASCADE, related_name="shares"
    )
    lookup = models.CharField(max_length=LOOKUP_LENGTH, unique=True)
    token = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(job__isnull=False, batch__isnull=True, album__isnull=True)
                    | models.Q(job__isnull=True, batch__isnull=False, album__isnull=True)
                    | models.Q(job__isnull=True, batch__isnull=True, album__isnull=False)
                ),
                name="share_link_names_one_job_batch_or_album",
            )
        ]

    def __str__(self) -> str:
        return f"share {self.lookup}… of {self.job or self.batch or self.album}"


class WorkerHeartbeat(models.Model):
    """One row per worker process, rewritten every few seconds by `run_worker`: /healthz
    reads how long ago each worker was last heard from."""

    # host:pid, unique for the life of the process.
    name = models.CharField(max_length=200, unique=True)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"worker {self.name}"
