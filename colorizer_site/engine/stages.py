"""The stages of one engine call: their place on the progress bar, timings and order."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from colorizer_site.engine.types import ProgressCallback

# Where each stage starts on the progress bar (percent); encode ends at 100.
_PROGRESS_AT = {
    "decode": 0,
    "clean_scratches": 10,
    "colorize": 25,
    "restore": 25,
    "face_remaster": 70,
    "encode": 92,
}


class Run:
    """Timings, stage list and progress of one colorize call."""

    def __init__(self, progress: ProgressCallback | None) -> None:
        self.progress = progress
        self.stages: list[str] = []
        self.timings_ms: dict[str, float] = {}

    def report(self, stage: str, percent: int) -> None:
        if self.progress is not None:
            self.progress(stage, max(0, min(100, percent)))

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.report(name, _PROGRESS_AT[name])
        started = time.perf_counter()
        yield
        self.timings_ms[name] = round((time.perf_counter() - started) * 1000.0, 1)
        self.stages.append(name)
