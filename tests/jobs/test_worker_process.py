"""The real worker process: `manage.py run_worker` (db_worker plus the reaper) against the
test database, killed with SIGKILL mid-job and started again.

The job must end finished, or failed and refunded, never lost in "processing"
and never charged twice.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from colorizer_site.credits.models import CreditEntry
from colorizer_site.credits.services import balance_of
from colorizer_site.jobs import services
from colorizer_site.jobs.endings import refunded_credits
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import JobOptions
from tests.jobs import worker_process
from tests.jobs.worker_process import DATABASE_BACKEND

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
State = ColorizationJob.State


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    started: list[subprocess.Popen] = []

    def start(**extra_env: str) -> subprocess.Popen:
        process = worker_process.start_worker(tmp_path / f"worker-{len(started)}.log", **extra_env)
        started.append(process)
        return process

    yield start
    for process in started:
        worker_process.stop(process)


def _wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def _state(job: ColorizationJob) -> int:
    job.refresh_from_db()
    return job.state


def _ledger(job: ColorizationJob) -> list[tuple[str, int]]:
    return sorted(CreditEntry.objects.filter(job=job).values_list("kind", "delta"))


def _submit_slow_job(owner, make_photo) -> ColorizationJob:
    """A big photo with scratch repair (2 credits): seconds of work, long enough to kill
    its worker midway."""
    with override_settings(TASKS=DATABASE_BACKEND):
        return services.submit_job(
            owner=owner,
            image=make_photo(4096, 4096),
            filename="big.jpg",
            options=JobOptions(model="large", clean_scratches=True),
        )


def _kill_mid_job(worker: subprocess.Popen, job: ColorizationJob) -> None:
    _wait_until(lambda: _state(job) == State.PROCESSING, 120, "the worker to take the job")
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    assert _state(job) == State.PROCESSING, "the kill should land mid-job"


def test_a_worker_killed_mid_job_leaves_it_refunded_once_and_the_next_worker_goes_on(
    make_user, make_photo, start_worker
) -> None:
    owner = make_user(credits=10)
    slow = _submit_slow_job(owner, make_photo)
    assert balance_of(owner) == 8

    _kill_mid_job(start_worker(), slow)

    assert slow.progress < 100
    assert _ledger(slow) == [("charge", -2)]

    # Its replacement, configured with a short timeout, reaps the orphan as it starts.
    time.sleep(1.5)
    second = start_worker(COLORIZER_JOB_TIMEOUT_SECONDS="1")
    _wait_until(lambda: _state(slow) < 0, 120, "the reaper to fail the orphaned job")

    assert slow.state == State.TIMED_OUT
    assert "did not finish" in slow.error_message
    assert _ledger(slow) == [("charge", -2), ("refund", 2)]
    assert balance_of(owner) == 10

    # The new worker is alive and takes new work.
    with override_settings(TASKS=DATABASE_BACKEND):
        quick = services.submit_job(
            owner=owner,
            image=make_photo(320, 240),
            filename="small.jpg",
            options=JobOptions(model="tiny"),
        )
    _wait_until(
        lambda: _state(quick) != State.QUEUED and quick.is_finished,
        120,
        "the new worker to finish a job",
    )
    assert quick.state == State.SUCCEEDED
    assert quick.result_file.storage.exists(quick.result_file.name)

    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=30) == 0
    # Nothing changed after the restart: one charge and one refund for the killed job.
    assert _ledger(slow) == [("charge", -2), ("refund", 2)]
    assert balance_of(owner) == 9


def test_a_killed_workers_job_goes_back_to_the_queue_and_the_next_worker_finishes_it(
    make_user, make_photo, start_worker
) -> None:
    owner = make_user(credits=10)
    slow = _submit_slow_job(owner, make_photo)
    # A three-second heartbeat: the job is given up on after nine silent seconds (shorter
    # ones read a busy test machine's late beats as a second loss).
    beat = {"COLORIZER_HEARTBEAT_SECONDS": "3"}
    _kill_mid_job(start_worker(**beat), slow)
    killed_at = time.monotonic()

    start_worker(**beat)
    _wait_until(lambda: _state(slow) != State.PROCESSING or slow.requeues, 60, "the requeue")
    requeued_after = time.monotonic() - killed_at
    _wait_until(lambda: _state(slow) == State.SUCCEEDED or slow.is_finished, 240, "the rerun")
    print(
        f"kill to requeue {requeued_after:.1f} s, to success {time.monotonic() - killed_at:.1f} s"
    )

    assert slow.state == State.SUCCEEDED, slow.error_message
    assert slow.requeues == 1
    # Charged once; no refund of the job (scratch repair finding nothing may give its
    # add-on's credit back, as on any run).
    charges = [entry for entry in _ledger(slow) if entry[0] == "charge"]
    assert charges == [("charge", -2)]
    assert refunded_credits(slow) == 0
    assert balance_of(owner) == 10 - 2 + sum(d for kind, d in _ledger(slow) if kind == "refund")
    results = list(Path(settings.MEDIA_ROOT).glob(f"results/*/*/*/{slow.task_id}*"))
    assert [path.name for path in results] == [Path(slow.result_file.name).name]
    runs = DBTaskResult.objects.filter(args_kwargs__args=[slow.id])
    assert sorted(runs.values_list("status", flat=True)) == ["FAILED", "SUCCESSFUL"]


def test_a_job_finishes_normally_in_the_real_worker_and_reports_progress(
    make_user, make_photo, start_worker
) -> None:
    owner = make_user(credits=3)
    with override_settings(TASKS=DATABASE_BACKEND):
        job = services.submit_job(
            owner=owner,
            image=make_photo(2048, 2048),
            filename="mid.png",
            options=JobOptions(model="large", output_format="png"),
        )
    start_worker()
    seen: set[int] = set()

    def finished() -> bool:
        job.refresh_from_db()
        seen.add(job.progress)
        return job.is_finished

    _wait_until(finished, 180, "the job to finish")

    assert job.state == State.SUCCEEDED
    assert job.progress == 100
    assert any(0 < percent < 100 for percent in seen), seen
    assert job.thumbnail.storage.exists(job.thumbnail.name)
    assert _ledger(job) == [("charge", -1)]
