"""The colorize dialect (/api/v1) on the live server: inputs, options, every error status."""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
import pytest
from django.test.utils import override_settings
from PIL import Image

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.keys.services import revoke
from tests.api.conftest import QUEUE_ONLY, ImageServer

COLORIZE = "/api/v1/colorize"
ACCOUNT = "/api/v1/account"


def colorize_file(api: httpx.Client, photo: bytes, **fields: str) -> httpx.Response:
    return api.post(COLORIZE, data=fields, files={"image": ("photo.jpg", photo, "image/jpeg")})


def assert_colorized(response: httpx.Response, live_server: Any, size: tuple[int, int]) -> None:
    assert response.status_code == 200, response.text
    url = response.json()["outputUrl"]
    assert url.startswith(f"{live_server.url}/api/results/")
    result = Image.open(io.BytesIO(httpx.get(url).content))
    assert result.size == size
    assert result.mode == "RGB"


@pytest.mark.django_db(transaction=True)
def test_a_file_comes_back_as_an_absolute_result_url(
    api: httpx.Client, live_server: Any, user: Any, gray_photo_jpeg: bytes
) -> None:
    response = colorize_file(api, gray_photo_jpeg, model="tiny")

    assert_colorized(response, live_server, (320, 240))
    assert response.json().keys() == {"outputUrl", "mode", "photoKind"}
    assert response.headers["X-Credits-Remaining"] == "2"
    assert balance_of(user) == 2


@pytest.mark.django_db(transaction=True)
def test_defaults_are_the_large_model_without_add_ons(
    api: httpx.Client, live_server: Any, gray_photo_png: bytes
) -> None:
    response = api.post(COLORIZE, files={"image": ("p.png", gray_photo_png, "image/png")})

    assert_colorized(response, live_server, (96, 64))
    job = ColorizationJob.objects.get()
    assert job.options["model"] == "large"
    assert (job.options["clean_scratches"], job.options["face_remaster"]) == (False, False)
    assert job.input_meta["format"] == "PNG"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "encode",
    [
        lambda data: base64.b64encode(data).decode(),
        lambda data: base64.b64encode(data).decode().rstrip("="),  # padding dropped
        lambda data: base64.urlsafe_b64encode(data).decode(),
        lambda data: base64.encodebytes(data).decode(),  # wrapped at 76 columns
        lambda data: "data:image/png;base64," + base64.b64encode(data).decode(),
        lambda data: "data:;base64," + base64.b64encode(data).decode(),  # type left out
    ],
    ids=["base64", "unpadded", "urlsafe", "wrapped", "data-url", "data-url-no-type"],
)
def test_image_as_base64_text_or_data_url(
    api: httpx.Client, live_server: Any, gray_photo_png: bytes, encode: Any
) -> None:
    response = api.post(COLORIZE, data={"image": encode(gray_photo_png), "model": "tiny"})

    assert_colorized(response, live_server, (96, 64))
    assert ColorizationJob.objects.get().input_meta["format"] == "PNG"  # detected, not declared


@pytest.mark.django_db(transaction=True)
def test_image_as_a_url(
    api: httpx.Client, live_server: Any, image_server: ImageServer, gray_photo_jpeg: bytes
) -> None:
    url = image_server.add("/photo", body=gray_photo_jpeg)  # no extension, no content type

    response = api.post(COLORIZE, data={"image": url, "model": "tiny"})

    assert_colorized(response, live_server, (320, 240))
    assert ColorizationJob.objects.get().input_meta["source_url"] == url


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("0", False)])
def test_flags_accept_true_false_and_1_0(
    api: httpx.Client,
    make_user: Any,
    client_for: Any,
    gray_photo_jpeg: bytes,
    value: str,
    expected: bool,
) -> None:
    from colorizer_site.keys.services import create_key

    client = client_for(create_key(user=make_user(credits=10), name="k")[1])
    with override_settings(TASKS=QUEUE_ONLY, COLORIZER_SYNC_WAIT_SECONDS=0):
        colorize_file(client, gray_photo_jpeg, clean_scratches=value, face_remaster=value)

    job = ColorizationJob.objects.get()
    assert (job.options["clean_scratches"], job.options["face_remaster"]) == (expected, expected)
    assert job.cost == (4 if expected else 1)


@pytest.mark.django_db(transaction=True)
def test_not_finished_within_the_wait_is_a_504_naming_the_task(
    api: httpx.Client, gray_photo_jpeg: bytes
) -> None:
    with override_settings(TASKS=QUEUE_ONLY, COLORIZER_SYNC_WAIT_SECONDS=0):
        response = colorize_file(api, gray_photo_jpeg)

    assert response.status_code == 504
    job = ColorizationJob.objects.get()
    assert response.json()["taskId"] == job.task_id
    assert job.task_id in response.json()["error"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("send", "words"),
    [
        ({"data": {"model": "tiny"}}, "Send the photo in the image field"),
        ({"data": {"image": ""}}, "Send the photo in the image field"),
        ({"data": {"image": "!!! not base64 !!!"}}, "not valid base64"),
        ({"data": {"image": "data:image/png,plain"}}, "must be base64-encoded"),
        ({"data": {"image": "data:image/png;base64,@@@@"}}, "not valid base64"),
        ({"data": {"image": base64.b64encode(b"hello world").decode()}}, "image"),
        ({"data": {"image": "aGk=", "model": "huge"}}, "model must be one of large, tiny"),
        ({"data": {"image": "aGk=", "clean_scratches": "maybe"}}, "clean_scratches must be"),
        ({"files": {"image": ("empty.jpg", b"", "image/jpeg")}}, "empty"),
        ({"files": {"image": ("notes.jpg", b"plain text", "image/jpeg")}}, "image"),
    ],
)
def test_bad_input_is_a_400_with_the_reason(
    api: httpx.Client, user: Any, send: dict, words: str
) -> None:
    response = api.post(COLORIZE, **send)

    assert response.status_code == 400
    assert words in response.json()["error"]
    assert response.headers["X-Credits-Remaining"] == "3"
    assert balance_of(user) == 3


@pytest.mark.django_db(transaction=True)
def test_both_a_file_and_text_is_a_400(api: httpx.Client, gray_photo_jpeg: bytes) -> None:
    response = api.post(
        COLORIZE,
        data={"image": "https://example.com/a.jpg"},
        files={"image": ("a.jpg", gray_photo_jpeg, "image/jpeg")},
    )

    assert response.status_code == 400
    assert "not both" in response.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_a_broken_multipart_body_is_a_400(api: httpx.Client) -> None:
    response = api.post(
        COLORIZE,
        content=b'--xyz\r\nContent-Disposition: form-data; name="image"\r\n\r\nabc',
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    garbled = api.post(
        COLORIZE,
        content=b"garbage",
        headers={"Content-Type": "multipart/form-data; boundary="},
    )

    assert response.status_code == 400
    assert garbled.status_code == 400
    assert "multipart" in garbled.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_a_file_over_25_mb_is_a_400(api: httpx.Client, user: Any) -> None:
    response = colorize_file(api, b"\xff\xd8\xff" + bytes(25 * 1024 * 1024))

    assert response.status_code == 400
    assert "25 MB" in response.json()["error"]
    assert balance_of(user) == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({}, "Missing API key"),
        ({"X-API-KEY": "cz_short"}, "Malformed API key"),
        ({"X-API-KEY": "cz_abcdefgh_" + "B" * 43}, "Invalid API key"),
    ],
)
def test_no_valid_key_is_a_401(live_server: Any, headers: dict, words: str) -> None:
    for response in (
        httpx.post(live_server.url + COLORIZE, headers=headers, data={"image": "aGk="}),
        httpx.get(live_server.url + ACCOUNT, headers=headers),
    ):
        assert response.status_code == 401
        assert words in response.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_a_revoked_key_stops_working_on_the_next_request(api: httpx.Client, api_key: Any) -> None:
    assert api.get(ACCOUNT).status_code == 200

    revoke(key=api_key[0])

    response = api.get(ACCOUNT)
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_an_inactive_account_is_a_401(api: httpx.Client, user: Any) -> None:
    user.is_active = False
    user.save()

    assert api.get(ACCOUNT).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_short_balance_is_a_403(api: httpx.Client, user: Any, gray_photo_jpeg: bytes) -> None:
    response = colorize_file(api, gray_photo_jpeg, face_remaster="true", clean_scratches="true")

    assert response.status_code == 403
    assert "needs 4 credits" in response.json()["error"]
    assert balance_of(user) == 3


@pytest.mark.django_db(transaction=True)
def test_an_image_url_whose_server_fails_is_a_502(
    api: httpx.Client, user: Any, image_server: ImageServer
) -> None:
    response = api.post(COLORIZE, data={"image": image_server.url("/gone.jpg")})

    assert response.status_code == 502
    assert "HTTP 404" in response.json()["error"]
    assert balance_of(user) == 3


@pytest.mark.django_db(transaction=True)
def test_a_model_that_is_not_installed_is_a_503(api: httpx.Client, gray_photo_jpeg: bytes) -> None:
    with override_settings(
        COLORIZER_MODEL_CHOICES={"tiny": "missing-model", "large": "api-test-large"}
    ):
        response = colorize_file(api, gray_photo_jpeg, model="tiny")

    assert response.status_code == 503
    assert "not installed" in response.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_a_job_failing_in_the_worker_is_reported_and_refunded(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    response = colorize_file(api, gray_photo_jpeg[: len(gray_photo_jpeg) // 3], model="tiny")

    assert response.status_code in (400, 500)
    assert "refunded" in response.json()["error"]
    assert response.json()["taskId"]
    assert balance_of(user) == 3


@pytest.mark.django_db(transaction=True)
def test_account_shows_the_balance_and_the_key(api: httpx.Client, api_key: Any) -> None:
    response = api.get(ACCOUNT)

    assert response.status_code == 200
    assert response.json() == {"credits": 3, "keyName": "test key", "keyPrefix": api_key[0].prefix}
    assert response.headers["X-Credits-Remaining"] == "3"
