"""`manage.py serve [ADDR:PORT]`: the web server and the job worker together, for `make run`.

Each child runs in its own process group, so Ctrl-C reaches them once, through
this process, instead of twice (the terminal's and ours): a second SIGINT
would make the worker abandon the job it is running.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

_GRACE_SECONDS = 30


class Command(BaseCommand):
    help = "Serve the site (runserver) and run the job worker until Ctrl-C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-reload",
            action="store_true",
            help="Do not restart the web server on code changes.",
        )

    def handle(self, *, addrport: str, no_reload: bool, **options) -> None:
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        web = [*manage, "runserver", addrport] + (["--noreload"] if no_reload else [])
        children = [
            subprocess.Popen(web, process_group=0),
            subprocess.Popen([*manage, "run_worker"], process_group=0),
        ]
        stopping = {"signals": 0}

        def forward(signum: int, frame: object) -> None:
            stopping["signals"] += 1
            # SIGTERM, not SIGINT: a child may have inherited "ignore SIGINT"
            # (started from a script), and both runserver and db_worker stop
            # on SIGTERM; the worker finishes its job first unless signalled again.
            for child in children:
                if child.poll() is None:
                    force = stopping["signals"] >= 3
                    _signal_group(child, signal.SIGKILL if force else signal.SIGTERM)

        signal.signal(signal.SIGINT, forward)
        signal.signal(signal.SIGTERM, forward)
        self.stdout.write(f"Serving http://{addrport}/ with one job worker; Ctrl-C stops both.")

        # When either child ends on its own, stop the other: half a site is no use.
        while all(child.poll() is None for child in children):
            time.sleep(0.3)
        if not stopping["signals"]:
            forward(signal.SIGTERM, None)
        deadline = time.monotonic() + _GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait()
        codes = [child.returncode for child in children]
        if not stopping["signals"] and any(codes):
            sys.exit(1)


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)
