"""The task dialect on the live server: parameters, defaults, envelope, states, return types."""

from __future__ import annotations

import base64
import io
import re
from typing import Any

import httpx
import pytest
from django.test.utils import override_settings
from PIL import Image

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.worker import run_job
from tests.api.conftest import CREATE, ImageServer, create_task, opened


@pytest.mark.django_db(transaction=True)
def test_sync_create_returns_the_finished_task_with_a_signed_link(
    api: httpx.Client, live_server: Any, user: Any, gray_photo_jpeg: bytes
) -> None:
    before = balance_of(user)
    response = create_task(api, gray_photo_jpeg, sync=1, model="tiny")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == 200
    assert body["message"] == "success"
    data = body["data"]
    assert re.fullmatch(r"[0-9a-f]{32}", data["task_id"])
    assert data["state"] == 1
    assert data["progress"] == 100
    assert data["created_at"] <= data["processed_at"] <= data["completed_at"]
    assert data["image"].startswith(f"{live_server.url}/api/results/")
    assert response.headers["X-Credits-Remaining"] == str(before - 1)

    download = httpx.get(data["image"])  # no key needed: the link is the permission
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "image/jpeg"
    result = opened(download.content)
    assert result.size == (320, 240)
    assert result.mode == "RGB"


@pytest.mark.django_db(transaction=True)
def test_defaults_are_large_model_jpeg_no_add_ons_async_url(
    api: httpx.Client, api_key: Any, gray_photo_jpeg: bytes
) -> None:
    response = create_task(api, gray_photo_jpeg)

    assert response.status_code == 200
    job = ColorizationJob.objects.get(task_id=response.json()["data"]["task_id"])
    assert job.options == {
        "model": "large",
        "clean_scratches": False,
        "face_remaster": False,
        "output_format": "jpeg",
    }
    assert job.cost == 1
    assert job.source == "api"
    assert job.api_key == api_key[0]
    assert job.input_meta["name"] == "photo.jpg"


@pytest.mark.django_db(transaction=True)
def test_async_create_returns_a_queued_task_that_polling_follows_to_the_end(
    api: httpx.Client, queue_only: None, gray_photo_jpeg: bytes
) -> None:
    response = create_task(api, gray_photo_jpeg, model="tiny")

    data = response.json()["data"]
    assert response.status_code == 200
    assert (data["state"], data["progress"], data["image"]) == (0, 0, None)
    assert data["processed_at"] is None and data["completed_at"] is None
    task_id = data["task_id"]

    polled = api.get(f"{CREATE}/{task_id}").json()
    assert polled["data"]["state"] == 0

    run_job(ColorizationJob.objects.get(task_id=task_id).id)  # what the worker does

    done = api.get(f"{CREATE}/{task_id}")
    assert done.status_code == 200
    assert done.json()["data"]["state"] == 1
    assert httpx.get(done.json()["data"]["image"]).status_code == 200
    as_base64 = api.get(f"{CREATE}/{task_id}", params={"return_type": 2}).json()
    assert opened(base64.b64decode(as_base64["data"]["image"])).format == "JPEG"


@pytest.mark.django_db(transaction=True)
def test_sync_returns_the_task_in_progress_when_the_wait_runs_out(
    api: httpx.Client, queue_only: None, gray_photo_jpeg: bytes
) -> None:
    with override_settings(COLORIZER_SYNC_WAIT_SECONDS=1):
        response = create_task(api, gray_photo_jpeg, sync=1, return_type=3, model="tiny")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["data"]["state"] == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("output", "pillow_format", "content_type"),
    [("png", "PNG", "image/png"), ("webp", "WEBP", "image/webp"), ("jpg", "JPEG", "image/jpeg")],
)
def test_return_type_3_is_the_image_itself_in_the_asked_format(
    api: httpx.Client,
    gray_photo_jpeg: bytes,
    output: str,
    pillow_format: str,
    content_type: str,
) -> None:
    response = create_task(api, gray_photo_jpeg, sync=1, return_type=3, format=output, model="tiny")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert opened(response.content).format == pillow_format
    assert response.headers["X-Credits-Remaining"] == "2"


@pytest.mark.django_db(transaction=True)
def test_return_type_2_is_base64_of_the_result(api: httpx.Client, gray_photo_jpeg: bytes) -> None:
    response = create_task(api, gray_photo_jpeg, sync=1, return_type=2, format="png", model="tiny")

    image = opened(base64.b64decode(response.json()["data"]["image"]))
    assert (image.format, image.size) == ("PNG", (320, 240))


@pytest.mark.django_db(transaction=True)
def test_return_type_3_without_sync_is_refused_before_charging(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    response = create_task(api, gray_photo_jpeg, return_type=3)

    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert "needs sync=1" in response.json()["message"]
    assert balance_of(user) == 3
    assert not ColorizationJob.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("flags", "cost"),
    [
        ({"clean_scratches": "true"}, 2),
        ({"clean_scratches": "1", "face_remaster": "0"}, 2),
        ({"face_remaster": "true"}, 3),
        ({"clean_scratches": "TRUE", "face_remaster": "1"}, 4),
        ({"clean_scratches": "false", "face_remaster": "false"}, 1),
    ],
)
def test_add_ons_are_recorded_and_priced(
    api: httpx.Client,
    make_user: Any,
    client_for: Any,
    queue_only: None,
    gray_photo_jpeg: bytes,
    flags: dict,
    cost: int,
) -> None:
    from colorizer_site.keys.services import create_key

    owner = make_user(credits=10)
    client = client_for(create_key(user=owner, name="k")[1])
    response = create_task(client, gray_photo_jpeg, model="tiny", **flags)

    job = ColorizationJob.objects.get(task_id=response.json()["data"]["task_id"])
    assert job.cost == cost
    assert job.options["clean_scratches"] == (
        flags.get("clean_scratches", "").lower() in {"true", "1"}
    )
    assert job.options["face_remaster"] == (flags.get("face_remaster") in {"true", "1"})
    assert response.headers["X-Credits-Remaining"] == str(10 - cost)


@pytest.mark.django_db(transaction=True)
def test_image_url_is_downloaded_and_colorized(
    api: httpx.Client, image_server: ImageServer, gray_photo_jpeg: bytes
) -> None:
    url = image_server.add("/old.jpg", body=gray_photo_jpeg, headers={"Content-Type": "image/jpeg"})

    response = api.post(CREATE, data={"image_url": url, "sync": "1", "model": "tiny"})

    assert response.status_code == 200
    assert response.json()["data"]["state"] == 1
    job = ColorizationJob.objects.get()
    assert job.input_meta["source_url"] == url


@pytest.mark.django_db(transaction=True)
def test_a_job_failing_in_the_worker_reports_its_state_and_refunds(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    # The header is intact (so it is accepted and charged), the pixels are cut off.
    truncated = gray_photo_jpeg[: len(gray_photo_jpeg) // 3]

    response = create_task(api, truncated, sync=1, model="tiny")

    body = response.json()
    assert response.status_code == 200
    assert body["data"]["state"] < 0
    assert body["message"] != "success" and body["message"]
    assert body["data"]["image"] is None
    assert balance_of(user) == 3
    assert response.headers["X-Credits-Remaining"] == "3"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("value", [0, 128, 255])
def test_a_one_pixel_photo_is_colorized(api: httpx.Client, value: int) -> None:
    buffer = io.BytesIO()
    Image.new("L", (1, 1), value).save(buffer, format="PNG")

    response = create_task(api, buffer.getvalue(), sync=1, return_type=3, model="tiny")

    assert response.status_code == 200, response.text
    assert opened(response.content).size == (1, 1)
