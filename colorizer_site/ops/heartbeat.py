"""The worker's heartbeat: a row per worker process that `run_worker` rewrites on a timer.

Operators (and /healthz) tell a live worker from a dead or wedged one by how long ago
its row was written; rows of workers gone for a day are dropped by the survivors.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from colorizer_site.jobs.models import WorkerHeartbeat, this_worker

# A worker silent this long is gone for good (stopped or its machine replaced).
_FORGET_AFTER = timedelta(days=1)
_started_at = timezone.now()


def beat() -> None:
    """Record that this worker process is alive now."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        name=this_worker(),
        defaults={"last_seen": now},
        create_defaults={"started_at": _started_at, "last_seen": now},
    )
    WorkerHeartbeat.objects.filter(last_seen__lt=now - _FORGET_AFTER).delete()


def forget_this_worker() -> None:
    """A worker stopping cleanly removes its row, so it does not read as dead."""
    WorkerHeartbeat.objects.filter(name=this_worker()).delete()
