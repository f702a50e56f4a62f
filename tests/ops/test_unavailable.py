"""A database that does not answer, or a full media disk, reads as "briefly unavailable,
try again" (503 with Retry-After) on pages and in both API dialects, not as a bug (500)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.ops.unreachable_urls")]


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def test_a_page_says_briefly_unavailable_with_retry_after(client: Client) -> None:
    response = client.get("/gallery-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    text = response.content.decode()
    assert "briefly unavailable" in text
    assert "Nothing was" in text and "charged" in text


def test_a_bug_is_still_the_500_page(client: Client) -> None:
    response = client.get("/bug/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_both_api_dialects_answer_503_json_in_their_shape(client: Client) -> None:
    v1 = client.get("/api/v1/down")
    assert v1.status_code == 503
    assert v1["Retry-After"] == "5"
    assert "briefly unavailable" in v1.json()["error"]

    tasks = client.get("/api/tasks/visual/down")
    assert tasks.status_code == 503
    assert tasks["Retry-After"] == "5"
    body = tasks.json()
    assert body["status"] == 503
    assert "briefly unavailable" in body["message"]


def test_a_full_media_disk_reads_as_unavailable_not_as_a_bug(client: Client) -> None:
    page = client.get("/upload-full/")
    assert page.status_code == 503
    assert "Nothing was" in page.content.decode()
    api = client.get("/api/v1/full")
    assert api.status_code == 503
    assert "nothing was charged" in api.json()["error"]
