"""The task dialect's refusals on the live server: each status, state code and message,
and nothing charged."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from django.test.utils import override_settings
from PIL import Image

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import ColorizationJob
from tests.api.conftest import CREATE, ImageServer, create_task


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
    response = create_task(api, gray_photo_jpeg, **fields)

    assert response.status_code == 400
    assert words in response.json()["message"]
    assert response.headers["X-Credits-Remaining"] == "3"
    assert balance_of(user) == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "target", ["http://10.0.0.1/photo.jpg", "http://169.254.169.254/latest/meta-data/"]
)
def test_image_url_redirecting_to_a_private_address_is_a_400_with_state_minus_3(
    api: httpx.Client, user: Any, image_server: ImageServer, target: str
) -> None:
    url = image_server.redirect("/photo.jpg", target)

    response = api.post(CREATE, data={"image_url": url, "sync": "1"})

    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["data"]["state"]) == (400, -3)
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
    both = create_task(api, gray_photo_jpeg, image_url="http://127.0.0.1:9/x.jpg")
    neither = api.post(CREATE, data={"sync": "1"})
    as_text = api.post(CREATE, data={"image_file": "not a file"})

    assert both.status_code == 400 and "exactly one" in both.json()["message"]
    assert neither.status_code == 400 and "image_file" in neither.json()["message"]
    assert as_text.status_code == 400 and "file upload" in as_text.json()["message"]


@pytest.mark.django_db(transaction=True)
def test_an_invalid_image_is_state_minus_7_and_costs_nothing(api: httpx.Client, user: Any) -> None:
    response = create_task(api, b"this is a shopping list, not a photo")

    assert response.status_code == 400
    assert response.json()["data"]["state"] == -7
    assert balance_of(user) == 3


@pytest.mark.django_db(transaction=True)
def test_an_image_past_the_size_limit_is_state_minus_5(api: httpx.Client, user: Any) -> None:
    buffer = io.BytesIO()
    Image.new("L", (4097, 8)).save(buffer, format="PNG")

    response = create_task(api, buffer.getvalue())

    assert response.status_code == 400
    assert response.json()["data"]["state"] == -5
    assert balance_of(user) == 3


@pytest.mark.django_db(transaction=True)
def test_short_balance_is_a_403(api: httpx.Client, user: Any, gray_photo_jpeg: bytes) -> None:
    response = create_task(api, gray_photo_jpeg, face_remaster="true", clean_scratches="true")

    assert response.status_code == 403
    assert "balance is 3 credits" in response.json()["message"]
    assert balance_of(user) == 3


@pytest.mark.django_db(transaction=True)
def test_a_model_that_is_not_installed_is_a_503(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    with override_settings(COLORIZER_MODEL_CHOICES={"tiny": "api-test-tiny", "large": "not-here"}):
        response = create_task(api, gray_photo_jpeg, model="large")

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

    task_id = create_task(api, gray_photo_jpeg, model="tiny").json()["data"]["task_id"]
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
