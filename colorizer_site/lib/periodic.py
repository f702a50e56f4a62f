"""Duties the job worker runs on a timer beside the jobs, registered by the apps.

The worker's command does not import the apps that need its time
(docs/architecture.md, "The apps"), so each of them (webhooks' outbox sender,
privacy's export expiry, ops' heartbeat) registers a duty here from its
AppConfig.ready, and `manage.py run_worker` runs each one in a thread of its own.
It imports no app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Duty:
    name: str
    # Seconds between runs, read each time (settings can change in tests).
    every: Callable[[], float]
    run: Callable[[], object]


_duties: dict[str, Duty] = {}


def register(name: str, *, every: Callable[[], float], run: Callable[[], object]) -> None:
    _duties[name] = Duty(name, every, run)


def registered() -> list[Duty]:
    return list(_duties.values())
