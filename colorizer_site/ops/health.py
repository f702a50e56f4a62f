"""What /healthz reports: the database answers, the queue, and each worker's heartbeat."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from colorizer_site.jobs.models import ColorizationJob, WorkerHeartbeat

# A worker is counted alive while its last heartbeat is younger than this many periods.
_MISSED_BEATS = 3


def health() -> tuple[bool, dict[str, Any]]:
    """(healthy, report). Healthy: the database answers and at least one worker beats."""
    now = timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        queued = ColorizationJob.objects.filter(state=ColorizationJob.State.QUEUED)
        depth = queued.count()
        oldest = queued.order_by("created_at").values_list("created_at", flat=True).first()
        processing = ColorizationJob.objects.filter(state=ColorizationJob.State.PROCESSING).count()
        beats = list(WorkerHeartbeat.objects.values_list("name", "last_seen"))
    except DatabaseError as error:
        return False, {"status": "error", "database": {"ok": False, "error": str(error)[:200]}}
    limit = settings.COLORIZER_HEARTBEAT_SECONDS * _MISSED_BEATS
    workers = [
        {
            "name": name,
            "seconds_since_heartbeat": round((now - seen).total_seconds(), 1),
            "alive": (now - seen).total_seconds() <= limit,
        }
        for name, seen in beats
    ]
    alive = sum(worker["alive"] for worker in workers)
    healthy = alive > 0
    return healthy, {
        "status": "ok" if healthy else "degraded",
        "database": {"ok": True},
        "queue": {
            "depth": depth,
            "processing": processing,
            "oldest_queued_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0,
        },
        "workers": {"alive": alive, "each": workers},
    }
