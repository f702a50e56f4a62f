"""Webhook deliveries to a real receiver on loopback: Standard Webhooks signatures, exactly
one delivery per event, retries with backoff, the outbox's transaction, SSRF rules."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.core import mail
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs import services as jobs
from colorizer_site.jobs.endings import cancel_job, fail_job
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import JobOptions
from colorizer_site.webhooks import services
from colorizer_site.webhooks.delivery import send_due
from colorizer_site.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.api.conftest import create_task
from tests.webhooks.conftest import Receiver

Status = WebhookDelivery.Status


def send_until_settled(timeout: float = 10) -> None:
    """Run the worker's duty until no delivery is pending (retries are 50 ms apart here)."""
    deadline = time.monotonic() + timeout
    while WebhookDelivery.objects.filter(status=Status.PENDING).exists():
        assert time.monotonic() < deadline, "deliveries still pending"
        send_due()
        time.sleep(0.02)


@pytest.mark.django_db(transaction=True)
def test_each_event_reaches_the_receiver_once_with_a_valid_signature(
    api: httpx.Client, endpoint: WebhookEndpoint, receiver: Receiver, gray_photo_jpeg: bytes
) -> None:
    done = create_task(api, gray_photo_jpeg, sync=1, model="tiny").json()["data"]
    refused = create_task(api, b"not an image", sync=1, model="tiny")
    assert refused.status_code == 400  # refused before a job existed: no event
    failing = create_task(api, gray_photo_jpeg[: len(gray_photo_jpeg) // 3], sync=1, model="tiny")
    failed = failing.json()["data"]

    send_until_settled()
    send_due()

    assert len(receiver.received) == 2
    events = {}
    for request in receiver.received:
        payload = Webhook(endpoint.secret).verify(request.body, request.headers)
        events[payload["type"]] = payload["data"]
        assert request.headers["webhook-id"].startswith("msg_")
    assert events["task.succeeded"]["task_id"] == done["task_id"]
    assert events["task.succeeded"]["state"] == 1
    assert events["task.succeeded"]["image"].startswith("http://127.0.0.1:8000/api/results/")
    assert events["task.failed"]["task_id"] == failed["task_id"]
    assert events["task.failed"]["state"] == -7
    assert events["task.failed"]["message"] != "success"
    delivered = WebhookDelivery.objects.get(event_type="task.succeeded")
    assert (delivered.status, delivered.attempts, delivered.last_status_code) == (
        Status.SUCCEEDED,
        1,
        204,
    )
    assert delivered.last_duration_ms is not None


@pytest.mark.django_db(transaction=True)
def test_a_forged_signature_does_not_verify(
    api: httpx.Client, endpoint: WebhookEndpoint, receiver: Receiver, gray_photo_jpeg: bytes
) -> None:
    create_task(api, gray_photo_jpeg, sync=1, model="tiny")
    send_until_settled()
    request = receiver.received[0]

    from standardwebhooks.webhooks import WebhookVerificationError

    with pytest.raises(WebhookVerificationError):
        Webhook(services.new_secret()).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(
            request.body.replace(b'"state":1', b'"state":2'), request.headers
        )


@pytest.mark.django_db(transaction=True)
def test_a_receiver_failing_three_times_then_recovering_gets_the_event(
    api: httpx.Client, endpoint: WebhookEndpoint, receiver: Receiver, gray_photo_jpeg: bytes
) -> None:
    receiver.failures = 3
    create_task(api, gray_photo_jpeg, sync=1, model="tiny")

    send_until_settled()

    assert len(receiver.received) == 4
    assert len({request.headers["webhook-id"] for request in receiver.received}) == 1
    for request in receiver.received:
        Webhook(endpoint.secret).verify(request.body, request.headers)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        Status.SUCCEEDED,
        4,
        204,
    )
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


@pytest.mark.django_db(transaction=True)
def test_after_the_last_retry_the_delivery_is_marked_failed(
    api: httpx.Client, endpoint: WebhookEndpoint, receiver: Receiver, gray_photo_jpeg: bytes
) -> None:
    receiver.failures = 100
    create_task(api, gray_photo_jpeg, sync=1, model="tiny")

    send_until_settled()

    assert len(receiver.received) == 6  # the first attempt and five retries
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        Status.FAILED,
        6,
        "HTTP 500",
    )
    endpoint.refresh_from_db()
    assert endpoint.is_active  # failing for seconds, not days
    assert endpoint.failing_since is not None


@pytest.mark.django_db(transaction=True)
def test_an_endpoint_failing_for_days_is_disabled_and_its_owner_told(
    api: httpx.Client,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    user: Any,
    gray_photo_jpeg: bytes,
) -> None:
    receiver.failures = 100
    four_days_ago = timezone.now() - timedelta(days=4)
    WebhookEndpoint.objects.filter(id=endpoint.id).update(failing_since=four_days_ago)
    services.send_test_event(endpoint)

    send_until_settled()

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert len(receiver.received) == 1  # disabled after that failure: no retries
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert endpoint.url in mail.outbox[0].body
    create_task(api, gray_photo_jpeg, sync=1, model="tiny")
    assert WebhookDelivery.objects.count() == 1  # a disabled endpoint gets nothing new


@pytest.mark.django_db(transaction=True)
def test_a_callback_url_gets_the_final_state_signed_with_the_callback_secret(
    api: httpx.Client, user: Any, receiver: Receiver, gray_photo_jpeg: bytes
) -> None:
    v1 = api.post(
        "/api/v1/colorize",
        data={"model": "tiny", "callback_url": receiver.url + "?order=7"},
        files={"image": ("p.jpg", gray_photo_jpeg, "image/jpeg")},
    )
    assert v1.status_code == 200

    send_until_settled()

    assert len(receiver.received) == 1
    request = receiver.received[0]
    assert request.path == "/hooks?order=7"
    payload = Webhook(services.callback_secret(user)).verify(request.body, request.headers)
    assert payload["type"] == "task.succeeded"
    assert payload["data"]["task_id"] == ColorizationJob.objects.get().task_id


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "url", ["http://10.0.0.1/hook", "http://169.254.169.254/latest", "ftp://example.com/x"]
)
def test_callback_urls_to_private_addresses_are_refused_before_charging(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes, url: str
) -> None:
    response = create_task(api, gray_photo_jpeg, model="tiny", callback_url=url)

    assert response.status_code == 400
    assert "callback_url" in response.json()["message"]
    assert balance_of(user) == 3
    with pytest.raises(services.InvalidEndpoint):
        services.create_endpoint(owner=user, url=url, events=["task.succeeded"])


@pytest.mark.django_db(transaction=True)
def test_a_redirect_to_a_private_address_is_not_followed(
    api: httpx.Client, endpoint: WebhookEndpoint, receiver: Receiver, gray_photo_jpeg: bytes
) -> None:
    receiver.redirect_to = "http://10.1.2.3/steal"
    create_task(api, gray_photo_jpeg, sync=1, model="tiny")

    send_due()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.PENDING  # to be retried, never sent to 10.1.2.3
    assert "private address" in delivery.last_error
    assert len(receiver.received) == 1


@pytest.mark.django_db(transaction=True)
def test_the_outbox_row_commits_or_rolls_back_with_the_final_state(
    user: Any, endpoint: WebhookEndpoint, gray_photo_jpeg: bytes
) -> None:
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        job = jobs.submit_job(owner=user, image=gray_photo_jpeg, options=JobOptions("tiny"))

    class Crash(Exception):
        pass

    with pytest.raises(Crash), transaction.atomic():
        fail_job(job, state=ColorizationJob.State.FAILED, code="x", message="Broken.")
        assert WebhookDelivery.objects.count() == 1
        raise Crash
    assert WebhookDelivery.objects.count() == 0
    job.refresh_from_db()
    assert job.state == ColorizationJob.State.QUEUED

    cancel_job(job)
    delivery = WebhookDelivery.objects.get()
    assert json.loads(delivery.payload)["data"]["state"] == -9
    assert delivery.event_type == "task.failed"


@pytest.mark.django_db(transaction=True)
def test_a_batch_sends_batch_completed_once_after_its_last_task(
    api: httpx.Client, user: Any, receiver: Receiver, gray_photo_jpeg: bytes
) -> None:
    endpoint = services.create_endpoint(owner=user, url=receiver.url, events=["batch.completed"])
    photos = [("images", (f"p{index}.jpg", gray_photo_jpeg, "image/jpeg")) for index in range(2)]
    created = api.post(
        "/api/v1/batches",
        data={"model": "tiny", "callback_url": receiver.url + "?batch=1"},
        files=photos,
    )
    assert created.status_code == 201

    send_until_settled()

    assert sorted(request.path for request in receiver.received) == ["/hooks", "/hooks?batch=1"]
    by_path = {request.path: request for request in receiver.received}
    payload = Webhook(endpoint.secret).verify(by_path["/hooks"].body, by_path["/hooks"].headers)
    assert payload["type"] == "batch.completed"
    assert payload["data"]["batch_id"] == created.json()["batch_id"]
    assert payload["data"]["succeeded"] == 2
    assert payload["data"]["zip"].startswith("http://127.0.0.1:8000/api/batch-results/")
    callback = by_path["/hooks?batch=1"]
    Webhook(services.callback_secret(user)).verify(callback.body, callback.headers)


@pytest.mark.django_db(transaction=True)
def test_a_lease_taken_over_by_another_worker_is_not_sent_twice(
    endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    from colorizer_site.webhooks.delivery import claim_due, send_claimed

    services.send_test_event(endpoint)
    with override_settings(COLORIZER_WEBHOOK_LEASE_SECONDS=0):
        stalled = claim_due(20)  # this worker stalls behind slow receivers...
        time.sleep(0.01)
        assert send_due() == 1  # ...its lease runs out and another worker sends it

    assert send_claimed(stalled) == 0  # the first worker finds the row is no longer its own
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get().attempts == 1
