"""The jobs commands: purge_results, and `serve` (what `make run` starts)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command
from django.utils import timezone

from colorizer_site.jobs import files
from colorizer_site.jobs.models import ColorizationJob

REPO = Path(__file__).resolve().parents[2]


def _stored(job: ColorizationJob) -> list[bool]:
    return [
        bool(field.name) and field.storage.exists(field.name)
        for field in (job.input_file, job.result_file, job.thumbnail)
    ]


@pytest.mark.django_db
def test_purge_results_removes_old_and_deleted_files_only(user, submit, capsys) -> None:
    old = submit(user)
    fresh = submit(user)
    deleted = submit(user)
    ColorizationJob.objects.filter(id=old.id).update(
        completed_at=timezone.now() - timedelta(days=31)
    )
    # A gallery deletion whose file removal did not happen (say, storage was down).
    ColorizationJob.objects.filter(id=deleted.id).update(deleted_at=timezone.now())
    assert _stored(old) == _stored(deleted) == [True, True, True]

    call_command("purge_results")

    for job in (old, fresh, deleted):
        job.refresh_from_db()
    assert _stored(old) == [False, False, False]
    assert _stored(deleted) == [False, False, False]
    assert _stored(fresh) == [True, True, True]
    assert not old.result_file and not old.input_file
    assert "Purged 6 file(s) of 2 job(s) (retention 30 days)." in capsys.readouterr().out
    # The rows stay: the ledger points at them.
    assert ColorizationJob.objects.filter(id__in=[old.id, deleted.id]).count() == 2


@pytest.mark.django_db
def test_purge_results_honours_the_days_option(user, submit) -> None:
    job = submit(user)
    ColorizationJob.objects.filter(id=job.id).update(
        completed_at=timezone.now() - timedelta(days=3)
    )
    assert files.purge_results(retention_days=7) == (0, 0)
    call_command("purge_results", days=2)
    job.refresh_from_db()
    assert _stored(job) == [False, False, False]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def test_serve_runs_the_site_and_a_worker_and_one_ctrl_c_stops_both(tmp_path: Path) -> None:
    """`make run`'s command on a fresh SQLite site: both processes up, then both gone."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "colorizer_site.settings",
        "COLORIZER_VAR_DIR": str(tmp_path),
        "DEBUG": "1",
    }
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=REPO, env=env, check=True)
    subprocess.run([*manage, "createcachetable"], cwd=REPO, env=env, check=True)
    port = _free_port()
    serve = subprocess.Popen(
        [*manage, "serve", f"127.0.0.1:{port}", "--no-reload"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert status == 200
        children = _children(serve.pid)
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in children]
        assert any(b"runserver" in command for command in commands)
        assert any(b"run_worker" in command for command in commands)

        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=40) == 0
        assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
