"""`manage.py serve` (what `make run` starts): the site and a worker, stopped by one Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]


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


@pytest.mark.subprocess
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
