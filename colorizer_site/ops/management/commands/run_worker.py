"""`manage.py run_worker`: the job worker, with the stuck-job reaper on a timer.

It is `db_worker` in this process plus a reaper thread, so one long-lived
process keeps the ONNX sessions loaded between jobs and nothing else has to be
scheduled for timed-out jobs to be failed and refunded. Duties other apps
register with `lib.periodic` (webhook deliveries) get a thread each too.
"""

import io
import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
)

from colorizer_site import engine
from colorizer_site.engine.types import ColorizeOptions
from colorizer_site.jobs.endings import reap_stuck_jobs
from colorizer_site.jobs.registry import engine_config
from colorizer_site.lib import periodic
from colorizer_site.ops import heartbeat

logger = logging.getLogger(__name__)
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)


class Command(BaseCommand):
    help = "Run the colorization worker (db_worker) and reap stuck jobs every minute."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reap-every",
            type=float,
            default=60.0,
            help="Seconds between checks for jobs stuck in processing (default: 60).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=0.5,
            help="Seconds between polls of the queue when it is empty (default: 0.5).",
        )
        parser.add_argument(
            "--no-warm-up",
            action="store_false",
            dest="warm_up",
            help="Do not load the models before taking the first job.",
        )

    def handle(self, *, reap_every: float, interval: float, warm_up: bool, **options) -> None:
        stop = threading.Event()
        reaper = threading.Thread(
            target=_reap_forever, args=(reap_every, stop), name="job-reaper", daemon=True
        )
        reaper.start()
        for duty in periodic.registered():
            threading.Thread(
                target=_run_duty_forever, args=(duty, stop), name=duty.name, daemon=True
            ).start()
        if warm_up:
            _warm_up()
        try:
            while True:
                try:
                    call_command(
                        "db_worker",
                        interval=interval,
                        reload=False,
                        startup_delay=False,
                        verbosity=options.get("verbosity", 1),
                        stdout=self.stdout,
                    )
                    break
                except DATABASE_UNREACHABLE as error:
                    # A restarted or failed-over database: keep the process (and its
                    # loaded models) and take up the queue again once it answers. A job
                    # cut off here stays processing until the reaper refunds it.
                    logger.warning("database unreachable (%s); retrying in 2 s", error)
                    connections.close_all()
                    if stop.wait(2):
                        break
        finally:
            stop.set()
            try:
                heartbeat.forget_this_worker()
            except Exception:
                logger.warning("could not remove this worker's heartbeat row")


def _reap_forever(every: float, stop: threading.Event) -> None:
    # The first check runs at once: a worker restarted after a crash cleans
    # up what its predecessor left in processing.
    while not stop.is_set():
        try:
            reaped = reap_stuck_jobs()
            if reaped:
                logger.warning("reaped %d stuck job(s)", reaped)
        except Exception:
            logger.exception("the reaper failed; trying again later")
        finally:
            close_old_connections()
        if stop.wait(every):
            break
    connection.close()


def _run_duty_forever(duty: periodic.Duty, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            duty.run()
        except Exception:
            logger.exception("%s failed; trying again later", duty.name)
        finally:
            close_old_connections()
        if stop.wait(duty.every()):
            break
    connection.close()


def _warm_up() -> None:
    """Load the models users can choose once, so the first job does not pay for it."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (64, 64), 128).save(buffer, "PNG")
    config = engine_config()
    for name in settings.COLORIZER_MODEL_CHOICES:
        try:
            engine.colorize(buffer.getvalue(), ColorizeOptions(model=name), config)
        except Exception as error:
            logger.warning("model %s could not be loaded: %s", name, error)
