"""An image URL refused by policy (a private, link-local or loopback address, given
directly or reached by a redirect) is the caller's mistake: 400 in both dialects and on
the page, each in its own shape, while a server that fails to deliver stays a 502.

Everything runs against a real HTTP server on 127.0.0.1; the private targets are never
contacted (the refusal comes before connecting), which the server's request log shows.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from django.test.utils import override_settings

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.image_fetch import InvalidImageUrl, fetch_image
from colorizer_site.jobs.models import ColorizationJob
from tests.api.conftest import CREATE, ImageServer

COLORIZE = "/api/v1/colorize"


def refused_urls(image_server: ImageServer) -> dict[str, str]:
    return {
        "private address": "http://10.1.2.3/photo.jpg",
        "link-local address": "http://169.254.169.254/latest/meta-data/",
        "redirect to a private address": image_server.redirect(
            "/hop.jpg", "http://192.168.0.10/router.jpg"
        ),
        "redirect to link-local": image_server.redirect(
            "/metadata.jpg", "http://169.254.169.254/latest/meta-data/"
        ),
    }


def test_fetching_raises_the_client_side_error_for_each_refusal(
    image_server: ImageServer,
) -> None:
    for url in refused_urls(image_server).values():
        with pytest.raises(InvalidImageUrl, match=r"address.*not allowed"):
            fetch_image(url)
    # Only the redirecting hops were asked; nothing behind them was reached.
    assert sorted(path for path, _ in image_server.requests) == ["/hop.jpg", "/metadata.jpg"]


@pytest.mark.django_db(transaction=True)
def test_the_task_dialect_answers_400_with_state_minus_3(
    api: httpx.Client, user: Any, image_server: ImageServer
) -> None:
    for name, url in refused_urls(image_server).items():
        for sync in ("0", "1"):
            response = api.post(CREATE, data={"image_url": url, "sync": sync})

            assert response.status_code == 400, (name, response.text)
            body = response.json()
            assert (body["status"], body["data"]["state"]) == (400, -3), name
            assert "address" in body["message"] and "not allowed" in body["message"], name
    assert balance_of(user) == 3
    assert not ColorizationJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_colorize_dialect_answers_400_with_its_error_shape(
    api: httpx.Client, user: Any, image_server: ImageServer
) -> None:
    for name, url in refused_urls(image_server).items():
        response = api.post(COLORIZE, data={"image": url})

        assert response.status_code == 400, (name, response.text)
        assert response.headers["Content-Type"].startswith("application/json")
        assert set(response.json()) == {"error"}
        assert "not allowed" in response.json()["error"], name
    assert balance_of(user) == 3


@pytest.mark.django_db(transaction=True)
def test_loopback_is_refused_the_same_way_when_the_setting_forbids_it(
    api: httpx.Client, user: Any, image_server: ImageServer
) -> None:
    url = image_server.add("/photo.jpg", body=b"\xff\xd8\xff" + b"0" * 100)

    with override_settings(COLORIZER_URL_FETCH_ALLOW_LOOPBACK=False):
        task = api.post(CREATE, data={"image_url": url})
        v1 = api.post(COLORIZE, data={"image": url})

    assert (task.status_code, task.json()["data"]["state"]) == (400, -3)
    assert "loopback address" in task.json()["message"]
    assert v1.status_code == 400
    assert "loopback address" in v1.json()["error"]
    assert image_server.requests == []


@pytest.mark.django_db(transaction=True)
def test_a_server_that_fails_stays_an_upstream_error_in_both_dialects(
    api: httpx.Client, image_server: ImageServer
) -> None:
    missing = image_server.url("/gone.jpg")

    task = api.post(CREATE, data={"image_url": missing})
    v1 = api.post(COLORIZE, data={"image": missing})

    assert (task.status_code, task.json()["data"]["state"]) == (502, -3)
    assert v1.status_code == 502
    assert "HTTP 404" in v1.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_the_page_shows_the_refusal_under_the_url_field(
    client_user: Any, user: Any, image_server: ImageServer
) -> None:
    url = image_server.redirect("/hop.jpg", "http://10.0.0.7/photo.jpg")

    response = client_user.post(
        "/colorize/", {"image_url": url, "model": "tiny", "output_format": "jpeg"}
    )

    assert response.status_code == 400
    assert "not allowed" in response.context["form"].errors["image_url"][0]
    assert balance_of(user) == 3
