"""What a first-time user tripped on, fixed: the share card after the live update, the
site's own 404 on a revoked link even with DEBUG on, one vividness wording."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from colorizer_site.jobs import services, sharing
from colorizer_site.jobs.options import JobOptions

pytestmark = pytest.mark.django_db


def test_the_live_update_that_turns_done_brings_the_share_card(
    client_user: Client, user: Any, submit: Any
) -> None:
    job = submit(user, run=False)
    page = client_user.get(reverse("web:job_detail", args=[job.task_id])).content.decode()
    assert "Create link" not in page  # nothing to share while it works
    done = submit(user)  # a finished job with a stored result, polled as htmx does

    response = client_user.get(
        reverse("web:job_detail", args=[done.task_id]), headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 286
    assert 'id="share-slot"' in body and 'hx-swap-oob="true"' in body
    assert reverse("web:share_job", args=[done.task_id]) in body


@override_settings(DEBUG=True)
def test_a_revoked_link_shows_the_sites_own_404_even_with_debug_on(user: Any, submit: Any) -> None:
    job = submit(user)
    link, token = sharing.create_share(owner=user, job=job)
    sharing.revoke_share(link)

    response = Client().get(reverse("web:shared", args=[token]))

    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body and "URLconf" not in body
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert Client().get(reverse("web:shared_photo", args=[token, "0" * 32])).status_code == 404


@pytest.mark.usefixtures("guided_models")
def test_the_panel_and_the_details_name_the_vividness_alike(
    client_user: Client, user: Any, gray_photo_jpeg: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.submit_job(
            owner=user, image=gray_photo_jpeg, filename="a.jpg",
            options=JobOptions(model="tiny"),
        )  # fmt: skip
    page = client_user.get(reverse("web:job_detail", args=[job.task_id])).content.decode()
    assert "data-vividness-out>the model's best (" in page
    details = page.split('data-testid="job-vividness">', 1)[1].split("<", 1)[0]
    assert details.startswith("the model's best (")
    panel = page.split("data-vividness-out>", 1)[1].split("<", 1)[0]
    assert panel == details
