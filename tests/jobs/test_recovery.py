"""jobs.recovery in one process: a job whose worker fell silent goes back to the queue once
and runs to the end; a second loss fails it with a refund; the lost run's queue row closes.

The real workers killed with SIGKILL are in test_worker_process.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from colorizer_site.credits.models import CreditEntry
from colorizer_site.credits.services import balance_of
from colorizer_site.jobs import recovery
from colorizer_site.jobs.models import ColorizationJob, WorkerHeartbeat, this_worker
from colorizer_site.jobs.tasks import colorize_job

pytestmark = pytest.mark.django_db
State = ColorizationJob.State
GONE = "gone-host:4242"


def _cut_off(job: ColorizationJob, *, worker: str = GONE, requeues: int = 0) -> None:
    """Put the job where a killed worker leaves it: processing, claimed a minute ago by a
    worker whose last heartbeat is as old, and its queue row RUNNING."""
    long_ago = timezone.now() - timedelta(minutes=1)
    ColorizationJob.objects.filter(id=job.id).update(
        state=State.PROCESSING,
        worker=worker,
        requeues=requeues,
        processed_at=long_ago,
        progress=40,
        stage="colorizing",
    )
    WorkerHeartbeat.objects.update_or_create(
        name=worker, defaults={"started_at": long_ago, "last_seen": long_ago}
    )
    DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [job.id], "kwargs": {}},
        task_path=colorize_job.module_path,
        backend_name="default",
        queue_name="default",
        run_after=long_ago,
        started_at=long_ago,
        exception_class_path="",
        traceback="",
    )


def _ledger(job: ColorizationJob) -> list[tuple[str, int]]:
    return sorted(CreditEntry.objects.filter(job=job).values_list("kind", "delta"))


def test_a_silent_workers_job_is_queued_again_and_finished_once(
    make_user: Any, submit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = make_user(credits=3)
    job = submit(owner, run=False)
    _cut_off(job)

    with django_capture_on_commit_callbacks(execute=True):
        assert recovery.recover_lost_jobs() == (1, 0)
    job.refresh_from_db()

    assert job.state == State.SUCCEEDED
    assert job.requeues == 1
    assert job.worker == this_worker()
    assert _ledger(job) == [("charge", -1)]
    assert balance_of(owner) == 2
    lost_run = DBTaskResult.objects.get(args_kwargs__args=[job.id])
    assert lost_run.status == TaskResultStatus.FAILED
    assert "went silent" in lost_run.traceback


def test_a_worker_still_beating_keeps_its_job(make_user: Any, submit: Any) -> None:
    job = submit(make_user(credits=3), run=False)
    _cut_off(job)
    WorkerHeartbeat.objects.filter(name=GONE).update(last_seen=timezone.now())

    assert recovery.recover_lost_jobs() == (0, 0)
    job.refresh_from_db()
    assert (job.state, job.requeues) == (State.PROCESSING, 0)


def test_a_second_loss_fails_the_job_with_a_refund_and_a_sentence(
    make_user: Any, submit: Any
) -> None:
    owner = make_user(credits=3)
    job = submit(owner, run=False)
    _cut_off(job, requeues=1)

    assert recovery.recover_lost_jobs() == (0, 1)
    job.refresh_from_db()

    assert job.state == State.FAILED
    assert job.error_code == "worker_lost"
    assert job.error_message == recovery.LOST_TWICE_MESSAGE
    assert _ledger(job) == [("charge", -1), ("refund", 1)]
    assert balance_of(owner) == 3
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()


def test_the_lost_worker_cannot_finish_or_fail_a_job_another_worker_holds(
    make_user: Any, submit: Any
) -> None:
    from colorizer_site.jobs.endings import fail_job

    job = submit(make_user(credits=3), run=False)
    ColorizationJob.objects.filter(id=job.id).update(state=State.PROCESSING, worker="new:1")

    assert not fail_job(job, state=State.FAILED, code="failed", message="x", worker=GONE)
    job.refresh_from_db()
    assert job.state == State.PROCESSING
