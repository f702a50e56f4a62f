"""Soak: mixed traffic against the production-shaped stack, then the invariants.

    .venv/bin/python bench/soak.py [--seconds 600] [--users 6] [--use-running] [--keep]

Brings up `deploy/local_stack.py` (gunicorn, 2 workers, PostgreSQL, S3 via moto) unless
--use-running, runs `--users` virtual users (bench/traffic.py: sign-ups, uploads through
the pages with htmx polling, both API dialects with polling, gallery, downloads through
the pages and signed URLs, deletes) for `--seconds`, waits for the queue to drain, and
checks the invariants (`manage.py check_invariants`: every job ended, none both refunded
and delivered, each wallet equal to its ledger, charges = kept + refunded, no orphan or
missing files) against the stack's database and bucket.

Prints requests per second and p50/p95/p99 per route, the errors (5xx or no answer),
what users read when refused, and the jobs' outcomes. Exits 1 when an invariant
breaks, 2 when there were server errors (unless --allow-errors), else 0.

New accounts get plenty of credits and the per-key rate limit is raised
(COLORIZER_SIGNUP_CREDITS, COLORIZER_RATE_LIMIT_*; set them to test those instead):
the soak measures the service, not the price list. The machine's cores are shared
with the driver (and anything else running), so absolute figures are a floor.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from traffic import Load, Mix

from deploy import local_stack

SOAK_DEFAULTS = {
    "COLORIZER_SIGNUP_CREDITS": "100000",
    "COLORIZER_RATE_LIMIT_PER_SECOND": "50",
    "COLORIZER_RATE_LIMIT_BURST": "100",
}


def wait_for_drain(config: local_stack.Config, timeout: float) -> dict:
    """Wait until no job is queued or processing; the last /healthz report."""
    deadline = time.monotonic() + timeout
    report: dict = {}
    while time.monotonic() < deadline:
        try:
            report = local_stack.health(config)
            queue = report.get("queue", {})
            if queue.get("depth") == 0 and queue.get("processing") == 0:
                return report
        except OSError as error:
            report = {"error": str(error)}
        time.sleep(1.0)
    return report


def check_invariants(config: local_stack.Config) -> tuple[bool, str]:
    env = local_stack.environment(config)
    try:
        return True, local_stack.manage(env, "check_invariants").strip()
    except RuntimeError as error:
        return False, str(error).strip()


def run_load(config: local_stack.Config, *, seconds: float, users: int, mix: Mix) -> Load:
    load = Load(config.site_url, users=users, mix=mix).start()
    deadline = time.monotonic() + seconds
    next_report = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
        if time.monotonic() >= next_report:
            next_report += 60
            queue = local_stack.health(config).get("queue", {})
            elapsed = time.monotonic() - load.stats.started
            print(
                f"  {elapsed:5.0f} s: {load.stats.total()} requests, "
                f"{load.stats.errors()} errors, queue {queue.get('depth')}",
                flush=True,
            )
    load.stop()
    return load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--users", type=int, default=6)
    parser.add_argument("--drain-timeout", type=float, default=300)
    parser.add_argument("--use-running", action="store_true", help="Soak the stack already up.")
    parser.add_argument("--keep", action="store_true", help="Leave the stack running afterwards.")
    parser.add_argument("--allow-errors", action="store_true")
    args = parser.parse_args()

    for name, value in SOAK_DEFAULTS.items():
        os.environ.setdefault(name, value)
    config = local_stack.Config()
    if not args.use_running:
        started = time.monotonic()
        local_stack.up(config)
        print(f"stack up in {time.monotonic() - started:.0f} s at {config.site_url}", flush=True)
    try:
        print(f"soaking with {args.users} users for {args.seconds:.0f} s", flush=True)
        load = run_load(config, seconds=args.seconds, users=args.users, mix=Mix())
        drained_at = time.monotonic()
        final = wait_for_drain(config, args.drain_timeout)
        print(f"queue drained in {time.monotonic() - drained_at:.0f} s: {final.get('queue')}")
        ok, summary = check_invariants(config)
    finally:
        if not args.keep and not args.use_running:
            local_stack.down()

    print()
    print(load.stats.table())
    print()
    print(load.stats.seen_table())
    print()
    print("Invariants:")
    print(summary)
    if not ok:
        return 1
    if load.stats.errors() and not args.allow_errors:
        print(f"{load.stats.errors()} server errors or unanswered requests")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
