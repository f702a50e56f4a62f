"""The task dialect on the live server: parameters, defaults, envelope, states, return types."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.test.utils import override_settings
from PIL import Image

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs import services as jobs
from colorizer_site.jobs.models import ColorizationJob
from tests.api.conftest import ImageServer

CREATE = "/api/tasks/visual/colorization"
QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def create(api: httpx.Client, photo: bytes | None, **fields: Any) -> httpx.Response:
    files = {"image_file": ("photo.jpg", photo, "image/jpeg")} if photo is not None else None
    return api.post(CREATE, data={k: str(v) for k, v in fields.items()}, files=files)


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture
def queue_only() -> Iterator[None]:
    """Jobs wait in the queue (no worker), so the API shows them queued."""
    with override_settings(TASKS=QUEUE_ONLY):
        yield


@pytest.mark.django_db(transaction=True)
def test_sync_create_returns_the_finished_task_with_a_signed_link(
    api: httpx.Client, live_server: Any, user: Any, gray_photo_jpeg: bytes
) -> None:
    before = balance_of(user)
    response = create(api, gray_photo_jpeg, sync=1, model="tiny")

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
    response = create(api, gray_photo_jpeg)

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
    response = create(api, gray_photo_jpeg, model="tiny")

    data = response.json()["data"]
    assert response.status_code == 200
    assert (data["state"], data["progress"], data["image"]) == (0, 0, None)
    assert data["processed_at"] is None and data["completed_at"] is None
    task_id = data["task_id"]

    polled = api.get(f"{CREATE}/{task_id}").json()
    assert polled["data"]["state"] == 0

    jobs.run_job(ColorizationJob.objects.get(task_id=task_id).id)  # what the worker does

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
        response = create(api, gray_photo_jpeg, sync=1, return_type=3, model="tiny")

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
    response = create(api, gray_photo_jpeg, sync=1, return_type=3, format=output, model="tiny")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert opened(response.content).format == pillow_format
    assert response.headers["X-Credits-Remaining"] == "2"


@pytest.mark.django_db(transaction=True)
def test_return_type_2_is_base64_of_the_result(api: httpx.Client, gray_photo_jpeg: bytes) -> None:
    response = create(api, gray_photo_jpeg, sync=1, return_type=2, format="png", model="tiny")

    image = opened(base64.b64decode(response.json()["data"]["image"]))
    assert (image.format, image.size) == ("PNG", (320, 240))


@pytest.mark.django_db(transaction=True)
def test_return_type_3_without_sync_is_refused_before_charging(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    response = create(api, gray_photo_jpeg, return_type=3)

    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert "needs sync=1" in response.json()["message"]
    assert balance_of(user) == 3
    assert not ColorizationJob.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"sync": "2"}, "sync must be one of 0, 1"),
        ({"format": "gif"}, "format must be one of jpeg, jpg, png, webp"),
        ({"return_type": "4"}, "return_type must be one of 1, 2, 3"),
        ({"model": "huge"}, "model must be one of large, tiny"),
        ({"clean_scratches": "yes"}, "clean_scratches must be one of true, false, 1, 0"),
        ({"face_remaster": "2"}, "face_remaster must be one of"),
    ],
)
def test_a_value_outside_the_choices_is_a_400_naming_them(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes, fields: dict, words: str
) -> None:
    response = create(api, gray_photo_jpeg, **fields)

    assert response.status_code == 400
    assert words in response.json()["message"]
    assert response.headers["X-Credits-Remaining"] == "3"
    assert balance_of(user) == 3


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
    response = create(client, gray_photo_jpeg, model="tiny", **flags)

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
@pytest.mark.parametrize(
    "target", ["http://10.0.0.1/photo.jpg", "http://169.254.169.254/latest/meta-data/"]
)
def test_image_url_redirecting_to_a_private_address_fails_with_state_minus_3(
    api: httpx.Client, user: Any, image_server: ImageServer, target: str
) -> None:
    url = image_server.redirect("/photo.jpg", target)

    response = api.post(CREATE, data={"image_url": url, "sync": "1"})

    assert response.status_code == 502
    body = response.json()
    assert (body["status"], body["data"]["state"]) == (502, -3)
    assert "address" in body["message"] and "not allowed" in body["message"]
    assert [path for path, _ in image_server.requests] == ["/photo.jpg"]
    assert balance_of(user) == 3
    assert not ColorizationJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_image_url_with_an_oversized_body_fails_with_state_minus_3(
    api: httpx.Client, user: Any, image_server: ImageServer
) -> None:
    url = image_server.add("/huge.jpg", body=b"\xff\xd8" + b"0" * 4096)

    with override_settings(COLORIZER_MAX_UPLOAD_BYTES=2048):
        response = api.post(CREATE, data={"image_url": url})

    assert response.status_code == 502
    assert response.json()["data"]["state"] == -3
    assert "larger than" in response.json()["message"]
    assert balance_of(user) == 3


@pytest.mark.django_db(transaction=True)
def test_a_non_http_image_url_is_a_400(api: httpx.Client) -> None:
    response = api.post(CREATE, data={"image_url": "file:///etc/passwd"})

    assert response.status_code == 400
    assert response.json()["data"]["state"] == -3
    assert "http:// or https://" in response.json()["message"]


@pytest.mark.django_db(transaction=True)
def test_both_or_neither_image_source_is_a_400(api: httpx.Client, gray_photo_jpeg: bytes) -> None:
    both = create(api, gray_photo_jpeg, image_url="http://127.0.0.1:9/x.jpg")
    neither = api.post(CREATE, data={"sync": "1"})
    as_text = api.post(CREATE, data={"image_file": "not a file"})

    assert both.status_code == 400 and "exactly one" in both.json()["message"]
    assert neither.status_code == 400 and "image_file" in neither.json()["message"]
    assert as_text.status_code == 400 and "file upload" in as_text.json()["message"]


@pytest.mark.django_db(transaction=True)
def test_an_invalid_image_is_state_minus_7_and_costs_nothing(api: httpx.Client, user: Any) -> None:
    response = create(api, b"this is a shopping list, not a photo")

    assert response.status_code == 400
    assert response.json()["data"]["state"] == -7
    assert balance_of(user) == 3


@pytest.mark.django_db(transaction=True)
def test_an_image_past_the_size_limit_is_state_minus_5(api: httpx.Client, user: Any) -> None:
    buffer = io.BytesIO()
    Image.new("L", (4097, 8)).save(buffer, format="PNG")

    response = create(api, buffer.getvalue())

    assert response.status_code == 400
    assert response.json()["data"]["state"] == -5
    assert balance_of(user) == 3


@pytest.mark.django_db(transaction=True)
def test_a_job_failing_in_the_worker_reports_its_state_and_refunds(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    # The header is intact (so it is accepted and charged), the pixels are cut off.
    truncated = gray_photo_jpeg[: len(gray_photo_jpeg) // 3]

    response = create(api, truncated, sync=1, model="tiny")

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

    response = create(api, buffer.getvalue(), sync=1, return_type=3, model="tiny")

    assert response.status_code == 200, response.text
    assert opened(response.content).size == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_short_balance_is_a_403(api: httpx.Client, user: Any, gray_photo_jpeg: bytes) -> None:
    response = create(api, gray_photo_jpeg, face_remaster="true", clean_scratches="true")

    assert response.status_code == 403
    assert "balance is 3 credits" in response.json()["message"]
    assert balance_of(user) == 3


@pytest.mark.django_db(transaction=True)
def test_a_model_that_is_not_installed_is_a_503(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    with override_settings(COLORIZER_MODEL_CHOICES={"tiny": "api-test-tiny", "large": "not-here"}):
        response = create(api, gray_photo_jpeg, model="large")

    assert response.status_code == 503
    assert "not installed" in response.json()["message"]
    assert balance_of(user) == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({}, "Missing API key"),
        ({"X-API-KEY": "hello"}, "Malformed API key"),
        ({"X-API-KEY": "cz_abcdefgh_" + "A" * 43}, "Invalid API key"),
    ],
)
def test_without_a_valid_key_the_envelope_is_a_401(
    live_server: Any, headers: dict, words: str
) -> None:
    for response in (
        httpx.post(live_server.url + CREATE, headers=headers, data={"sync": "1"}),
        httpx.get(live_server.url + CREATE + "/" + "0" * 32, headers=headers),
    ):
        assert response.status_code == 401
        assert response.json()["status"] == 401
        assert words in response.json()["message"]
        assert "X-Credits-Remaining" not in response.headers


@pytest.mark.django_db(transaction=True)
def test_a_key_cannot_read_another_users_task(
    api: httpx.Client, make_user: Any, client_for: Any, gray_photo_jpeg: bytes
) -> None:
    from colorizer_site.keys.services import create_key

    task_id = create(api, gray_photo_jpeg, model="tiny").json()["data"]["task_id"]
    stranger = client_for(create_key(user=make_user(), name="other")[1])

    response = stranger.get(f"{CREATE}/{task_id}")

    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "message": "No task with this task_id belongs to your account.",
        "data": {},
    }
    assert api.get(f"{CREATE}/{task_id}").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("task_id", ["0" * 32, "not-a-task", "%00"])
def test_unknown_task_ids_are_404(api: httpx.Client, task_id: str) -> None:
    response = api.get(f"{CREATE}/{task_id}")

    assert response.status_code == 404
    assert response.json()["status"] == 404


@pytest.mark.django_db(transaction=True)
def test_wrong_methods_are_405(api: httpx.Client) -> None:
    assert api.get(CREATE).status_code == 405
    assert api.post(f"{CREATE}/{'0' * 32}").status_code == 405
