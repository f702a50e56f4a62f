"""Duties the job worker runs on a timer beside the jobs, registered by other apps.

`jobs` does not import the apps that build on it (docs/architecture.md, "The apps"), so an
app that needs the worker's time (webhooks' outbox sender) registers a duty
here from its AppConfig.ready, and `manage.py run_worker` runs each one in a
thread of its own.
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
