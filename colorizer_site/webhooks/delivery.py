"""Sending the outbox: Standard Webhooks signatures, retries with backoff, disabling.

The only module that imports `standardwebhooks`. The worker calls `send_due`
every COLORIZER_WEBHOOK_POLL_SECONDS (a `lib.periodic` duty); it claims due
rows with SKIP LOCKED, so any number of workers share the outbox, and leases
them (COLORIZER_WEBHOOK_LEASE_SECONDS, renewed just before each attempt): a
worker killed mid-send leaves its rows to be sent again once the lease runs out
(at-least-once; receivers deduplicate on `webhook-id`, which stays the same
across attempts).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from standardwebhooks.webhooks import Webhook

from colorizer_site.accounts import languages
from colorizer_site.lib.safe_http import FetchError, PostLimits, post
from colorizer_site.webhooks.models import WebhookDelivery, WebhookEndpoint
from colorizer_site.webhooks.services import signing_secret

logger = logging.getLogger(__name__)
Status = WebhookDelivery.Status


def send_due(*, limit: int = 20) -> int:
    """Send every due delivery (up to `limit` per call); how many were attempted."""
    return send_claimed(claim_due(limit))


def claim_due(limit: int) -> list[WebhookDelivery]:
    """Lease up to `limit` due deliveries to this worker (SKIP LOCKED: others take others)."""
    now = timezone.now()
    lease_until = now + _lease()
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("id", flat=True)[:limit]
        )
        if not due:
            return []
        WebhookDelivery.objects.filter(id__in=due).update(next_attempt_at=lease_until)
    return list(WebhookDelivery.objects.filter(id__in=due).select_related("endpoint", "owner"))


def send_claimed(deliveries: list[WebhookDelivery]) -> int:
    """Attempt each leased delivery, renewing its lease first: slow receivers ahead of it
    in the list may have outlasted the first lease, and then another worker owns it."""
    sent = 0
    for delivery in deliveries:
        renewed_until = timezone.now() + _lease()
        still_ours = WebhookDelivery.objects.filter(
            id=delivery.id, status=Status.PENDING, next_attempt_at=delivery.next_attempt_at
        ).update(next_attempt_at=renewed_until)
        if not still_ours:
            continue
        delivery.next_attempt_at = renewed_until
        attempt(delivery)
        sent += 1
    return sent


def _lease() -> timedelta:
    return timedelta(seconds=settings.COLORIZER_WEBHOOK_LEASE_SECONDS)


def attempt(delivery: WebhookDelivery) -> bool:
    """One signed POST of the delivery and its outcome recorded; True when delivered."""
    endpoint = delivery.endpoint
    if endpoint is not None and not endpoint.is_active:
        _finish(delivery, status=Status.FAILED, error="The endpoint is disabled.")
        return False
    started = time.monotonic()
    sent_at = datetime.now(tz=UTC)
    headers = {
        "content-type": "application/json",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(signing_secret(delivery)).sign(
            delivery.message_id, sent_at, delivery.payload
        ),
    }
    status_code, error = None, ""
    try:
        answer = post(
            delivery.url, content=delivery.payload.encode(), headers=headers, limits=_limits()
        )
        status_code = answer.status
        if not 200 <= answer.status < 300:
            error = f"HTTP {answer.status}"
    except FetchError as failure:
        error = str(failure)
    except Exception:
        # Counted as a failed attempt like any other: a row that crashed its sender
        # would otherwise come back after every lease without its attempts growing.
        logger.exception("webhook %s could not be sent", delivery.message_id)
        error = "The delivery failed on our side; it will be retried."
    duration_ms = round((time.monotonic() - started) * 1000)
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_duration_ms = duration_ms
    delivery.last_attempt_at = timezone.now()
    if not error:
        _finish(delivery, status=Status.SUCCEEDED)
        if endpoint is not None and endpoint.failing_since is not None:
            WebhookEndpoint.objects.filter(id=endpoint.id).update(failing_since=None)
        return True
    schedule = settings.COLORIZER_WEBHOOK_RETRY_SCHEDULE
    if delivery.attempts > len(schedule):
        _finish(delivery, status=Status.FAILED, error=error)
    else:
        delivery.last_error = error[:300]
        delivery.next_attempt_at = timezone.now() + timedelta(
            seconds=schedule[delivery.attempts - 1]
        )
        delivery.save(update_fields=[*_OUTCOME_FIELDS, "next_attempt_at"])
    if endpoint is not None:
        _note_failure(endpoint)
    logger.info("webhook %s to %s failed: %s", delivery.message_id, delivery.url, error)
    return False


_OUTCOME_FIELDS = [
    "status",
    "attempts",
    "last_status_code",
    "last_duration_ms",
    "last_attempt_at",
    "last_error",
    "delivered_at",
]


def _finish(delivery: WebhookDelivery, *, status: str, error: str = "") -> None:
    delivery.status = status
    delivery.last_error = error[:300]
    if status == Status.SUCCEEDED:
        delivery.delivered_at = timezone.now()
    delivery.save(update_fields=_OUTCOME_FIELDS)


def _note_failure(endpoint: WebhookEndpoint) -> None:
    """Start the endpoint's failing clock, and disable it (telling its owner) once it has
    failed without a single success for COLORIZER_WEBHOOK_DISABLE_AFTER_HOURS."""
    now = timezone.now()
    WebhookEndpoint.objects.filter(id=endpoint.id, failing_since=None).update(failing_since=now)
    cutoff = now - timedelta(hours=settings.COLORIZER_WEBHOOK_DISABLE_AFTER_HOURS)
    reason = gettext_noop("Every delivery failed for too long.")
    disabled = WebhookEndpoint.objects.filter(
        id=endpoint.id, disabled_at=None, failing_since__lte=cutoff
    ).update(disabled_at=now, disabled_reason=reason)
    if disabled:
        logger.warning("webhook endpoint %s disabled after failing", endpoint.url)
        with languages.language_of(endpoint.owner):
            subject = gettext("Colorizer: a webhook endpoint was disabled")
            message = gettext(
                "Every delivery to your webhook endpoint %(url)s has failed since %(since)s "
                "UTC, so it was disabled and no more events are sent to it. Fix the receiver, "
                "then enable the endpoint again on the Webhooks page (%(page)s)."
            ) % {
                "url": endpoint.url,
                "since": f"{endpoint.failing_since or now:%Y-%m-%d %H:%M}",
                "page": settings.COLORIZER_SITE_URL.rstrip("/") + "/webhooks/",
            }
        send_mail(
            subject=subject, message=message, from_email=None, recipient_list=[endpoint.owner.email]
        )


def _limits() -> PostLimits:
    return PostLimits(
        timeout=settings.COLORIZER_WEBHOOK_TIMEOUT,
        max_redirects=settings.COLORIZER_URL_FETCH_MAX_REDIRECTS,
        allow_loopback=settings.COLORIZER_URL_FETCH_ALLOW_LOOPBACK,
    )
