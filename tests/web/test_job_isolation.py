"""Another user's job, files and actions do not exist for you: 404, and nothing changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import ColorizationJob
from tests.web.jobs_helpers import make_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def strangers_job(make_user, gray_photo_jpeg, django_capture_on_commit_callbacks):
    owner = make_user(email="owner@example.com", credits=3)
    return make_job(owner, gray_photo_jpeg, capture=django_capture_on_commit_callbacks)


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("web:job_detail", []),
        ("web:job_input", []),
        ("web:job_result", []),
        ("web:job_thumbnail", []),
        ("web:job_download", ["png"]),
        ("web:job_delete", []),
    ],
)
def test_another_users_job_pages_and_files_are_404(client_user, strangers_job, name, extra):
    url = reverse(name, args=[strangers_job.task_id, *extra])
    assert client_user.get(url).status_code == 404
    assert client_user.get(url, HTTP_HX_REQUEST="true").status_code == 404


def test_another_users_job_cannot_be_deleted_or_rerun(client_user, user, strangers_job):
    delete = client_user.post(reverse("web:job_delete", args=[strangers_job.task_id]))
    rerun = client_user.post(
        reverse("web:job_rerun", args=[strangers_job.task_id]),
        {"model": "tiny", "output_format": "jpeg"},
    )
    bulk = client_user.post(
        reverse("web:gallery_delete"), {"task_id": [strangers_job.task_id], "confirm": "yes"}
    )

    assert delete.status_code == 404
    assert rerun.status_code == 404
    assert bulk.status_code == 302
    strangers_job.refresh_from_db()
    assert strangers_job.deleted_at is None
    assert strangers_job.result_file.storage.exists(strangers_job.result_file.name)
    assert not ColorizationJob.objects.filter(owner=user).exists()
    assert balance_of(user) == 3


def test_signed_out_visitors_are_sent_to_log_in(client, strangers_job) -> None:
    response = client.get(reverse("web:job_result", args=[strangers_job.task_id]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
