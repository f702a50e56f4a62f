"""The job page: htmx progress polling, 286 at the end, slider, downloads, failure, re-run."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.endings import fail_job
from colorizer_site.jobs.models import ColorizationJob
from tests.web.jobs_helpers import make_job

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def job_for(django_capture_on_commit_callbacks, gray_photo_jpeg):
    def make(owner, **kwargs):
        return make_job(
            owner, gray_photo_jpeg, capture=django_capture_on_commit_callbacks, **kwargs
        )

    return make


def test_a_running_job_page_polls_its_progress_partial_quickly_at_first(client_user, user, job_for):
    job = job_for(user, run=False)
    ColorizationJob.objects.filter(id=job.id).update(
        state=ColorizationJob.State.PROCESSING, progress=40, stage="colorize"
    )
    url = reverse("web:job_detail", args=[job.task_id])

    page = client_user.get(url)
    partial = client_user.get(url, **HTMX)

    html = page.content.decode()
    assert page.status_code == 200
    assert f'hx-get="{url}"' in html
    # A job submitted a moment ago is asked about every 400 ms: short jobs show the bar move.
    assert 'hx-trigger="load delay:400ms"' in html
    assert partial.status_code == 200
    fragment = partial.content.decode()
    assert fragment.lstrip().startswith('<section id="job-status"')
    assert "<html" not in fragment
    assert 'aria-valuenow="40"' in fragment
    # The stage in words, never the code's name for it.
    assert "Adding colour" in fragment and "40 %" in fragment
    assert ">colorize<" not in fragment.lower()


def test_a_finished_job_stops_the_polling_with_286_and_shows_the_slider(
    client_user, user, job_for
) -> None:
    job = job_for(user, output_format="png")
    url = reverse("web:job_detail", args=[job.task_id])

    partial = client_user.get(url, **HTMX)

    fragment = partial.content.decode()
    assert partial.status_code == 286
    assert "hx-trigger" not in fragment
    assert "100 %" in fragment
    assert 'type="range"' in fragment
    assert reverse("web:job_input", args=[job.task_id]) in fragment
    assert reverse("web:job_result", args=[job.task_id]) in fragment
    assert reverse("web:job_download", args=[job.task_id, "png"]) in fragment
    assert reverse("web:job_download", args=[job.task_id, "jpeg"]) in fragment
    # The header balance is refreshed out of band.
    assert 'id="credit-balance" hx-swap-oob="true">2<' in fragment


def test_a_failed_job_shows_the_reason_and_the_refund(client_user, user, job_for) -> None:
    job = job_for(user, run=False, clean_scratches=True)
    fail_job(
        job,
        state=ColorizationJob.State.INVALID_IMAGE,
        code="invalid_image",
        message="The image data is damaged.",
    )

    response = client_user.get(reverse("web:job_detail", args=[job.task_id]), **HTMX)

    html = response.content.decode()
    assert response.status_code == 286
    assert "The image data is damaged." in html
    assert "The 2 credits for this photo were refunded to your balance." in html
    assert balance_of(user) == 3


def test_the_result_and_the_before_image_are_served_to_the_owner(client_user, user, job_for):
    job = job_for(user)

    before = client_user.get(reverse("web:job_input", args=[job.task_id]))
    after = client_user.get(reverse("web:job_result", args=[job.task_id]))
    thumb = client_user.get(reverse("web:job_thumbnail", args=[job.task_id]))

    assert (before.status_code, before["Content-Type"]) == (200, "image/jpeg")
    assert (after.status_code, after["Content-Type"]) == (200, "image/jpeg")
    assert (thumb.status_code, thumb["Content-Type"]) == (200, "image/webp")
    assert "private" in after["Cache-Control"]


def test_a_tiff_original_is_shown_as_grey_png_in_the_slider(
    client_user, user, django_capture_on_commit_callbacks
) -> None:
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize((200, 100)).save(buffer, "TIFF", compression="tiff_lzw")
    job = make_job(user, buffer.getvalue(), capture=django_capture_on_commit_callbacks)

    before = client_user.get(reverse("web:job_input", args=[job.task_id]))

    assert before["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(before.content)) as image:
        assert (image.mode, image.size) == ("L", (200, 100))


@pytest.mark.parametrize(
    ("output_format", "pillow_format"), [("png", "PNG"), ("webp", "WEBP"), ("jpeg", "JPEG")]
)
def test_downloads_come_in_every_format(client_user, user, job_for, output_format, pillow_format):
    job = job_for(user)

    response = client_user.get(reverse("web:job_download", args=[job.task_id, output_format]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == pillow_format
        assert image.size == (320, 240)


def test_an_unknown_download_format_is_404(client_user, user, job_for) -> None:
    job = job_for(user)
    url = reverse("web:job_download", args=[job.task_id, "gif"])
    assert client_user.get(url).status_code == 404


def test_run_again_with_other_options_makes_a_new_charged_job(
    client_user, user, job_for, django_capture_on_commit_callbacks
) -> None:
    job = job_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_user.post(
            reverse("web:job_rerun", args=[job.task_id]),
            {"model": "tiny", "output_format": "webp", "clean_scratches": "on"},
        )

    again = ColorizationJob.objects.exclude(id=job.id).get(owner=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:job_detail", args=[again.task_id])
    assert again.options["output_format"] == "webp"
    assert again.options["clean_scratches"] is True
    assert again.state == ColorizationJob.State.SUCCEEDED
    assert again.input_meta["name"] == job.input_meta["name"]
    assert balance_of(user) == 3 - 1 - 2


def test_run_again_without_enough_credits_says_so(client, make_user, job_for) -> None:
    owner = make_user(credits=1)
    client.force_login(owner)
    job = job_for(owner)

    response = client.post(
        reverse("web:job_rerun", args=[job.task_id]),
        {"model": "tiny", "output_format": "jpeg"},
        follow=True,
    )

    assert "This needs 1 credit but your balance is 0 credits." in response.content.decode()
    assert ColorizationJob.objects.filter(owner=owner).count() == 1


def test_a_job_whose_files_were_purged_says_so_instead_of_a_broken_slider(
    client_user, user, job_for
) -> None:
    from colorizer_site.jobs import files

    job = job_for(user)
    files.remove_files(job)

    html = client_user.get(reverse("web:job_detail", args=[job.task_id])).content.decode()

    assert "The files of this photo have been removed from the server." in html
    assert 'type="range"' not in html
    assert "Run again" not in html


def test_a_waiting_job_can_be_cancelled_from_its_page_and_is_refunded(
    client_user, user, job_for
) -> None:
    job = job_for(user, run=False, clean_scratches=True)
    url = reverse("web:job_detail", args=[job.task_id])
    assert 'data-testid="job-cancel"' in client_user.get(url).content.decode()
    assert balance_of(user) == 1

    response = client_user.post(reverse("web:job_cancel", args=[job.task_id]), follow=True)

    html = response.content.decode()
    assert "<h2>Cancelled</h2>" in html
    assert "credits are back" in html
    assert 'data-testid="job-cancel"' not in html
    assert balance_of(user) == 3


def test_a_running_job_shows_it_is_stopping_once_cancelled(client_user, user, job_for) -> None:
    job = job_for(user, run=False)
    ColorizationJob.objects.filter(id=job.id).update(state=ColorizationJob.State.PROCESSING)

    client_user.post(reverse("web:job_cancel", args=[job.task_id]))

    partial = client_user.get(reverse("web:job_detail", args=[job.task_id]), **HTMX)
    assert 'data-testid="job-stopping"' in partial.content.decode()
    assert balance_of(user) == 2  # refunded by the worker when it stops


def test_someone_elses_job_cannot_be_cancelled(client, make_user, user, job_for) -> None:
    job = job_for(user, run=False)
    client.force_login(make_user())

    assert client.post(reverse("web:job_cancel", args=[job.task_id])).status_code == 404
    job.refresh_from_db()
    assert job.state == ColorizationJob.State.QUEUED


def test_a_queued_job_says_waiting_for_a_worker_only_when_the_workers_are_busy(
    client_user, user, job_for
) -> None:
    job = job_for(user, run=False)
    url = reverse("web:job_detail", args=[job.task_id])

    idle = client_user.get(url, **HTMX).content.decode()
    assert "In the queue: starting soon" in idle
    assert "Waiting for a free worker" not in idle

    earlier = job_for(user, run=False)
    ColorizationJob.objects.filter(id=earlier.id).update(
        created_at=job.created_at - timedelta(seconds=5)
    )
    busy = client_user.get(url, **HTMX).content.decode()
    assert "Waiting for a free worker" in busy
    assert "1 photo ahead of yours." in busy

    ColorizationJob.objects.filter(id=earlier.id).update(state=ColorizationJob.State.PROCESSING)
    running = client_user.get(url, **HTMX).content.decode()
    assert "Waiting for a free worker" in running
    assert "ahead of yours" not in running


def test_a_job_page_shows_a_thumbnail_of_the_photo_being_worked_on(
    client_user, user, job_for
) -> None:
    job = job_for(user, run=False)
    thumbnail_url = reverse("web:job_input_thumbnail", args=[job.task_id])

    page = client_user.get(reverse("web:job_detail", args=[job.task_id])).content.decode()
    thumbnail = client_user.get(thumbnail_url)

    assert thumbnail_url in page
    assert thumbnail["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(thumbnail.content)) as image:
        assert max(image.size) <= 320


def test_polling_slows_down_as_a_job_takes_longer(client_user, user, job_for) -> None:
    job = job_for(user, run=False)
    url = reverse("web:job_detail", args=[job.task_id])
    ColorizationJob.objects.filter(id=job.id).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )

    assert 'hx-trigger="load delay:2000ms"' in client_user.get(url, **HTMX).content.decode()


@pytest.mark.parametrize(
    ("stage", "words"),
    [
        ("decode", "Reading your photo"),
        ("clean_scratches", "Repairing scratches and dust"),
        ("face_remaster", "Sharpening faces"),
        ("encode", "Saving the result"),
    ],
)
def test_stages_are_named_in_words(client_user, user, job_for, stage, words) -> None:
    job = job_for(user, run=False)
    ColorizationJob.objects.filter(id=job.id).update(
        state=ColorizationJob.State.PROCESSING, progress=30, stage=stage
    )

    fragment = client_user.get(
        reverse("web:job_detail", args=[job.task_id]), **HTMX
    ).content.decode()

    assert f'<span data-testid="job-stage">{words}</span>' in fragment
    assert f">{stage}<" not in fragment


def test_the_page_tells_the_engines_notes_and_the_addon_refund(
    client_user, user, django_capture_on_commit_callbacks
) -> None:
    smooth = io.BytesIO()
    Image.linear_gradient("L").resize((320, 240)).save(smooth, "JPEG", quality=95)
    job = make_job(
        user,
        smooth.getvalue(),
        capture=django_capture_on_commit_callbacks,
        clean_scratches=True,
    )

    page = client_user.get(reverse("web:job_detail", args=[job.task_id])).content.decode()

    assert 'data-testid="job-notes"' in page
    assert "Scratch repair found no scratches or dust; nothing was changed." in page
    assert "The 1 credit for the scratch repair was refunded" in page
    assert "2 credits (1 refunded)" in page


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
