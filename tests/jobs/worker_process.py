"""Start the real `manage.py run_worker` against the test database (for the worker and
browser tests): the production settings module, pointed at this run's database and media."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[2]
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def worker_environment(**extra: str) -> dict[str, str]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "colorizer_site.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "SECRET_KEY": settings.SECRET_KEY,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "COLORIZER_VAR_DIR": str(Path(settings.MEDIA_ROOT).parent / "worker-var"),
        "COLORIZER_MODELS_DIR": str(settings.COLORIZER_MODELS_DIR),
        "COLORIZER_TINY_MODEL": settings.COLORIZER_MODEL_CHOICES["tiny"],
        "COLORIZER_LARGE_MODEL": settings.COLORIZER_MODEL_CHOICES["large"],
        "COLORIZER_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "DEBUG": "0",
    }
    env.update(extra)
    return env


def start_worker(log_path: Path, **extra_env: str) -> subprocess.Popen:
    """A worker process polling every 0.2 s; its output goes to `log_path`."""
    log = log_path.open("wb")
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2"],
        cwd=REPO,
        env=worker_environment(**extra_env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(timeout=30)
