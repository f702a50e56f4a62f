"""submit_job: cost rules, the charge, and every check that runs before it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from colorizer_site.credits.models import CreditEntry
from colorizer_site.credits.services import InsufficientCredits, balance_of
from colorizer_site.engine.errors import ImageTooLarge, InvalidImage, ModelNotInstalled
from colorizer_site.jobs import services
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import InvalidJobOptions, JobOptions, job_cost

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("clean_scratches", "face_remaster", "cost"),
    [(False, False, 1), (True, False, 2), (False, True, 3), (True, True, 4)],
)
def test_job_cost_adds_the_extras(clean_scratches: bool, face_remaster: bool, cost: int) -> None:
    options = JobOptions(clean_scratches=clean_scratches, face_remaster=face_remaster)
    assert job_cost(options) == cost


def test_job_cost_does_not_depend_on_model_or_format() -> None:
    assert job_cost(JobOptions(model="tiny", output_format="png")) == 1
    assert job_cost(JobOptions(model="large", output_format="webp")) == 1


def test_submit_charges_the_cost_with_the_job_attached(make_user, submit) -> None:
    owner = make_user(credits=5)
    job = submit(owner, run=False, clean_scratches=True)

    assert job.state == ColorizationJob.State.QUEUED
    assert job.cost == 2
    assert balance_of(owner) == 3
    charge = CreditEntry.objects.get(job=job)
    assert charge.kind == CreditEntry.Kind.CHARGE
    assert charge.delta == -2
    assert charge.balance_after == 3


def test_submit_attaches_the_api_key_to_job_and_charge(user, api_key, submit) -> None:
    key, _ = api_key
    job = submit(user, run=False, source="api", api_key=key)

    assert job.api_key == key
    assert job.source == "api"
    assert CreditEntry.objects.get(job=job).api_key == key


def test_submit_stores_the_input_under_the_task_id(user, submit, gray_photo_jpeg) -> None:
    job = submit(user, run=False)

    assert job.input_file.name.endswith(f"{job.task_id}.jpg")
    with job.input_file.open("rb") as handle:
        assert handle.read() == gray_photo_jpeg
    assert job.input_meta["name"] == "photo.jpg"
    assert (job.input_meta["width"], job.input_meta["height"]) == (320, 240)
    assert job.input_meta["format"] == "JPEG"


def test_submit_keeps_the_options(user, submit) -> None:
    job = submit(user, run=False, model="large", output_format="jpg", face_remaster=False)

    assert job.options == {
        "model": "large",
        "clean_scratches": False,
        "face_remaster": False,
        "output_format": "jpeg",
    }


def test_task_ids_are_32_hex_and_distinct(user, submit) -> None:
    first = submit(user, run=False)
    second = submit(user, run=False)

    assert len(first.task_id) == 32
    int(first.task_id, 16)
    assert first.task_id != second.task_id


def test_submit_enqueues_only_after_commit(user, submit) -> None:
    job = submit(user, run=False)
    assert job.state == ColorizationJob.State.QUEUED
    assert job.progress == 0


def _stored_inputs() -> set[Path]:
    return set((Path(settings.MEDIA_ROOT) / "inputs").rglob("*.*"))


@pytest.fixture
def nothing_happened():
    """Call with (owner, balance) after a refused submit: no job, no charge, no file."""
    before = _stored_inputs()

    def check(owner, balance: int) -> None:
        assert balance_of(owner) == balance
        assert not ColorizationJob.objects.filter(owner=owner).exists()
        assert not CreditEntry.objects.filter(user=owner, kind="charge").exists()
        assert _stored_inputs() == before

    return check


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (JobOptions(model="huge"), 'Unknown model "huge"'),
        (JobOptions(output_format="gif"), 'Unknown output format "gif"'),
        (JobOptions(clean_scratches="yes"), "clean_scratches must be true or false"),
    ],
)
def test_invalid_options_are_refused_before_charging(
    make_user, gray_photo_jpeg, options, message, nothing_happened
) -> None:
    owner = make_user(credits=5)
    with pytest.raises(InvalidJobOptions, match=message):
        services.submit_job(owner=owner, image=gray_photo_jpeg, options=options)
    nothing_happened(owner, 5)


def test_garbage_is_refused_before_charging(make_user, nothing_happened) -> None:
    owner = make_user(credits=5)
    with pytest.raises(InvalidImage) as caught:
        services.submit_job(owner=owner, image=b"this is not a photo", options=JobOptions())
    assert str(caught.value)
    nothing_happened(owner, 5)


def test_empty_file_is_refused_before_charging(make_user, nothing_happened) -> None:
    owner = make_user(credits=5)
    with pytest.raises(InvalidImage):
        services.submit_job(owner=owner, image=b"", options=JobOptions())
    nothing_happened(owner, 5)


@override_settings(COLORIZER_MAX_IMAGE_SIDE=200, COLORIZER_MAX_IMAGE_PIXELS=200 * 200)
def test_too_large_image_is_refused_before_charging(
    make_user, make_photo, nothing_happened
) -> None:
    owner = make_user(credits=5)
    with pytest.raises(ImageTooLarge):
        services.submit_job(owner=owner, image=make_photo(400, 300), options=JobOptions())
    nothing_happened(owner, 5)


@override_settings(COLORIZER_MODEL_CHOICES={"tiny": "own-tiny", "large": "no-such-model"})
def test_missing_model_is_refused_before_charging(
    make_user, gray_photo_jpeg, nothing_happened
) -> None:
    owner = make_user(credits=5)
    with pytest.raises(ModelNotInstalled, match="not installed"):
        services.submit_job(owner=owner, image=gray_photo_jpeg, options=JobOptions(model="large"))
    nothing_happened(owner, 5)


def test_short_balance_is_refused_and_nothing_is_stored(
    make_user, gray_photo_jpeg, nothing_happened
) -> None:
    owner = make_user(credits=2)
    with pytest.raises(InsufficientCredits) as caught:
        services.submit_job(
            owner=owner, image=gray_photo_jpeg, options=JobOptions(face_remaster=True)
        )
    assert "needs 3 credits" in str(caught.value)
    nothing_happened(owner, 2)
