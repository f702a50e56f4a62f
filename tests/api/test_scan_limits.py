"""Flatbed scans past 4096 pixels: the pages and /api/v1/colorize take them and colour them at
full size; the task dialect keeps its published 4096x4096."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.limits import Surface, limits_for
from colorizer_site.jobs.models import ColorizationJob
from tests.api.conftest import create_task

COLORIZE = "/api/v1/colorize"
SCAN = (5200, 3900)  # 20 megapixels, wider than the task dialect's 4096


@pytest.fixture(scope="module")
def scan() -> bytes:
    image = Image.linear_gradient("L").resize(SCAN)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def test_each_way_in_has_its_limits() -> None:
    assert limits_for(Surface.TASKS).max_side == 4096
    assert limits_for(Surface.TASKS).max_pixels == 4096 * 4096
    assert limits_for(Surface.PAGES).max_pixels >= 60_000_000
    assert limits_for(Surface.V1).max_pixels == limits_for(Surface.PAGES).max_pixels
    assert limits_for(Surface.V1).max_bytes == 25 * 1024 * 1024
    assert limits_for(Surface.PAGES).describe() == "up to 60 megapixels and 100 MB"
    assert limits_for(Surface.TASKS).describe() == "up to 4096 x 4096 pixels and 20 MB"


@pytest.mark.django_db(transaction=True)
def test_v1_colorizes_a_scan_past_4096_pixels_at_full_size(
    api: httpx.Client, user: Any, scan: bytes
) -> None:
    response = api.post(
        COLORIZE, data={"model": "tiny"}, files={"image": ("scan.jpg", scan, "image/jpeg")}
    )

    assert response.status_code == 200, response.text
    result = Image.open(io.BytesIO(httpx.get(response.json()["outputUrl"]).content))
    assert result.size == SCAN
    assert balance_of(user) == 2


@pytest.mark.django_db(transaction=True)
def test_the_task_dialect_refuses_the_same_scan_with_state_minus_5(
    api: httpx.Client, user: Any, scan: bytes
) -> None:
    response = create_task(api, scan, model="tiny")

    assert response.status_code == 400
    body = response.json()
    assert body["data"]["state"] == -5
    assert "4096" in body["message"]
    assert not ColorizationJob.objects.exists()
    assert balance_of(user) == 3


@pytest.mark.django_db
def test_the_colorize_page_takes_the_scan_and_the_worker_colours_it_whole(
    client_user: Client, user: Any, scan: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    upload = io.BytesIO(scan)
    upload.name = "scan.jpg"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_user.post(
            reverse("web:colorize"), {"image": upload, "model": "tiny", "output_format": "jpeg"}
        )

    job = ColorizationJob.objects.get(owner=user)
    assert response.status_code == 302
    assert job.state == ColorizationJob.State.SUCCEEDED, job.error_message
    assert (job.result_meta["width"], job.result_meta["height"]) == SCAN
    assert job.input_meta["limits"]["max_pixels"] == limits_for(Surface.PAGES).max_pixels
