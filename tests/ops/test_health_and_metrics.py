"""/healthz and /metrics: who may read them, and what they say about jobs, credits and workers."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from colorizer_site.jobs.models import ColorizationJob, WorkerHeartbeat
from tests.jobs import worker_process

OUTSIDE = "203.0.113.7"


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus text page, or AssertionError."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        metric, _, value = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="([^"]*)"', metric))
        if metric.split("{")[0] == name and found == labels:
            return float(value)
    raise AssertionError(f"no sample {name} {labels} in:\n{text}")


@pytest.mark.django_db
def test_healthz_answers_loopback_with_database_queue_and_worker_ages(client, user, submit) -> None:
    WorkerHeartbeat.objects.create(
        name="box:1", started_at=timezone.now(), last_seen=timezone.now() - timedelta(seconds=2)
    )
    WorkerHeartbeat.objects.create(
        name="box:2", started_at=timezone.now(), last_seen=timezone.now() - timedelta(hours=1)
    )
    queued = submit(user, run=False)
    ColorizationJob.objects.filter(id=queued.id).update(
        created_at=timezone.now() - timedelta(seconds=90)
    )

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["queue"]["depth"] == 1
    assert 89 <= body["queue"]["oldest_queued_seconds"] < 120
    workers = {worker["name"]: worker for worker in body["workers"]["each"]}
    assert workers["box:1"]["alive"] is True
    assert 2 <= workers["box:1"]["seconds_since_heartbeat"] < 10
    assert workers["box:2"]["alive"] is False
    assert body["workers"]["alive"] == 1


@pytest.mark.django_db
def test_healthz_is_503_when_no_worker_has_beaten_lately(client) -> None:
    WorkerHeartbeat.objects.create(
        name="box:9", started_at=timezone.now(), last_seen=timezone.now() - timedelta(minutes=5)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["workers"]["alive"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/metrics"])
def test_other_addresses_are_refused_in_words_without_the_token(client, path: str) -> None:
    response = client.get(path, REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 403
    assert "bearer token" in response.json()["error"]

    with override_settings(COLORIZER_OPS_TOKEN="s3cret-scrape-token"):
        wrong = client.get(path, REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer nope")
        right = client.get(
            path, REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer s3cret-scrape-token"
        )
    assert wrong.status_code == 403
    assert right.status_code in (200, 503)
    assert "error" not in right.content.decode()


@pytest.mark.django_db
def test_an_allowed_network_admits_its_addresses(client) -> None:
    with override_settings(COLORIZER_OPS_ALLOWED_ADDRESSES=["203.0.113.0/24"]):
        inside = client.get("/metrics", REMOTE_ADDR=OUTSIDE)
        loopback = client.get("/metrics")
    assert inside.status_code == 200
    assert loopback.status_code == 403


@pytest.mark.django_db
def test_metrics_count_jobs_durations_credits_and_deliveries(client, make_user, submit) -> None:
    owner = make_user(credits=10)
    submit(owner)  # tiny, no add-ons: succeeds, 1 credit
    submit(owner, clean_scratches=True)  # 2 credits
    broken = submit(owner, run=False)
    from colorizer_site.jobs.endings import cancel_job

    cancel_job(broken)  # refunded

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert _sample(text, "colorizer_jobs", state="succeeded") == 2
    assert _sample(text, "colorizer_jobs", state="cancelled") == 1
    assert _sample(text, "colorizer_jobs", state="queued") == 0
    assert _sample(text, "colorizer_queue_depth") == 0
    name = "colorizer_job_duration_seconds"
    assert _sample(text, f"{name}_count", model="tiny", addons="none") == 1
    assert _sample(text, f"{name}_bucket", model="tiny", addons="none", le="+Inf") == 1
    assert _sample(text, f"{name}_count", model="tiny", addons="clean_scratches") == 1
    assert _sample(text, f"{name}_bucket", model="tiny", addons="none", le="600") == 1
    assert _sample(text, f"{name}_sum", model="tiny", addons="none") > 0
    assert _sample(text, "colorizer_credits_charged_total") == 4
    assert _sample(text, "colorizer_credits_refunded_total") == 1
    assert _sample(text, "colorizer_webhook_deliveries", status="pending") == 0
    # Every family is declared once, with a type Prometheus knows.
    types = re.findall(r"^# TYPE (\S+) (\S+)$", text, flags=re.M)
    assert len(types) == len({name for name, _ in types})
    assert {kind for _, kind in types} <= {"gauge", "counter", "histogram"}


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_beats_and_removes_its_row_when_stopped(client, tmp_path: Path) -> None:
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-warm-up", "--interval", "0.2"],
        cwd=worker_process.REPO,
        env=worker_process.worker_environment(COLORIZER_HEARTBEAT_SECONDS="0.3"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not WorkerHeartbeat.objects.exists():
            assert time.monotonic() < deadline, "the worker never wrote its heartbeat"
            time.sleep(0.1)
        first = WorkerHeartbeat.objects.get().last_seen
        time.sleep(1.0)
        beat = WorkerHeartbeat.objects.get()
        assert beat.last_seen > first, "the heartbeat should be rewritten while the worker runs"
        assert beat.name.endswith(f":{worker.pid}")
        with override_settings(COLORIZER_HEARTBEAT_SECONDS=0.3):
            body = client.get("/healthz").json()
        assert body["workers"]["alive"] == 1
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    assert not WorkerHeartbeat.objects.exists()
