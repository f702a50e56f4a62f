"""POST /api/v1/tasks/{id}/cancel: queued tasks end and are refunded at once, running ones at
the worker's next progress report, finished ones answer 409."""

from __future__ import annotations

import io
import threading
import time
from typing import Any

import httpx
import pytest
from PIL import Image

from colorizer_site.credits.models import CreditEntry
from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.keys.services import create_key
from tests.api.conftest import create_task

State = ColorizationJob.State


def cancel(api: httpx.Client, task_id: str) -> httpx.Response:
    return api.post(f"/api/v1/tasks/{task_id}/cancel")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("queue_only")
def test_a_queued_task_is_cancelled_and_refunded_at_once(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    task_id = create_task(api, gray_photo_jpeg, clean_scratches="true").json()["data"]["task_id"]
    assert balance_of(user) == 1

    response = cancel(api, task_id)

    assert response.status_code == 200
    assert response.json()["state"] == -9
    assert "Cancelled" in response.json()["message"]
    assert response.headers["X-Credits-Remaining"] == "3"
    assert balance_of(user) == 3
    job = ColorizationJob.objects.get(task_id=task_id)
    assert sorted(CreditEntry.objects.filter(job=job).values_list("kind", "delta")) == [
        ("charge", -2),
        ("refund", 2),
    ]
    polled = api.get(f"/api/tasks/visual/colorization/{task_id}").json()
    assert polled["data"]["state"] == -9
    assert cancel(api, task_id).status_code == 409


@pytest.mark.django_db(transaction=True)
def test_a_finished_task_cannot_be_cancelled(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    task_id = create_task(api, gray_photo_jpeg, sync=1, model="tiny").json()["data"]["task_id"]

    response = cancel(api, task_id)

    assert response.status_code == 409
    assert "already succeeded" in response.json()["error"]
    assert ColorizationJob.objects.get(task_id=task_id).state == State.SUCCEEDED
    assert balance_of(user) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("queue_only")
def test_another_users_task_is_404(
    api: httpx.Client, client_for: Any, make_user: Any, gray_photo_jpeg: bytes
) -> None:
    task_id = create_task(api, gray_photo_jpeg).json()["data"]["task_id"]
    stranger = client_for(create_key(user=make_user(), name="k")[1])

    assert cancel(stranger, task_id).status_code == 404
    assert cancel(stranger, "0" * 32).status_code == 404
    assert ColorizationJob.objects.get(task_id=task_id).state == State.QUEUED


@pytest.fixture(scope="module")
def slow_photo() -> bytes:
    """A 4096x4096 grey PNG: with scratch repair the worker needs seconds, reporting
    progress between its stages."""
    image = Image.linear_gradient("L").resize((4096, 4096))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_running_task_stops_at_the_next_progress_report_and_is_refunded(
    api: httpx.Client, live_server: Any, api_key: Any, user: Any, slow_photo: bytes
) -> None:
    # The test backend runs the job inside the create request, which therefore
    # returns only when the job has ended; the cancel comes from a second client.
    created: dict[str, httpx.Response] = {}
    creating = threading.Thread(
        target=lambda: created.update(
            response=create_task(api, slow_photo, model="tiny", clean_scratches="true")
        )
    )
    creating.start()
    deadline = time.monotonic() + 60
    job = None
    while time.monotonic() < deadline:
        job = ColorizationJob.objects.filter(owner=user, state=State.PROCESSING).first()
        if job is not None:
            break
        time.sleep(0.02)
    assert job is not None, "the job never started"
    with httpx.Client(base_url=live_server.url, headers={"X-API-KEY": api_key[1]}) as other:
        response = cancel(other, job.task_id)
    creating.join(timeout=120)

    assert response.status_code == 202
    assert response.json()["state"] == State.PROCESSING
    job.refresh_from_db()
    assert job.state == State.CANCELLED
    assert job.cancel_requested_at is not None
    assert not job.result_file
    assert created["response"].status_code == 200
    polled = api.get(f"/api/tasks/visual/colorization/{job.task_id}").json()["data"]
    assert polled["state"] == -9
    assert balance_of(user) == 3
