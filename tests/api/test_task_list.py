"""GET /api/v1/tasks: the key owner's tasks, newest first, cursor pages, state and date filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from colorizer_site.jobs import services as jobs
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import JobOptions
from colorizer_site.keys.services import create_key
from tests.api.conftest import create_task

TASKS = "/api/v1/tasks"
State = ColorizationJob.State


@pytest.fixture
def five_tasks(api: httpx.Client, user: Any, make_user: Any, gray_photo_jpeg: bytes) -> list[str]:
    """Five tasks of `user`, oldest first: three succeeded, one failed, one cancelled;
    created a day apart. Another user's task exists too."""
    from colorizer_site.credits.services import grant

    grant(user=user, amount=10, memo="more")
    ids = []
    for _ in range(3):
        ids.append(
            create_task(api, gray_photo_jpeg, sync=1, model="tiny").json()["data"]["task_id"]
        )
    broken = gray_photo_jpeg[: len(gray_photo_jpeg) // 3]
    ids.append(create_task(api, broken, sync=1, model="tiny").json()["data"]["task_id"])
    ids.append(create_task(api, gray_photo_jpeg, sync=1, model="tiny").json()["data"]["task_id"])
    ColorizationJob.objects.filter(task_id=ids[-1]).update(state=State.CANCELLED)
    start = datetime(2026, 3, 1, 12, tzinfo=UTC)
    for day, task_id in enumerate(ids):
        ColorizationJob.objects.filter(task_id=task_id).update(
            created_at=start + timedelta(days=day)
        )
    stranger = make_user()
    jobs.submit_job(owner=stranger, image=gray_photo_jpeg, options=JobOptions(model="tiny"))
    return ids


@pytest.mark.django_db(transaction=True)
def test_tasks_come_newest_first_in_cursor_pages(
    api: httpx.Client, live_server: Any, five_tasks: list[str]
) -> None:
    first = api.get(TASKS, params={"limit": 2})
    second = api.get(TASKS, params={"limit": 2, "cursor": first.json()["nextCursor"]})
    last = api.get(TASKS, params={"limit": 2, "cursor": second.json()["nextCursor"]})

    assert first.status_code == 200
    pages = [page.json() for page in (first, second, last)]
    listed = [task["task_id"] for page in pages for task in page["tasks"]]
    assert listed == five_tasks[::-1]
    assert pages[2]["nextCursor"] is None
    newest_done = pages[1]["tasks"][0]
    assert newest_done["state"] == 1
    assert newest_done["message"] == "success"
    assert newest_done["image"].startswith(f"{live_server.url}/api/results/")
    assert first.headers["X-Credits-Remaining"]
    assert first.headers["RateLimit"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "succeeded"}, [2, 1, 0]),
        ({"state": "failed"}, [3]),
        ({"state": "cancelled"}, [4]),
        ({"state": "queued"}, []),
        ({"created_after": "2026-03-02"}, [4, 3, 2, 1]),
        ({"created_before": "2026-03-03T12:00:00Z"}, [1, 0]),
        ({"created_after": "2026-03-02T13:00:00+01:00", "created_before": "2026-03-04"}, [2, 1]),
        ({"state": "succeeded", "created_after": "2026-03-02"}, [2, 1]),
    ],
)
def test_filters_by_state_and_date(
    api: httpx.Client, five_tasks: list[str], params: dict, expected: list[int]
) -> None:
    response = api.get(TASKS, params=params)

    assert response.status_code == 200, response.text
    assert [task["task_id"] for task in response.json()["tasks"]] == [
        five_tasks[index] for index in expected
    ]


@pytest.mark.django_db(transaction=True)
def test_a_failed_task_says_why(api: httpx.Client, five_tasks: list[str]) -> None:
    failed = api.get(TASKS, params={"state": "failed"}).json()["tasks"][0]

    assert failed["state"] < 0
    assert failed["image"] is None
    assert failed["message"] != "success"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"state": "done"}, "state must be one of"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"created_after": "yesterday"}, "ISO 8601"),
        ({"state": ""}, "state is empty"),
        ({"limit": ""}, "limit is empty"),
        ({"created_before": " "}, "created_before is empty"),
    ],
)
def test_bad_parameters_are_a_400(api: httpx.Client, params: dict, words: str) -> None:
    response = api.get(TASKS, params=params)

    assert response.status_code == 400
    assert words in response.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_another_users_tasks_and_removed_ones_are_not_listed(
    api: httpx.Client, client_for: Any, make_user: Any, five_tasks: list[str]
) -> None:
    from colorizer_site.jobs import files

    files.delete_jobs(
        owner=ColorizationJob.objects.get(task_id=five_tasks[0]).owner, task_ids=[five_tasks[0]]
    )
    stranger = ColorizationJob.objects.exclude(task_id__in=five_tasks).get().owner
    theirs = client_for(create_key(user=stranger, name="theirs")[1]).get(TASKS).json()["tasks"]
    mine = api.get(TASKS).json()["tasks"]

    assert len(theirs) == 1
    assert theirs[0]["task_id"] not in five_tasks
    assert [task["task_id"] for task in mine] == five_tasks[:0:-1]
