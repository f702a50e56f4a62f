"""The worker step (run_job) under the ImmediateBackend: results, failures, refunds, the reaper."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from colorizer_site.credits.models import CreditEntry
from colorizer_site.credits.services import balance_of
from colorizer_site.jobs import worker
from colorizer_site.jobs.endings import (
    cancel_job,
    fail_job,
    reap_stuck_jobs,
    refunded_credits,
    wait_for_job,
)
from colorizer_site.jobs.models import ColorizationJob, this_worker
from colorizer_site.jobs.registry import engine_config
from colorizer_site.jobs.worker import run_job

pytestmark = pytest.mark.django_db
State = ColorizationJob.State


def _ledger(job: ColorizationJob) -> list[tuple[str, int]]:
    return sorted(CreditEntry.objects.filter(job=job).values_list("kind", "delta"))


def test_a_submitted_job_is_colorized_and_stored(make_user, submit) -> None:
    owner = make_user(credits=3)
    job = submit(owner, output_format="png")

    assert job.state == State.SUCCEEDED
    assert job.progress == 100
    assert job.stage == "done"
    assert job.processed_at is not None
    assert job.completed_at >= job.processed_at >= job.created_at
    with job.result_file.open("rb") as handle, Image.open(io.BytesIO(handle.read())) as result:
        assert result.format == "PNG"
        assert result.size == (320, 240)
        assert result.mode == "RGB"
    assert job.result_meta["width"] == 320
    assert job.result_meta["format"] == "png"
    assert job.error_message == ""
    assert balance_of(owner) == 2
    assert _ledger(job) == [("charge", -1)]


def test_the_thumbnail_is_a_small_webp(user, submit) -> None:
    job = submit(user)

    with job.thumbnail.open("rb") as handle, Image.open(io.BytesIO(handle.read())) as thumb:
        assert thumb.format == "WEBP"
        assert max(thumb.size) <= 320


@pytest.mark.parametrize(("output_format", "pillow_format"), [("jpeg", "JPEG"), ("webp", "WEBP")])
def test_the_result_has_the_chosen_format(user, submit, output_format, pillow_format) -> None:
    job = submit(user, output_format=output_format)

    with job.result_file.open("rb") as handle, Image.open(io.BytesIO(handle.read())) as result:
        assert result.format == pillow_format


def test_a_damaged_stored_input_fails_as_invalid_image_and_is_refunded(make_user, submit) -> None:
    owner = make_user(credits=3)
    job = submit(owner, run=False)
    # The header passed at submit; the pixels are cut off before the worker reads them.
    storage = job.input_file.storage
    with job.input_file.open("rb") as handle:
        truncated = handle.read()[:400]
    storage.delete(job.input_file.name)
    with storage.open(job.input_file.name, "wb") as handle:
        handle.write(truncated)

    run_job(job.id)
    job.refresh_from_db()

    assert job.state == State.INVALID_IMAGE
    assert job.error_message
    assert "Traceback" not in job.error_message
    assert balance_of(owner) == 3
    assert _ledger(job) == [("charge", -1), ("refund", 1)]
    assert refunded_credits(job) == 1
    assert not job.result_file


def test_an_unexpected_error_fails_the_job_with_a_plain_sentence(make_user, submit) -> None:
    owner = make_user(credits=3)
    job = submit(owner, run=False)
    job.input_file.storage.delete(job.input_file.name)

    run_job(job.id)
    job.refresh_from_db()

    assert job.state == State.FAILED
    assert job.error_message == "The colorization failed because of an error on our side."
    assert balance_of(owner) == 3


def test_running_a_job_twice_changes_nothing_the_second_time(make_user, submit) -> None:
    owner = make_user(credits=3)
    job = submit(owner)
    completed_at = job.completed_at

    run_job(job.id)
    job.refresh_from_db()

    assert job.state == State.SUCCEEDED
    assert job.completed_at == completed_at
    assert _ledger(job) == [("charge", -1)]


def test_a_failure_is_refunded_exactly_once(make_user, submit) -> None:
    owner = make_user(credits=3)
    job = submit(owner, run=False, clean_scratches=True)

    first = fail_job(job, state=State.FAILED, code="x", message="Broken.")
    second = fail_job(job, state=State.FAILED, code="x", message="Broken again.")
    job.refresh_from_db()

    assert (first, second) == (True, False)
    assert job.error_message == "Broken."
    assert balance_of(owner) == 3
    assert _ledger(job) == [("charge", -2), ("refund", 2)]


def _processing_since(job: ColorizationJob, seconds_ago: float) -> None:
    """Claim the job as this process's worker step does, `seconds_ago`."""
    ColorizationJob.objects.filter(id=job.id).update(
        state=State.PROCESSING,
        processed_at=timezone.now() - timedelta(seconds=seconds_ago),
        worker=this_worker(),
    )


@override_settings(COLORIZER_JOB_TIMEOUT_SECONDS=600)
def test_the_reaper_fails_and_refunds_only_jobs_past_the_timeout(make_user, submit) -> None:
    owner = make_user(credits=5)
    stuck = submit(owner, run=False)
    busy = submit(owner, run=False)
    queued = submit(owner, run=False)
    _processing_since(stuck, 601)
    _processing_since(busy, 30)

    assert reap_stuck_jobs() == 1
    assert reap_stuck_jobs() == 0

    stuck.refresh_from_db()
    busy.refresh_from_db()
    queued.refresh_from_db()
    assert stuck.state == State.TIMED_OUT
    assert stuck.error_message == (
        "The colorization did not finish within 10 minutes and was stopped."
    )
    assert busy.state == State.PROCESSING
    assert queued.state == State.QUEUED
    assert _ledger(stuck) == [("charge", -1), ("refund", 1)]
    assert balance_of(owner) == 3


@override_settings(COLORIZER_QUEUE_TIMEOUT_SECONDS=3600)
def test_the_reaper_cancels_a_job_that_no_worker_took_in_time(make_user, submit) -> None:
    owner = make_user(credits=5)
    lost = submit(owner, run=False)
    recent = submit(owner, run=False)
    ColorizationJob.objects.filter(id=lost.id).update(
        created_at=timezone.now() - timedelta(seconds=3601)
    )

    assert reap_stuck_jobs() == 1

    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.state == State.TIMED_OUT
    assert lost.error_message == "No worker took up the colorization in time, so it was cancelled."
    assert recent.state == State.QUEUED
    assert _ledger(lost) == [("charge", -1), ("refund", 1)]
    assert balance_of(owner) == 4


def test_reap_jobs_command_reports_the_count(user, submit, capsys) -> None:
    job = submit(user, run=False)
    _processing_since(job, 3600)

    call_command("reap_jobs")

    assert "Reaped 1 stuck job." in capsys.readouterr().out
    job.refresh_from_db()
    assert job.state == State.TIMED_OUT


def test_a_result_arriving_after_the_timeout_is_dropped(make_user, submit) -> None:
    owner = make_user(credits=3)
    job = submit(owner, run=False)
    _processing_since(job, 3600)
    reap_stuck_jobs()
    from colorizer_site import engine

    with job.input_file.open("rb") as handle:
        data = handle.read()
    config = engine_config()
    result = engine.colorize(data, engine.ColorizeOptions(model="tiny"), config)

    worker._store_result(job, result, engine.make_thumbnail(result.data), this_worker())
    job.refresh_from_db()

    assert job.state == State.TIMED_OUT
    assert not job.result_file
    assert balance_of(owner) == 3
    assert _ledger(job) == [("charge", -1), ("refund", 1)]


def test_progress_writes_are_throttled_and_stop_short_of_100(user, submit) -> None:
    job = submit(user, run=False)
    _processing_since(job, 0)
    report = worker._progress_writer(job.id, this_worker())

    report("colorize", 40)
    report("colorize", 41)  # within the throttle window: not written
    job.refresh_from_db()
    assert (job.stage, job.progress) == ("colorize", 40)

    report("encode", 90)  # a new stage is always written
    job.refresh_from_db()
    assert (job.stage, job.progress) == ("encode", 90)

    report("thumbnail", 30)  # a stage counting from its own zero never moves the bar back
    job.refresh_from_db()
    assert (job.stage, job.progress) == ("thumbnail", 90)

    report("encode", 100)
    job.refresh_from_db()
    assert job.progress == 99  # 100 only once the result is stored


def test_wait_for_job_returns_once_finished_or_at_the_timeout(user, submit) -> None:
    done = submit(user)
    assert wait_for_job(done, timeout=5).state == State.SUCCEEDED

    waiting = submit(user, run=False)
    started = time.monotonic()
    assert wait_for_job(waiting, timeout=0.5).state == State.QUEUED
    assert 0.4 <= time.monotonic() - started < 3


def test_a_cancel_after_the_last_progress_report_drops_the_result_and_refunds(
    make_user, submit
) -> None:
    owner = make_user(credits=3)
    job = submit(owner, run=False)
    _processing_since(job, 0)
    from colorizer_site import engine

    with job.input_file.open("rb") as handle:
        result = engine.colorize(
            handle.read(), engine.ColorizeOptions(model="tiny"), engine_config()
        )
    cancelled = cancel_job(job)  # running: only marked
    assert cancelled.state == State.PROCESSING

    worker._store_result(job, result, engine.make_thumbnail(result.data), this_worker())
    job.refresh_from_db()

    assert job.state == State.CANCELLED
    assert not job.result_file
    assert _ledger(job) == [("charge", -1), ("refund", 1)]


def test_the_progress_report_after_a_cancel_stops_the_engine(user, submit) -> None:
    job = submit(user, run=False)
    _processing_since(job, 0)
    report = worker._progress_writer(job.id, this_worker())
    report("colorize", 10)
    cancel_job(job)

    with pytest.raises(worker._CancelledWhileRunning):
        report("encode", 90)
