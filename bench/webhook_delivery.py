"""Webhook deliveries per second with one sender, and what the outbox adds to a job's end.

    .venv/bin/python bench/webhook_delivery.py [--deliveries 300] [--jobs 100]

A throw-away PostgreSQL database (127.0.0.1:5432) and a receiver on loopback
that answers 204 at once, so the figures are the sender's own cost: claiming
due rows with SKIP LOCKED, signing (Standard Webhooks), one POST through the
SSRF-checked client (a fresh connection per delivery, as to any user's URL),
and recording the outcome. `send_due` is what `run_worker` runs every second.

The cost per job is the time to write a job's final state (`fail_job`: the
state UPDATE, its refund and the `job_finished` receivers) with one webhook
endpoint subscribed, against the same without any endpoint.
"""

from __future__ import annotations

import argparse
import http.server
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from api_throughput import database_url, drop_database, photo  # noqa: E402


def receiver() -> str:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/hook"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=100)
    options = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="webhook-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="colorizer_site.settings",
        COLORIZER_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url("postgresql", var_dir),
        COLORIZER_URL_FETCH_ALLOW_LOOPBACK="1",
        COLORIZER_TASK_BACKEND="django_tasks.backends.dummy.DummyBackend",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        deliveries_per_second = measure_delivery(options.deliveries)
        with_endpoint, without = measure_job_end(options.jobs)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database("postgresql")
    print(
        f"deliveries: {deliveries_per_second:.0f} per second, one sender, "
        f"{options.deliveries} test events to a loopback receiver"
    )
    print(
        f"job end (fail_job + refund + receivers): {without * 1000:.2f} ms without an "
        f"endpoint, {with_endpoint * 1000:.2f} ms with one "
        f"(+{(with_endpoint - without) * 1000:.2f} ms, {with_endpoint / without:.2f}x); "
        f"median of {options.jobs} jobs each"
    )


def measure_delivery(count: int) -> float:
    from colorizer_site.accounts.models import User
    from colorizer_site.webhooks import services
    from colorizer_site.webhooks.delivery import send_due
    from colorizer_site.webhooks.models import WebhookDelivery

    owner = User.objects.create_user(email="hooks@example.com", password="bench-pw-1")
    endpoint = services.create_endpoint(owner=owner, url=receiver(), events=["task.succeeded"])
    for _ in range(count):
        services.send_test_event(endpoint)
    started = time.perf_counter()
    while send_due(limit=50):
        pass
    elapsed = time.perf_counter() - started
    delivered = WebhookDelivery.objects.filter(status="succeeded").count()
    assert delivered == count, f"only {delivered} of {count} delivered"
    return count / elapsed


def measure_job_end(count: int) -> tuple[float, float]:
    from colorizer_site.accounts.models import User
    from colorizer_site.credits.services import grant
    from colorizer_site.jobs import services as jobs
    from colorizer_site.jobs.endings import fail_job
    from colorizer_site.jobs.options import JobOptions
    from colorizer_site.webhooks import services

    image = photo()
    timings: dict[bool, list[float]] = {True: [], False: []}
    for subscribed in (False, True):
        owner = User.objects.create_user(email=f"jobs-{subscribed}@example.com", password="x-pw-1")
        grant(user=owner, amount=count * 2, memo="bench")
        if subscribed:
            services.create_endpoint(owner=owner, url=receiver(), events=["task.failed"])
        for _ in range(count):
            job = jobs.submit_job(owner=owner, image=image, options=JobOptions("tiny"))
            started = time.perf_counter()
            fail_job(job, state=-1, code="bench", message="Benchmark.")
            timings[subscribed].append(time.perf_counter() - started)
    return statistics.median(timings[True]), statistics.median(timings[False])


if __name__ == "__main__":
    main()
