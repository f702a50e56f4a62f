"""deploy/backup.py: dump the database and the media, restore both somewhere new, and
check the copy against the backup's manifest (the tested restore of docs/operations.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from tests.jobs.worker_process import REPO, worker_environment

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


def _backup(*args: str, media: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "deploy/backup.py", *args],
        cwd=REPO,
        env=worker_environment(MEDIA_ROOT=str(media)),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _psql(sql: str) -> str:
    db = connection.settings_dict
    server = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}"
    return subprocess.run(
        ["psql", f"{server}/postgres", "-Atqc", sql], check=True, capture_output=True, text=True
    ).stdout


def test_a_backup_restores_into_a_new_database_and_media_with_the_same_counts(
    tmp_path: Path, make_user, submit
) -> None:
    live_media = tmp_path / "live-media"
    with override_settings(MEDIA_ROOT=str(live_media)):
        owner = make_user(credits=5)
        first = submit(owner)
        submit(owner, clean_scratches=True)
    db = connection.settings_dict
    restored_name = f"{db['NAME']}_restored"
    restored_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{restored_name}"
    _psql(f"DROP DATABASE IF EXISTS {restored_name} WITH (FORCE)")
    backup = tmp_path / "backup"
    new_media = tmp_path / "new-media"
    try:
        dumped = _backup("dump", str(backup), media=live_media)
        assert dumped.returncode == 0, dumped.stdout + dumped.stderr
        manifest = json.loads((backup / "manifest.json").read_text())
        assert manifest["counts"]["jobs_colorizationjob"] == 2
        assert manifest["counts"]["credits_creditentry"] >= 3
        assert first.result_file.name in manifest["files"]
        assert len(manifest["files"]) == 6

        restored = _backup("restore", str(backup), "--database-url", restored_url, media=new_media)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert (new_media / first.result_file.name).read_bytes() == (
            live_media / first.result_file.name
        ).read_bytes()

        checked = _backup("verify", str(backup), "--database-url", restored_url, media=new_media)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "same as the backup" in checked.stdout

        # The check is not a rubber stamp: a lost row and a lost file are named.
        (new_media / first.result_file.name).unlink()
        subprocess.run(
            ["psql", restored_url, "-qc",
             "DELETE FROM credits_creditentry"
             " WHERE id = (SELECT max(id) FROM credits_creditentry)"],
            check=True, capture_output=True,
        )  # fmt: skip
        broken = _backup("verify", str(backup), "--database-url", restored_url, media=new_media)
        assert broken.returncode == 1
        entries = manifest["counts"]["credits_creditentry"]
        assert f"credits_creditentry: {entries - 1} rows, the backup has {entries}" in broken.stdout
        assert "1 files missing" in broken.stdout
    finally:
        _psql(f"DROP DATABASE IF EXISTS {restored_name} WITH (FORCE)")
