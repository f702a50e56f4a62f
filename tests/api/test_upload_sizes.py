"""How large an upload each dialect takes: v1 promises 25 MB, the task dialect keeps 20 MB."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from PIL import Image

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import ColorizationJob
from tests.api.conftest import create_task

COLORIZE = "/api/v1/colorize"


def big_bmp(megabytes: float) -> bytes:
    """A real grey-looking RGB BMP of about `megabytes` MB (24-bit pixels, uncompressed)."""
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    image = Image.linear_gradient("L").resize((side, side)).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "BMP")
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_v1_colorizes_a_file_between_20_and_25_mb(
    api: httpx.Client, make_user: Any, user: Any
) -> None:
    photo = big_bmp(22)
    assert 20 * 1024 * 1024 < len(photo) < 25 * 1024 * 1024

    response = api.post(
        COLORIZE, data={"model": "tiny"}, files={"image": ("big.bmp", photo, "image/bmp")}
    )

    assert response.status_code == 200, response.text
    result = Image.open(io.BytesIO(httpx.get(response.json()["outputUrl"]).content))
    assert result.size == Image.open(io.BytesIO(photo)).size
    assert ColorizationJob.objects.get().state == ColorizationJob.State.SUCCEEDED
    assert balance_of(user) == 2


@pytest.mark.django_db(transaction=True)
def test_the_task_dialect_keeps_its_20_mb_limit(api: httpx.Client, user: Any) -> None:
    response = create_task(api, big_bmp(22), model="tiny")

    assert response.status_code == 400
    assert response.json()["data"]["state"] == -5
    assert balance_of(user) == 3
