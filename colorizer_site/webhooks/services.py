"""Webhook endpoints and the outbox: what is sent, to whom, and when it is written.

Deliveries are rows written in the same transaction as the job's final state
(the `job_finished` signal is sent inside it), so a crash can neither lose an
event nor announce one that did not happen; `webhooks.delivery` sends them.
"""

from __future__ import annotations

import base64
import hmac
import json
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from colorizer_site.jobs.models import Batch, ColorizationJob
from colorizer_site.jobs.task_data import batch_data, listed_task
from colorizer_site.lib.errors import DomainError
from colorizer_site.lib.safe_http import RefusedUrl, check_url
from colorizer_site.webhooks.models import TEST_EVENT, Event, WebhookDelivery, WebhookEndpoint

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User

MAX_ENDPOINTS = 20


class InvalidEndpoint(DomainError, ValueError):
    """The endpoint cannot be saved; `str()` says why, `field` names the form field at fault."""

    code = "invalid_endpoint"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def callback_secret(user: User) -> str:
    """The secret that signs deliveries to a per-request `callback_url` of this user.

    Derived from SECRET_KEY, so it needs no storage and the webhooks page can
    show it at any time; changing SECRET_KEY changes it (as it does API keys).
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"colorizer.webhooks.callback:{user.pk}".encode(), "sha256"
    ).digest()
    return "whsec_" + base64.b64encode(digest).decode()


def check_target(url: str) -> None:
    """RefusedUrl unless `url` may receive webhooks (http/https, public address)."""
    check_url(
        url,
        allow_loopback=settings.COLORIZER_URL_FETCH_ALLOW_LOOPBACK,
        what=gettext("The webhook URL"),
    )


def create_endpoint(
    *, owner: User, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """A new endpoint with a fresh secret, or InvalidEndpoint."""
    unknown = set(events) - set(Event.values)
    if not events or unknown:
        raise InvalidEndpoint(gettext("Choose at least one of the events offered."), field="events")
    if WebhookEndpoint.objects.filter(owner=owner).count() >= MAX_ENDPOINTS:
        raise InvalidEndpoint(
            gettext("You can have at most %(count)s webhook endpoints.") % {"count": MAX_ENDPOINTS}
        )
    try:
        check_target(url)
    except RefusedUrl as error:
        raise InvalidEndpoint(str(error), field="url") from error
    return WebhookEndpoint.objects.create(
        owner=owner,
        url=url,
        events=sorted(set(events)),
        description=description,
        secret=new_secret(),
    )


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


def remove_all_for(owner: User) -> int:
    """Delete the owner's endpoints and every delivery addressed for them, pending or
    sent (account deletion: their URLs and payloads are the owner's data); how many
    endpoints there were."""
    WebhookDelivery.objects.filter(owner=owner).delete()
    removed, _ = WebhookEndpoint.objects.filter(owner=owner).delete()
    return removed


def enable_endpoint(endpoint: WebhookEndpoint) -> None:
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.failing_since = None
    endpoint.save(update_fields=["disabled_at", "disabled_reason", "failing_since"])


def retry_words() -> str:
    """The retry schedule as the pages say it: "5 s, 1 min, 10 min, 1 h and 6 h"."""
    words = [_duration(seconds) for seconds in settings.COLORIZER_WEBHOOK_RETRY_SCHEDULE]
    if len(words) == 1:
        return words[0]
    return gettext("%(list)s and %(last)s") % {"list": ", ".join(words[:-1]), "last": words[-1]}


def disable_words() -> str:
    hours = settings.COLORIZER_WEBHOOK_DISABLE_AFTER_HOURS
    if hours % 24 == 0 and hours >= 48:
        return ngettext("%(count)s day", "%(count)s days", hours // 24) % {"count": hours // 24}
    return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}


def _duration(seconds: float) -> str:
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)} {unit}"
    return f"{seconds:g} s"


def event_body(event_type: str, data: dict[str, Any]) -> str:
    """The Standard Webhooks payload: type, timestamp, data."""
    return json.dumps(
        {"type": event_type, "timestamp": timezone.now().isoformat(), "data": data},
        separators=(",", ":"),
    )


def record_job_finished(sender: type, job: ColorizationJob, **kwargs: Any) -> None:
    """The `job_finished` receiver: one outbox row per endpoint that wants the event,
    and one for the job's callback_url; runs inside the final state's transaction."""
    event = Event.TASK_SUCCEEDED if job.succeeded else Event.TASK_FAILED
    _record(
        owner_id=job.owner_id,
        event=event,
        callback_url=job.callback_url,
        data=lambda: listed_task(job, base_url=settings.COLORIZER_SITE_URL),
        job=job,
    )


def record_batch_completed(sender: type, batch: Batch, **kwargs: Any) -> None:
    """The `batch_completed` receiver: `batch.completed` to subscribed endpoints and to
    the batch's callback_url, in the transaction of its last job's final state."""
    _record(
        owner_id=batch.owner_id,
        event=Event.BATCH_COMPLETED,
        callback_url=batch.callback_url,
        data=lambda: batch_data(batch, base_url=settings.COLORIZER_SITE_URL),
    )


def _record(
    *,
    owner_id: int,
    event: str,
    callback_url: str,
    data: Callable[[], dict[str, Any]],
    job: ColorizationJob | None = None,
) -> None:
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(owner_id=owner_id, disabled_at=None)
        if event in endpoint.events
    ]
    targets = [(endpoint, endpoint.url) for endpoint in endpoints]
    if callback_url:
        targets.append((None, callback_url))
    if not targets:
        return
    body = event_body(event, data())
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            owner_id=owner_id,
            endpoint=endpoint,
            job=job,
            url=url,
            event_type=event,
            payload=body,
            next_attempt_at=now,
        )
        for endpoint, url in targets
    )


def send_test_event(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a `webhook.test` message to the endpoint (sent by the worker within seconds)."""
    return WebhookDelivery.objects.create(
        owner=endpoint.owner,
        endpoint=endpoint,
        url=endpoint.url,
        event_type=TEST_EVENT,
        payload=event_body(TEST_EVENT, {"endpoint": endpoint.url, "message": "It works."}),
        next_attempt_at=timezone.now(),
    )


def resend(delivery: WebhookDelivery) -> None:
    """Send a delivery again from the first attempt, with the same webhook-id (receivers
    that deduplicate on it see a repeat)."""
    WebhookDelivery.objects.filter(id=delivery.id).update(
        status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )


def signing_secret(delivery: WebhookDelivery) -> str:
    if delivery.endpoint_id is not None:
        return delivery.endpoint.secret
    return callback_secret(delivery.owner)


def recent_deliveries(owner: User, *, limit: int = 50) -> list[WebhookDelivery]:
    return list(
        WebhookDelivery.objects.filter(owner=owner).select_related("endpoint", "job")[:limit]
    )
