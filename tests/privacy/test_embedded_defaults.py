"""The embedded defaults (SQLite and media under var/) on a fresh checkout, run as
`manage.py` runs them: a subprocess with the real settings and no DATABASE_URL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def migrate(var_dir: Path, *, secret_key: str | None) -> subprocess.CompletedProcess:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env["COLORIZER_VAR_DIR"] = str(var_dir)
    env["PYTHONPATH"] = str(REPO)
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "migrate", "--noinput", "-v", "0"],
        cwd=var_dir.parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.subprocess
@pytest.mark.parametrize("secret_key", ["an-operator-chosen-key-" + "x" * 40, None])
def test_migrate_works_on_a_fresh_var_dir_with_or_without_a_secret_key(
    tmp_path: Path, secret_key: str | None
) -> None:
    var_dir = tmp_path / "fresh" / "var"

    finished = migrate(var_dir, secret_key=secret_key)

    assert finished.returncode == 0, finished.stderr
    database = var_dir / "colorizer.sqlite3"
    tables = {row[0] for row in sqlite3.connect(database).execute("SELECT name FROM sqlite_master")}
    assert "jobs_colorizationjob" in tables
    # Only a generated key is written down; an operator's key never touches the disk.
    assert (var_dir / "secret_key").exists() == (secret_key is None)
