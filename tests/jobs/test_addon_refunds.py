"""A paid add-on that found nothing to do is refunded by the worker step, once, with a reason."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from colorizer_site.credits.models import CreditEntry
from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.addon_refunds import job_notes, refund_unchanged_addons
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.task_data import task_data
from colorizer_site.jobs.worker import run_job

pytestmark = pytest.mark.django_db


def smooth_photo() -> bytes:
    """A clean, faceless print: a plain gradient, nothing to repair and no face."""
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize((320, 240)).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def refunds(job: ColorizationJob) -> list[tuple[int, str]]:
    return list(
        CreditEntry.objects.filter(job=job, kind=CreditEntry.Kind.REFUND).values_list(
            "delta", "memo"
        )
    )


def test_scratch_repair_that_found_nothing_is_refunded_with_the_reason(make_user, submit) -> None:
    owner = make_user(credits=5)
    job = submit(owner, image=smooth_photo(), clean_scratches=True)

    assert job.state == ColorizationJob.State.SUCCEEDED
    assert job.result_meta["unchanged_addons"] == ["clean_scratches"]
    assert refunds(job) == [(1, "Refund: scratch repair found nothing to repair on photo.jpg")]
    # Charged 2 (colorize + scratch repair), given 1 back.
    assert balance_of(owner) == 4
    assert "The 1 credit for the scratch repair was refunded, as it found nothing to repair." in (
        job_notes(job)
    )


def test_clarity_boost_without_a_face_is_refunded(make_user, submit) -> None:
    owner = make_user(credits=5)
    job = submit(owner, image=smooth_photo(), face_remaster=True)

    assert job.state == ColorizationJob.State.SUCCEEDED
    assert refunds(job) == [(2, "Refund: clarity boost found no face to sharpen on photo.jpg")]
    assert balance_of(owner) == 5 - 3 + 2
    notes = job_notes(job)
    assert "Clarity boost: no faces found, the image is unchanged." in notes
    assert any("2 credits for the clarity boost were refunded" in note for note in notes)


def test_the_refund_is_given_once_even_if_the_step_runs_again(make_user, submit) -> None:
    owner = make_user(credits=5)
    job = submit(owner, image=smooth_photo(), clean_scratches=True)

    refund_unchanged_addons(job, ["clean_scratches"])
    refund_unchanged_addons(job, ["clean_scratches"])

    assert len(refunds(job)) == 1
    assert balance_of(owner) == 4


def test_an_addon_that_was_not_paid_for_is_not_refunded(make_user, submit) -> None:
    owner = make_user(credits=5)
    job = submit(owner, image=smooth_photo())

    assert refund_unchanged_addons(job, ["clean_scratches", "face_remaster"]) == 0
    assert refunds(job) == []
    assert balance_of(owner) == 4


def test_task_data_carries_the_same_notes(make_user, submit) -> None:
    owner = make_user(credits=5)
    job = submit(owner, image=smooth_photo(), clean_scratches=True)

    data = task_data(job, base_url="http://testserver")

    assert data["notes"] == job_notes(job)
    assert any("refunded" in note for note in data["notes"])


def test_a_failed_job_gets_the_whole_refund_and_no_addon_refund(make_user, submit) -> None:
    owner = make_user(credits=5)
    job = submit(owner, image=smooth_photo(), clean_scratches=True, run=False)
    job.input_file.storage.delete(job.input_file.name)

    run_job(job.id)
    job.refresh_from_db()

    assert job.failed
    assert [delta for delta, _ in refunds(job)] == [2]
    assert balance_of(owner) == 5
    assert job_notes(job) == []
