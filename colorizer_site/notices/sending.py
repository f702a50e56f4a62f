"""Sending the email outbox from the worker: in each person's language, with retries.

The worker calls `send_due` every COLORIZER_NOTICE_POLL_SECONDS (a `lib.periodic`
duty). Due rows are claimed with SKIP LOCKED and leased, as webhooks' deliveries are, so
several workers share the outbox and one killed mid-send leaves its rows to the others.
A failed send keeps the row: it is tried again after each delay of
COLORIZER_NOTICE_RETRY_SCHEDULE, and only then marked failed, with the reason kept.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from colorizer_site.accounts.services import preferences_of
from colorizer_site.jobs.models import Batch, ColorizationJob
from colorizer_site.notices.models import EmailNotice

logger = logging.getLogger(__name__)
Status = EmailNotice.Status
Kind = EmailNotice.Kind
# A worker that dies mid-send leaves its notices to others after this long.
LEASE = timedelta(minutes=2)


def send_due(*, limit: int = 20) -> int:
    """Send every due notice (up to `limit` per call); how many were attempted."""
    attempted = 0
    for notice in _claim_due(limit):
        attempt(notice)
        attempted += 1
    return attempted


def _claim_due(limit: int) -> list[EmailNotice]:
    now = timezone.now()
    with transaction.atomic():
        due = list(
            EmailNotice.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("id", flat=True)[:limit]
        )
        EmailNotice.objects.filter(id__in=due).update(next_attempt_at=now + LEASE)
    return list(EmailNotice.objects.filter(id__in=due).select_related("user"))


def attempt(notice: EmailNotice) -> bool:
    """One try at sending the notice, its outcome recorded; True when sent."""
    user = notice.user
    if not user.is_active:
        _finish(notice, Status.FAILED, "The account was closed before the mail went out.")
        return False
    try:
        subject, body = render(notice)
        send_mail(subject, body, from_email=None, recipient_list=[user.email])
    except Exception as error:
        logger.warning("email notice %s could not be sent: %s", notice.id, error)
        _retry_later(notice, str(error) or type(error).__name__)
        return False
    _finish(notice, Status.SENT)
    return True


def render(notice: EmailNotice) -> tuple[str, str]:
    """(subject, body) in the user's language: their preference, else the site's default."""
    language = preferences_of(notice.user).language or settings.LANGUAGE_CODE
    site = settings.COLORIZER_SITE_URL.rstrip("/")
    with translation.override(language):
        if notice.kind == Kind.BATCH_READY:
            context = _batch_context(notice.subject_id)
            context["link"] = site + reverse("web:batch_detail", args=[notice.subject_id])
            template = "notices/email/batch_ready"
        else:
            context = {"hours": settings.COLORIZER_EXPORT_RETENTION_HOURS}
            context["link"] = site + reverse("privacy:export_download", args=[notice.subject_id])
            template = "notices/email/export_ready"
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    return " ".join(subject.splitlines()), body


def _batch_context(batch_id: str) -> dict:
    batch = Batch.objects.get(batch_id=batch_id)
    jobs = ColorizationJob.objects.filter(batch=batch)
    return {
        "batch": batch,
        "photos": jobs.count(),
        "succeeded": jobs.filter(state=ColorizationJob.State.SUCCEEDED).count(),
    }


def _retry_later(notice: EmailNotice, error: str) -> None:
    notice.attempts += 1
    notice.last_error = error[:300]
    schedule = settings.COLORIZER_NOTICE_RETRY_SCHEDULE
    if notice.attempts > len(schedule):
        notice.status = Status.FAILED
    else:
        notice.next_attempt_at = timezone.now() + timedelta(seconds=schedule[notice.attempts - 1])
    notice.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])


def _finish(notice: EmailNotice, status: str, error: str = "") -> None:
    notice.status = status
    notice.last_error = error[:300]
    if status == Status.SENT:
        notice.attempts += 1
        notice.sent_at = timezone.now()
    notice.save(update_fields=["status", "last_error", "attempts", "sent_at"])
