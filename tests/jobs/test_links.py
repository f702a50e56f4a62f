"""Signed result links: valid, expired, tampered, and only for results that exist."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.test import Client

from colorizer_site.jobs import files
from colorizer_site.jobs.endings import fail_job
from colorizer_site.jobs.links import result_url
from colorizer_site.jobs.models import ColorizationJob

pytestmark = pytest.mark.django_db


def test_a_fresh_link_downloads_the_result_without_a_session(user, submit) -> None:
    job = submit(user)
    url = result_url(job)

    response = Client().get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == files.read(job.result_file)


def test_the_link_is_absolute_when_asked_and_names_the_task_id(user, submit) -> None:
    job = submit(user)
    url = result_url(job, absolute_base="https://colorizer.example/")

    assert url.startswith("https://colorizer.example/api/results/")
    # The link names the job by its unguessable task id, never the row id.
    assert url.rsplit("/", 1)[-1].split(":")[0] == job.task_id


def test_an_expired_link_is_refused(user, submit, monkeypatch) -> None:
    job = submit(user)
    real_time = time.time
    # Signed two hours ago: the clock is the one outside input here.
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 7200)
    url = result_url(job)
    monkeypatch.setattr(signing.time, "time", real_time)

    response = Client().get(url)

    assert response.status_code == 410
    assert "expired" in response.content.decode()


@pytest.mark.parametrize("where", ["signature", "task_id"])
def test_a_tampered_link_is_404(user, submit, where) -> None:
    job = submit(user)
    other = submit(user)
    url = result_url(job)
    prefix, token = url.rsplit("/", 1)
    task_id, stamp, signature = token.split(":")
    if where == "signature":
        signature = signature[:-2] + ("AA" if not signature.endswith("AA") else "BB")
    else:
        task_id = other.task_id
    response = Client().get(f"{prefix}/{task_id}:{stamp}:{signature}")

    assert response.status_code == 404


def test_a_link_to_a_deleted_job_is_404(user, submit) -> None:
    job = submit(user)
    url = result_url(job)
    files.delete_jobs(owner=user, task_ids=[job.task_id])

    assert Client().get(url).status_code == 404


def test_a_link_to_a_failed_job_is_404(user, submit) -> None:
    job = submit(user, run=False)
    fail_job(job, state=ColorizationJob.State.FAILED, code="x", message="No.")

    assert Client().get(result_url(job)).status_code == 404
