"""POST /api/v1/batches and GET /api/v1/batches/{id}: several photos, all-or-nothing charge,
one ZIP of the results."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import httpx
import pytest
from django.test.utils import override_settings

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import Batch, ColorizationJob
from colorizer_site.keys.services import create_key

BATCHES = "/api/v1/batches"


def photo_files(*photos: tuple[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("images", (name, data, "image/jpeg")) for name, data in photos]


@pytest.mark.django_db(transaction=True)
def test_a_batch_is_charged_run_and_zipped(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes, gray_photo_png: bytes
) -> None:
    response = api.post(
        BATCHES,
        data={"model": "tiny", "format": "png"},
        files=photo_files(("first.jpg", gray_photo_jpeg), ("second.png", gray_photo_png)),
    )

    assert response.status_code == 201, response.text
    assert response.headers["X-Credits-Charged"] == "2"
    batch = response.json()
    assert batch["total"] == 2
    assert batch["cost"] == 2
    assert balance_of(user) == 1
    polled = api.get(f"{BATCHES}/{batch['batch_id']}").json()
    assert polled["state"] == "completed"
    assert polled["succeeded"] == 2
    assert [task["state"] for task in polled["tasks"]] == [1, 1]
    archive = zipfile.ZipFile(io.BytesIO(httpx.get(polled["zip"]).content))
    assert sorted(archive.namelist()) == [
        "captions.csv",
        "first-colorized.png",
        "second-colorized.png",
    ]
    assert archive.read("first-colorized.png")[:8] == b"\x89PNG\r\n\x1a\n"
    listed = api.get("/api/v1/tasks").json()["tasks"]
    assert {task["task_id"] for task in listed} == {task["task_id"] for task in batch["tasks"]}


@pytest.mark.django_db(transaction=True)
def test_a_zip_archive_is_a_batch_of_its_photos(
    api: httpx.Client, gray_photo_jpeg: bytes, gray_photo_png: bytes
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("album/one.jpg", gray_photo_jpeg)
        bundle.writestr("album/two.png", gray_photo_png)
        bundle.writestr("__MACOSX/album/._one.jpg", b"resource fork")
        bundle.writestr("album/.DS_Store", b"finder")
        bundle.writestr("album/captions.txt", b"Aunt Rosa, 1953")
    response = api.post(
        BATCHES,
        data={"model": "tiny"},
        files={"archive": ("album.zip", buffer.getvalue(), "application/zip")},
    )

    assert response.status_code == 201, response.text
    names = [job.input_meta["name"] for job in ColorizationJob.objects.order_by("id")]
    assert names == ["one.jpg", "two.png"]
    assert response.json()["cost"] == 2
    [skipped] = response.json()["skipped"]
    assert skipped["name"] == "captions.txt"
    assert skipped["reason"].startswith("not a photo: only JPEG, PNG, WebP")


@pytest.mark.django_db(transaction=True)
def test_a_batch_the_balance_does_not_cover_charges_nothing(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    response = api.post(
        BATCHES,
        data={"model": "tiny"},
        files=photo_files(*[(f"p{index}.jpg", gray_photo_jpeg) for index in range(4)]),
    )

    assert response.status_code == 403
    assert response.headers["X-Credits-Charged"] == "0"
    assert balance_of(user) == 3
    assert not ColorizationJob.objects.exists()
    assert not Batch.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ([("images", ("empty.jpg", b"", "image/jpeg"))], "empty"),
        ([("images", ("bad.jpg", b"not an image at all", "image/jpeg"))], "bad.jpg"),
        ([("archive", ("a.zip", b"PK\x03\x04 broken", "application/zip"))], "not both"),
    ],
)
def test_invalid_photos_are_named_and_nothing_is_charged(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes, extra: list, words: str
) -> None:
    fine = ("images", ("fine.jpg", gray_photo_jpeg, "image/jpeg"))

    response = api.post(BATCHES, data={"model": "tiny"}, files=[fine, *extra])

    assert response.status_code == 400
    assert words in response.json()["error"]
    assert balance_of(user) == 3
    assert not ColorizationJob.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({"archive": ("a.zip", b"PK\x03\x04 broken", "application/zip")}, "ZIP"),
        (None, "Send the photos"),
    ],
)
def test_a_broken_archive_or_no_photos_is_a_400(
    api: httpx.Client, files: dict | None, words: str
) -> None:
    response = api.post(BATCHES, data={"model": "tiny"}, files=files)

    assert response.status_code == 400
    assert words in response.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_another_users_batch_is_404(
    api: httpx.Client, client_for: Any, make_user: Any, gray_photo_jpeg: bytes
) -> None:
    batch_id = api.post(
        BATCHES, data={"model": "tiny"}, files=photo_files(("a.jpg", gray_photo_jpeg))
    ).json()["batch_id"]
    stranger = client_for(create_key(user=make_user(), name="k")[1])

    assert stranger.get(f"{BATCHES}/{batch_id}").status_code == 404
    assert api.get(f"{BATCHES}/{batch_id}").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_photos_adding_up_past_the_batch_cap_are_refused(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("a.jpg", gray_photo_jpeg)
        bundle.writestr("b.jpg", gray_photo_jpeg)
    cap = len(gray_photo_jpeg) + 100
    with override_settings(COLORIZER_BATCH_MAX_BYTES=cap):
        uploads = api.post(
            BATCHES,
            data={"model": "tiny"},
            files=photo_files(("a.jpg", gray_photo_jpeg), ("b.jpg", gray_photo_jpeg)),
        )
        archive = api.post(
            BATCHES, data={"model": "tiny"}, files={"archive": ("a.zip", buffer.getvalue())}
        )

    for response in (uploads, archive):
        assert response.status_code == 400
        assert "several batches" in response.json()["error"]
    assert balance_of(user) == 3
