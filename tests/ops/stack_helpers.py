"""Run the bench scripts' production-shaped stack against the test database, on free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from django.db import connection

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stack_environment(stack_dir: Path, **extra: str) -> dict[str, str]:
    """The stack on this run's (already migrated) test database, its files in `stack_dir`."""
    db = connection.settings_dict
    return {
        **os.environ,
        "STACK_DIR": str(stack_dir),
        "STACK_PG": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}",
        "STACK_DATABASE": db["NAME"],
        "STACK_KEEP_DATABASE": "1",
        "STACK_WEB_PORT": str(free_port()),
        "STACK_S3_PORT": str(free_port()),
        "STACK_WEB_PROCESSES": "2",
        **extra,
    }


def run_bench(script: str, *args: str, env: dict[str, str], timeout: float) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, f"bench/{script}", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return result.returncode, result.stdout + result.stderr
