"""The gallery: newest first, filters, pagination, delete with confirmation, bulk delete."""

from __future__ import annotations

import pytest
from django.urls import reverse

from colorizer_site.jobs.endings import fail_job
from colorizer_site.jobs.models import ColorizationJob
from tests.web.jobs_helpers import make_job

pytestmark = pytest.mark.django_db
State = ColorizationJob.State


@pytest.fixture
def job_for(django_capture_on_commit_callbacks, gray_photo_jpeg):
    def make(owner, **kwargs):
        return make_job(
            owner, gray_photo_jpeg, capture=django_capture_on_commit_callbacks, **kwargs
        )

    return make


def _listed(response) -> list[str]:
    return [job.task_id for job in response.context["page"].object_list]


def test_the_gallery_lists_the_users_jobs_newest_first_with_thumbnails(
    client_user, user, make_user, job_for
) -> None:
    older = job_for(user)
    newer = job_for(user)
    job_for(make_user(credits=3))  # someone else's

    response = client_user.get(reverse("web:gallery"))

    assert _listed(response) == [newer.task_id, older.task_id]
    html = response.content.decode()
    assert reverse("web:job_thumbnail", args=[newer.task_id]) in html


def test_filters_show_succeeded_failed_and_in_progress(client, make_user, job_for) -> None:
    owner = make_user(credits=10)
    client.force_login(owner)
    done = job_for(owner)
    failed = job_for(owner, run=False)
    fail_job(failed, state=State.FAILED, code="x", message="No.")
    waiting = job_for(owner, run=False)

    def listed(status: str) -> list[str]:
        return _listed(client.get(reverse("web:gallery"), {"status": status}))

    assert listed("succeeded") == [done.task_id]
    assert listed("failed") == [failed.task_id]
    assert listed("in_progress") == [waiting.task_id]
    assert len(listed("")) == 3


def test_the_gallery_is_paginated(client, make_user, job_for) -> None:
    owner = make_user(credits=20)
    client.force_login(owner)
    jobs = [job_for(owner, run=False) for _ in range(13)]

    first = client.get(reverse("web:gallery"))
    second = client.get(reverse("web:gallery"), {"page": 2})

    assert len(_listed(first)) == 12
    assert _listed(second) == [jobs[0].task_id]
    assert "Page 1 of 2" in first.content.decode()


def test_delete_asks_for_confirmation_then_removes_the_files(client_user, user, job_for):
    job = job_for(user)
    stored = [job.input_file, job.result_file, job.thumbnail]
    assert all(field.storage.exists(field.name) for field in stored)
    url = reverse("web:job_delete", args=[job.task_id])

    confirm = client_user.get(url)
    assert confirm.status_code == 200
    assert "Delete 1 photo?" in confirm.content.decode()
    job.refresh_from_db()
    assert job.deleted_at is None

    response = client_user.post(
        reverse("web:gallery_delete"), {"task_id": job.task_id, "confirm": "yes"}, follow=True
    )

    job.refresh_from_db()
    assert job.deleted_at is not None
    assert not any(field.storage.exists(field.name) for field in stored)
    assert "Deleted 1 photo." in response.content.decode()
    assert _listed(response) == []
    assert client_user.get(reverse("web:job_detail", args=[job.task_id])).status_code == 404


def test_bulk_delete_confirms_then_deletes_only_finished_jobs(client, make_user, job_for):
    owner = make_user(credits=10)
    client.force_login(owner)
    first, second, keep = job_for(owner), job_for(owner), job_for(owner)
    running = job_for(owner, run=False)
    chosen = [first.task_id, second.task_id, running.task_id]

    confirm = client.post(reverse("web:gallery_delete"), {"task_id": chosen})
    assert "Delete 3 photos?" in confirm.content.decode()
    assert ColorizationJob.objects.filter(owner=owner, deleted_at__isnull=False).count() == 0

    response = client.post(
        reverse("web:gallery_delete"), {"task_id": chosen, "confirm": "yes"}, follow=True
    )

    deleted = set(
        ColorizationJob.objects.filter(deleted_at__isnull=False).values_list("task_id", flat=True)
    )
    assert deleted == {first.task_id, second.task_id}
    html = response.content.decode()
    assert "Deleted 2 photos." in html
    assert "1 photo is still being colorized" in html
    assert set(_listed(response)) == {keep.task_id, running.task_id}


def test_bulk_delete_with_nothing_selected_says_so(client_user) -> None:
    response = client_user.post(reverse("web:gallery_delete"), {}, follow=True)
    assert "Select the photos to delete first." in response.content.decode()
