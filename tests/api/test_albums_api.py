"""Captions and albums through the API: facts given at creation in both dialects, read and
changed on /api/v1/tasks/{id}, albums listed, created and filled; refusals are JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from colorizer_site.jobs import facts
from colorizer_site.jobs.models import Album, ColorizationJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_client(api_key: tuple[Any, str]) -> Client:
    return Client(headers={"X-API-KEY": api_key[1]})


def send_json(key_client: Client, method: str, path: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return getattr(key_client, method)(path, data=data, content_type="application/json")


def create_task(key_client: Client, photo: bytes, **fields: str) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("scan-7.jpg", photo, content_type="image/jpeg")
    response = key_client.post("/api/tasks/visual/colorization", {"image_file": upload, **fields})
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_facts_given_at_creation_are_read_back_with_their_years(
    key_client: Client, gray_photo_jpeg: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        data = create_task(
            key_client, gray_photo_jpeg, title="Wedding", date="about 1925", people="Anna; Karl"
        )
    answer = key_client.get(f"/api/v1/tasks/{data['task_id']}").json()
    assert answer["task_id"] == data["task_id"]
    assert answer["facts"] == {
        "title": "Wedding", "description": "", "date": "about 1925", "place": "",
        "people": ["Anna", "Karl"], "reference": "", "year_from": 1923, "year_to": 1927,
    }  # fmt: skip
    assert answer["albums"] == []


@pytest.mark.django_db(transaction=True)
def test_the_colorize_dialect_takes_facts_too(
    api: Any, live_server: Any, gray_photo_jpeg: bytes
) -> None:
    import httpx

    response = api.post(
        "/api/v1/colorize",
        data={"model": "tiny", "reference": "PA-7", "people": "Anna; Karl"},
        files={"image": ("a.jpg", gray_photo_jpeg, "image/jpeg")},
    )
    assert response.status_code == 200, response.text
    job = ColorizationJob.objects.get()
    assert facts.facts_of(job).people == ("Anna", "Karl")
    # The signed result link serves the file with the caption in it.
    assert b"PA-7" in httpx.get(response.json()["outputUrl"]).content


def test_too_long_facts_refuse_the_task_before_any_charge(
    key_client: Client, gray_photo_jpeg: bytes, user: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from colorizer_site.credits.services import balance_of

    before = balance_of(user)
    upload = SimpleUploadedFile("a.jpg", gray_photo_jpeg, content_type="image/jpeg")
    response = key_client.post(
        "/api/tasks/visual/colorization", {"image_file": upload, "title": "x" * 201}
    )
    assert response.status_code == 400
    assert "title is 201 characters long" in response.json()["message"]
    assert balance_of(user) == before
    assert not ColorizationJob.objects.exists()


def test_patch_changes_only_the_facts_sent(key_client: Client, user: Any, submit: Any) -> None:
    job = submit(user)
    facts.save_facts(job, facts.Facts(title="Beach", place="Sylt"))
    response = send_json(
        key_client, "patch", f"/api/v1/tasks/{job.task_id}", {"place": "Amrum", "people": ["Jan"]}
    )
    assert response.status_code == 200
    assert response.json()["facts"]["title"] == "Beach"
    fresh = ColorizationJob.objects.get(id=job.id)
    assert facts.facts_of(fresh) == facts.Facts(title="Beach", place="Amrum", people=("Jan",))

    for body, message in (
        ("not json", "not valid JSON"),
        ([1, 2], "JSON object"),
        ({"people": "Jan"}, "list of names"),
        ({"title": 5}, "title must be text"),
    ):
        refused = send_json(key_client, "patch", f"/api/v1/tasks/{job.task_id}", body)
        assert refused.status_code == 400
        assert message in refused.json()["error"]


def test_another_accounts_task_and_album_are_404(
    key_client: Client, make_user: Any, submit: Any
) -> None:
    stranger = make_user(email="s@example.com", credits=3)
    theirs = submit(stranger)
    album = Album.objects.create(owner=stranger, name="Theirs")
    assert key_client.get(f"/api/v1/tasks/{theirs.task_id}").status_code == 404
    assert send_json(key_client, "patch", f"/api/v1/tasks/{theirs.task_id}", {}).status_code == 404
    assert key_client.get(f"/api/v1/albums/{album.album_id}").status_code == 404
    added = send_json(
        key_client, "post", f"/api/v1/albums/{album.album_id}/tasks", {"task_ids": []}
    )
    assert added.status_code == 404


def test_albums_are_created_filled_in_order_and_listed(
    key_client: Client, user: Any, make_user: Any, submit: Any
) -> None:
    first, second, third = submit(user), submit(user), submit(user)
    stranger_task = submit(make_user(email="t@example.com", credits=3))
    created = send_json(
        key_client, "post", "/api/v1/albums", {"name": "Box 12", "task_ids": [second.task_id]}
    )
    assert created.status_code == 201
    album = created.json()
    assert (album["name"], album["task_ids"], album["photos"]) == ("Box 12", [second.task_id], 1)

    filled = send_json(
        key_client,
        "post",
        f"/api/v1/albums/{album['album_id']}/tasks",
        {"task_ids": [third.task_id, first.task_id, second.task_id, stranger_task.task_id]},
    )
    assert filled.json()["task_ids"] == [second.task_id, third.task_id, first.task_id]
    listed = key_client.get("/api/v1/albums").json()["albums"]
    assert [(entry["name"], entry["photos"]) for entry in listed] == [("Box 12", 3)]
    assert key_client.get(f"/api/v1/tasks/{first.task_id}").json()["albums"] == [album["album_id"]]

    assert send_json(key_client, "post", "/api/v1/albums", {"name": " "}).status_code == 400
    assert send_json(key_client, "post", "/api/v1/albums", {"task_ids": []}).status_code == 400
    bad_ids = send_json(
        key_client, "post", f"/api/v1/albums/{album['album_id']}/tasks", {"task_ids": ["nope"]}
    )
    assert bad_ids.status_code == 400


def test_the_openapi_document_and_docs_page_describe_them(
    key_client: Client, client: Client
) -> None:
    document = client.get("/api/openapi.json").json()
    assert set(document["paths"]["/api/v1/tasks/{task_id}"]) == {"get", "patch"}
    patch = document["paths"]["/api/v1/tasks/{task_id}"]["patch"]
    body = patch["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["people"]["type"] == "array"
    assert "post" in document["paths"]["/api/v1/albums/{album_id}/tasks"]
    create = document["paths"]["/api/tasks/visual/colorization"]["post"]
    form = create["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert {"title", "date", "people", "reference"} <= set(form)
    docs = client.get("/docs/").content.decode()
    assert "/api/v1/albums" in docs and "Content-Type: application/json" in docs
