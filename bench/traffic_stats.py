"""Latencies and outcomes of the virtual users (bench/traffic.py), per route: the soak's
and fault runs' tables of requests per second, p50/p95/p99 and what users read."""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field


@dataclass
class Stats:
    """Latencies and outcomes per route; thread-safe."""

    started: float = field(default_factory=time.monotonic)
    # When the load was told to stop: rates are over the load, not its wind-down.
    stopped: float | None = None
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    # (route, status, what the user read) -> count, for refusals and failures.
    seen: Counter = field(default_factory=Counter)
    job_outcomes: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, route: str, seconds: float, status: int | str, said: str = "") -> None:
        with self.lock:
            self.latencies[route].append(seconds)
            self.statuses[route][status] += 1
            if said:
                self.seen[(route, status, said[:160])] += 1

    def job(self, dialect: str, state: int, message: str = "") -> None:
        with self.lock:
            self.job_outcomes[(dialect, state, message[:160])] += 1

    def errors(self) -> int:
        """Server errors and failed connections (refusals such as 400/404/429 are not)."""
        return sum(
            count
            for counter in self.statuses.values()
            for status, count in counter.items()
            if isinstance(status, str) or status >= 500
        )

    def total(self) -> int:
        return sum(len(values) for values in self.latencies.values())

    def elapsed(self) -> float:
        return (self.stopped or time.monotonic()) - self.started

    def table(self) -> str:
        elapsed = self.elapsed()
        lines = [
            f"{'route':44} {'n':>6} {'rps':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses",
        ]
        for route in sorted(self.latencies):
            values = sorted(self.latencies[route])
            lines.append(
                f"{route:44} {len(values):6d} {len(values) / elapsed:6.2f} "
                f"{_pct(values, 50):8.0f} {_pct(values, 95):8.0f} {_pct(values, 99):8.0f}  "
                + " ".join(f"{k}:{v}" for k, v in sorted(self.statuses[route].items(), key=str))
            )
        lines.append(
            f"{'all':44} {self.total():6d} {self.total() / elapsed:6.2f}  "
            f"errors (5xx or no answer): {self.errors()}  over {elapsed:.0f} s"
        )
        return "\n".join(lines)

    def seen_table(self, limit: int = 25) -> str:
        rows = [
            f"  {count:5d} x {route} {status}: {said}"
            for (route, status, said), count in self.seen.most_common(limit)
        ]
        jobs = [
            f"  {count:5d} x {dialect} job state {state}{': ' + message if message else ''}"
            for (dialect, state, message), count in sorted(self.job_outcomes.items(), key=str)
        ]
        return "\n".join(
            ["What users read (refusals and failures):", *rows, "Job outcomes:", *jobs]
        )


def _pct(values: list[float], percent: int) -> float:
    if not values:
        return 0.0
    index = min(len(values) - 1, round(percent / 100 * (len(values) - 1)))
    return values[index] * 1000
