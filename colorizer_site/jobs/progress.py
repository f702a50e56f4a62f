"""Progress as people read it: stage names in words, where a job stands in the queue, and how
often a page should ask again.

The engine and the worker name stages after their code (`clean_scratches`,
`face_remaster`); this is the one place that turns those names into words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from colorizer_site.engine.encoding import make_thumbnail
from colorizer_site.engine.errors import EngineError
from colorizer_site.jobs.limits import stored_limits
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.registry import engine_config

State = ColorizationJob.State

STAGE_LABELS = {
    "": _("In the queue"),
    "queued": _("In the queue"),
    "starting": _("Starting"),
    "decode": _("Reading your photo"),
    "clean_scratches": _("Repairing scratches and dust"),
    "colorize": _("Adding colour"),
    "restore": _("Restoring the colours"),
    "face_remaster": _("Sharpening faces"),
    "encode": _("Saving the result"),
    "done": _("Done"),
    "failed": _("Stopped"),
}


def stage_label(stage: str) -> str:
    """Words for a stage in the active language; a stage this table does not know yet reads
    as plain work."""
    return str(STAGE_LABELS.get(stage, _("Working")))


@dataclass(frozen=True)
class QueueState:
    ahead: int  # jobs queued before this one and not yet started
    running: int  # jobs a worker is processing now

    @property
    def busy(self) -> bool:
        """The workers have other photos in hand: only then is the wait worth explaining."""
        return self.ahead > 0 or self.running > 0


def queue_state(job: ColorizationJob) -> QueueState | None:
    """Where a queued job stands (None once a worker has it). Counts every user's jobs, but
    only as numbers: nobody learns whose photos are ahead."""
    if job.state != State.QUEUED:
        return None
    ahead = ColorizationJob.objects.filter(
        state=State.QUEUED, created_at__lt=job.created_at
    ).count()
    running = ColorizationJob.objects.filter(state=State.PROCESSING).count()
    return QueueState(ahead=ahead, running=running)


# (age of the job in seconds, milliseconds until the next poll): quick while a short job
# would otherwise finish between two polls, slower once a job has shown it takes a while.
_POLL_STEPS = ((10, 400), (60, 1000))
_POLL_SLOWEST_MS = 2000


def poll_delay_ms(job: ColorizationJob, now: datetime | None = None) -> int:
    """How long a progress page waits before asking again."""
    age = ((now or timezone.now()) - job.created_at).total_seconds()
    for until, delay in _POLL_STEPS:
        if age < until:
            return delay
    return _POLL_SLOWEST_MS


def input_thumbnail(job: ColorizationJob) -> bytes:
    """A small WebP of the photo being worked on (the upload may be a TIFF no browser shows,
    or a 60-megapixel scan); FileNotFoundError when the original is gone or unreadable."""
    if not job.input_file:
        raise FileNotFoundError("The original is no longer stored.")
    with job.input_file.open("rb") as handle:
        data = handle.read()
    try:
        return make_thumbnail(data, config=engine_config(limits=stored_limits(job.input_meta)))
    except EngineError as error:
        raise FileNotFoundError("The original cannot be shown.") from error
