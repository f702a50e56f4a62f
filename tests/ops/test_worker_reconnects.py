"""A real worker whose database sessions are all terminated (what a PostgreSQL restart does to
its clients) stays up, reconnects and takes the next job, without a supervisor."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from colorizer_site.jobs import services
from colorizer_site.jobs.models import ColorizationJob, WorkerHeartbeat
from colorizer_site.jobs.options import JobOptions
from tests.jobs import worker_process

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def test_a_worker_survives_its_database_sessions_being_killed(
    tmp_path: Path, make_user, make_photo
) -> None:
    log_path = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-warm-up", "--interval", "0.2"],
        cwd=worker_process.REPO,
        # Connections kept between queries, as in production, so there is one to cut.
        env=worker_process.worker_environment(
            COLORIZER_HEARTBEAT_SECONDS="0.3", DATABASE_CONN_MAX_AGE="60"
        ),
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait(WorkerHeartbeat.objects.exists, 60, "the worker's first heartbeat")
        terminated = 0
        deadline = time.monotonic() + 20
        while not terminated and time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                terminated = cursor.fetchone()[0]
            time.sleep(0.1)
        assert terminated >= 1, "the worker should hold a database session to cut"
        time.sleep(3)
        assert worker.poll() is None, log_path.read_text()

        owner = make_user(credits=2)
        with override_settings(TASKS=worker_process.DATABASE_BACKEND):
            job = services.submit_job(
                owner=owner,
                image=make_photo(96, 96),
                filename="after.jpg",
                options=JobOptions(model="tiny"),
            )
        _wait(
            lambda: ColorizationJob.objects.get(id=job.id).state == ColorizationJob.State.SUCCEEDED,
            60,
            "the job taken after the reconnect",
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
