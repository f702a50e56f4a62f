"""mode=colorize|restore in both dialects and batches: results, the detected kind, refusals."""

from __future__ import annotations

import io
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import ColorizationJob
from tests.api.conftest import create_task, opened
from tests.engine.test_restore import as_uint8, jpeg, sample
from training import fading

pytestmark = pytest.mark.django_db(transaction=True)

COLORIZE = "/api/v1/colorize"
BATCHES = "/api/v1/batches"
# Wrong spellings, other words, numbers, lists, padding inside, very long: all refused.
BAD_MODES = [
    "repaint",
    "restored",
    "colourise",
    "colorise",
    "restore colorize",
    "restore,colorize",
    "1",
    "0",
    "true",
    "none",
    "re store",
    "réstore",
    "restore\x00",
    "x" * 300,
]


@pytest.fixture(scope="module")
def faded_print() -> bytes:
    clean = sample("coffee", 160)
    return jpeg(as_uint8(fading.fade(clean / 255.0, "cyan_loss", np.random.default_rng(5))))


@pytest.fixture(scope="module")
def colour_photo() -> bytes:
    return jpeg(sample("chelsea", 160))


def v1(api: httpx.Client, photo: bytes, **fields: str) -> httpx.Response:
    return api.post(COLORIZE, data=fields, files={"image": ("photo.jpg", photo, "image/jpeg")})


def test_task_dialect_restores_a_faded_print_and_reports_its_kind(
    api: httpx.Client, user: Any, faded_print: bytes
) -> None:
    response = create_task(api, faded_print, sync=1, mode="restore", format="png")

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["state"] == 1 and data["mode"] == "restore" and data["photo_kind"] == "faded"
    job = ColorizationJob.objects.get(owner=user)
    assert job.options["mode"] == "restore" and job.result_meta["model"] == "own-restorer-v1"
    assert balance_of(user) == 2  # the price of a colorization
    restored = np.asarray(opened(httpx.get(data["image"]).content).convert("RGB"))
    source = np.asarray(Image.open(io.BytesIO(faded_print)).convert("RGB")).astype(float)
    # The red cast of lost cyan dye is taken out: red no longer dominates the mean.
    assert (
        source[..., 0].mean() - source[..., 2].mean()
        > restored[..., 0].mean() - restored[..., 2].mean() + 5
    )
    poll = api.get(f"/api/tasks/visual/colorization/{data['task_id']}").json()["data"]
    assert poll["mode"] == "restore" and poll["photo_kind"] == "faded"


def test_a_colour_photo_sent_to_colorize_is_colorized_and_says_it_had_colour(
    api: httpx.Client, user: Any, colour_photo: bytes
) -> None:
    response = create_task(api, colour_photo, sync=1, model="tiny")

    data = response.json()["data"]
    assert response.status_code == 200 and data["state"] == 1
    assert data["mode"] == "colorize" and data["photo_kind"] == "colour"
    assert any("already in colour" in note for note in data["notes"])


def test_colorize_dialect_takes_mode_and_answers_with_mode_and_kind(
    api: httpx.Client, user: Any, faded_print: bytes, colour_photo: bytes
) -> None:
    restored = v1(api, faded_print, mode="restore")
    colorized = v1(api, colour_photo, model="tiny")

    assert restored.status_code == 200, restored.text
    assert restored.json()["mode"] == "restore" and restored.json()["photoKind"] == "faded"
    assert colorized.json()["mode"] == "colorize" and colorized.json()["photoKind"] == "colour"
    assert httpx.get(restored.json()["outputUrl"]).status_code == 200


def test_a_black_and_white_photo_in_restore_mode_stays_monochrome_and_suggests_colorize(
    api: httpx.Client, gray_photo_jpeg: bytes
) -> None:
    response = create_task(api, gray_photo_jpeg, sync=1, mode="restore", format="png")

    data = response.json()["data"]
    assert data["photo_kind"] == "bw"
    assert any("colorize it instead" in note for note in data["notes"])
    rgb = np.asarray(opened(httpx.get(data["image"]).content).convert("RGB")).astype(int)
    assert np.abs(rgb[..., 0] - rgb[..., 2]).max() <= 3


@pytest.mark.parametrize("mode", BAD_MODES)
def test_task_dialect_refuses_every_bad_mode_free_of_charge(
    api: httpx.Client, user: Any, faded_print: bytes, mode: str
) -> None:
    response = create_task(api, faded_print, sync=1, mode=mode)

    body = response.json()
    assert response.status_code == 400 and body["status"] == 400
    assert body["message"].startswith("mode must be one of colorize, restore")
    assert balance_of(user) == 3
    assert not ColorizationJob.objects.filter(owner=user).exists()


@pytest.mark.parametrize("mode", BAD_MODES)
def test_colorize_dialect_refuses_every_bad_mode_free_of_charge(
    api: httpx.Client, user: Any, faded_print: bytes, mode: str
) -> None:
    response = v1(api, faded_print, mode=mode)

    assert response.status_code == 400
    assert response.json()["error"].startswith("mode must be one of colorize, restore")
    assert response.headers["X-Credits-Remaining"] == "3"
    assert not ColorizationJob.objects.filter(owner=user).exists()


def test_mode_is_case_blind_and_empty_means_colorize(
    api: httpx.Client, user: Any, faded_print: bytes
) -> None:
    shouted = create_task(api, faded_print, mode=" RESTORE ")
    empty = create_task(api, faded_print, mode="", model="tiny")

    assert shouted.status_code == 200 and empty.status_code == 200
    modes = sorted(job.options.get("mode", "colorize") for job in ColorizationJob.objects.all())
    assert modes == ["colorize", "restore"]


def test_pins_in_restore_mode_are_refused_naming_hints(
    api: httpx.Client, user: Any, faded_print: bytes
) -> None:
    pins = '[{"x": 10, "y": 10, "color": "#ff0000"}]'
    task = create_task(api, faded_print, sync=1, mode="restore", hints=pins)
    colorize = v1(api, faded_print, mode="restore", hints=pins)

    assert task.status_code == 400 and task.json()["data"]["field"] == "hints"
    assert colorize.status_code == 400 and colorize.json()["field"] == "hints"
    assert balance_of(user) == 3


def test_a_batch_in_restore_mode_restores_every_photo(
    api: httpx.Client, user: Any, faded_print: bytes, colour_photo: bytes
) -> None:
    response = api.post(
        BATCHES,
        data={"mode": "restore"},
        files=[
            ("images", ("one.jpg", faded_print, "image/jpeg")),
            ("images", ("two.jpg", colour_photo, "image/jpeg")),
        ],
    )
    assert response.status_code in (200, 201, 202), response.text
    jobs = ColorizationJob.objects.filter(owner=user).order_by("id")
    assert [job.options.get("mode") for job in jobs] == ["restore", "restore"]
    batch = api.get(f"{BATCHES}/{response.json()['batch_id']}").json()
    assert {task["mode"] for task in batch["tasks"]} == {"restore"}
    assert {task["photo_kind"] for task in batch["tasks"]} == {"faded", "colour"}


def test_a_bad_mode_refuses_the_whole_batch(
    api: httpx.Client, user: Any, faded_print: bytes
) -> None:
    response = api.post(
        BATCHES,
        data={"mode": "repaint"},
        files=[("images", ("one.jpg", faded_print, "image/jpeg"))],
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("mode must be one of colorize, restore")
    assert balance_of(user) == 3
