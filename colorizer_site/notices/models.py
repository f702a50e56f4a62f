"""The email outbox: a notice written with the event, sent and retried by the worker."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class EmailNotice(models.Model):
    class Kind(models.TextChoices):
        BATCH_READY = "batch_ready", "A batch is ready"
        EXPORT_READY = "export_ready", "A data export is ready"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_notices"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The public id of what is ready (a batch_id or an export_id), for the link and text.
    subject_id = models.CharField(max_length=32)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One mail per finished thing, however often its ending is announced.
            models.UniqueConstraint(fields=["kind", "subject_id"], name="one_notice_per_subject")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="email_notice_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} to user {self.user_id} ({self.status})"
