"""The real worker process sends the outbox: a worker killed after a job ended but before
its webhook went out leaves the delivery to the next worker, which sends it once."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from standardwebhooks.webhooks import Webhook

from colorizer_site.jobs import services as jobs
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import JobOptions
from colorizer_site.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.jobs import worker_process
from tests.jobs.worker_process import DATABASE_BACKEND
from tests.webhooks.conftest import Receiver

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., Any]]:
    started: list[Any] = []

    def start(**extra_env: str) -> Any:
        env = {"COLORIZER_URL_FETCH_ALLOW_LOOPBACK": "1", **extra_env}
        process = worker_process.start_worker(tmp_path / f"worker-{len(started)}.log", **env)
        started.append(process)
        return process

    yield start
    for process in started:
        worker_process.stop(process)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def test_a_worker_killed_before_sending_leaves_the_delivery_to_the_next_one(
    user: Any,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    gray_photo_jpeg: bytes,
    start_worker: Callable[..., Any],
) -> None:
    with override_settings(TASKS=DATABASE_BACKEND):
        job = jobs.submit_job(owner=user, image=gray_photo_jpeg, options=JobOptions(model="tiny"))
    # This worker checks the outbox once as it starts (empty then) and not again for an
    # hour: it runs the job, the outbox row is written, and it dies before sending it.
    first = start_worker(COLORIZER_WEBHOOK_POLL_SECONDS="3600")
    wait_until(lambda: WebhookDelivery.objects.exists(), 120, "the job to end")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    job.refresh_from_db()

    assert job.state == ColorizationJob.State.SUCCEEDED
    assert receiver.received == []
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.PENDING

    start_worker()
    wait_until(lambda: receiver.received, 120, "the next worker to deliver")
    time.sleep(1.5)  # a few more polls: nothing is sent twice

    assert len(receiver.received) == 1
    payload = Webhook(endpoint.secret).verify(
        receiver.received[0].body, receiver.received[0].headers
    )
    assert payload["type"] == "task.succeeded"
    assert payload["data"]["task_id"] == job.task_id
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.SUCCEEDED
