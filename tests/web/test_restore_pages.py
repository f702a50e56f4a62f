"""Restore mode on the pages: the choice on the form, the photo-kind check, the job page."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs import sharing
from colorizer_site.jobs.models import ColorizationJob
from tests.engine.test_restore import as_uint8, jpeg, sample
from tests.web.jobs_helpers import make_job
from training import fading

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def faded_print() -> bytes:
    clean = sample("coffee", 160)
    return jpeg(as_uint8(fading.fade(clean / 255.0, "cyan_loss", np.random.default_rng(6))))


def _upload(content: bytes, name: str = "print.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_the_form_offers_both_modes_with_a_sentence_each(client_user) -> None:
    html = client_user.get(reverse("web:home")).content.decode()

    assert 'name="mode" value="colorize"' in html and 'name="mode" value="restore"' in html
    assert "For faded colour prints" in html and "For black-and-white photos" in html
    assert reverse("web:photo_kind") in html


def test_the_photo_kind_check_answers_with_the_fitting_mode(client_user, faded_print) -> None:
    faded = client_user.post(reverse("web:photo_kind"), {"image": _upload(faded_print)}).json()
    gray = jpeg(np.repeat(sample("astronaut", 128).mean(axis=2, keepdims=True), 3, 2).astype("u1"))
    bw = client_user.post(reverse("web:photo_kind"), {"image": _upload(gray)}).json()

    assert faded["kind"] == "faded" and faded["suggested_mode"] == "restore"
    assert faded["advice"] == "This photo already has colour: restoring its colours keeps them."
    assert bw["kind"] == "bw" and bw["suggested_mode"] == "colorize"


def test_the_photo_kind_check_refuses_what_is_not_a_photo(client_user) -> None:
    response = client_user.post(reverse("web:photo_kind"), {"image": _upload(b"%PDF-1.4")})
    assert response.status_code == 400 and "error" in response.json()
    assert client_user.post(reverse("web:photo_kind")).status_code == 400


def test_the_photo_kind_check_needs_a_signed_in_user(client, faded_print) -> None:
    response = client.post(reverse("web:photo_kind"), {"image": _upload(faded_print)})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_restore_chosen_on_the_form_makes_a_restore_job_at_the_same_price(
    client_user, user, faded_print, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_user.post(
            reverse("web:colorize"),
            {
                "image": _upload(faded_print),
                "mode": "restore",
                "model": "tiny",
                "output_format": "jpeg",
            },
        )

    job = ColorizationJob.objects.get(owner=user)
    assert response.status_code == 302
    assert job.options["mode"] == "restore" and job.cost == 1 and balance_of(user) == 2
    page = client_user.get(reverse("web:job_detail", args=[job.task_id])).content.decode()
    assert 'data-testid="job-mode">Restore colours<' in page
    assert 'data-testid="job-photo-kind">faded colour<' in page
    assert "Adjust colours" not in page  # no pins in restore mode


def test_an_unknown_mode_on_the_form_is_refused_without_charge(client_user, user, faded_print):
    response = client_user.post(
        reverse("web:colorize"),
        {
            "image": _upload(faded_print),
            "mode": "repaint",
            "model": "tiny",
            "output_format": "jpeg",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["mode"]
    assert balance_of(user) == 3 and not ColorizationJob.objects.exists()


def test_a_colour_photo_colorized_says_restore_would_keep_its_colours(
    client_user, user, django_capture_on_commit_callbacks
) -> None:
    job = make_job(user, jpeg(sample("chelsea", 128)), capture=django_capture_on_commit_callbacks)

    page = client_user.get(reverse("web:job_detail", args=[job.task_id])).content.decode()
    assert job.result_meta["photo_kind"] == "colour"
    assert "run it again with Restore colours" in page


def test_shared_page_and_gallery_say_restored(
    client_user, client, user, faded_print, django_capture_on_commit_callbacks
) -> None:
    job = make_job(user, faded_print, capture=django_capture_on_commit_callbacks, mode="restore")
    _, token = sharing.create_share(owner=user, job=job)
    shared = client.get(reverse("web:shared", args=[token])).content.decode()
    assert "A restored photo" in shared
    before = client.get(reverse("web:shared_image", args=[token, job.task_id, "before"]))
    after = client.get(reverse("web:shared_image", args=[token, job.task_id, "after"]))
    assert before.status_code == 200 and after.status_code == 200
    assert (
        'data-testid="gallery-restored"' in client_user.get(reverse("web:gallery")).content.decode()
    )
