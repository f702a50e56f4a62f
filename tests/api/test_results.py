"""A finished task whose files the retention purge took: both the task and its old result
link say "expired" in JSON (api/results.py and the task view)."""

from __future__ import annotations

import httpx
import pytest

from colorizer_site.jobs import files
from colorizer_site.jobs.models import ColorizationJob
from tests.api.conftest import CREATE, create_task


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
