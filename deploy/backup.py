"""Back up and restore Colorizer: the PostgreSQL database (pg_dump) plus the media storage.

    python deploy/backup.py dump BACKUP_DIR
    python deploy/backup.py restore BACKUP_DIR --database-url postgres://.../new_db
    python deploy/backup.py verify BACKUP_DIR [--database-url postgres://.../new_db]

Run with the site's settings in the environment (DATABASE_URL, and MEDIA_ROOT or
COLORIZER_S3_*), as the site's processes are. `dump` writes BACKUP_DIR/database.dump
(pg_dump's custom format), BACKUP_DIR/media/ (every file of the media storage, local
folder or bucket, read through the same storage API the site uses) and
BACKUP_DIR/manifest.json (row counts of the tables that matter and the file list).
`restore` creates the database named by --database-url (it must not exist yet),
restores the dump into it, and writes the files into the media storage of the current
settings (point MEDIA_ROOT or COLORIZER_S3_BUCKET at the new place). `verify` compares
a database and the media storage with the manifest; it exits 1 on any difference.

Take the dump while the site runs: pg_dump sees one consistent snapshot, and files
written after it are harmless (the invariants call them orphans; purge them or
keep them). Files deleted between the dump and the media copy are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "colorizer_site.settings")

# Row counts compared after a restore: accounts, money, jobs, keys, webhooks.
TABLES = [
    "accounts_user",
    "credits_wallet",
    "credits_creditentry",
    "jobs_colorizationjob",
    "jobs_batch",
    "keys_apikey",
    "webhooks_webhookdelivery",
]


def _setup() -> None:
    import django

    django.setup()


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _storage():
    from django.core.files.storage import storages

    return storages["default"]


def _all_files(storage, folder: str = "") -> list[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    prefix = f"{folder}/" if folder else ""
    found = [prefix + name for name in files]
    for sub in folders:
        found += _all_files(storage, prefix + sub)
    return sorted(found)


def _counts(database_url: str) -> dict[str, int]:
    counts = {}
    for table in TABLES:
        output = subprocess.run(
            ["psql", database_url, "-Atqc", f"SELECT count(*) FROM {table}"],
            capture_output=True,
            text=True,
        )
        counts[table] = int(output.stdout.strip()) if output.returncode == 0 else -1
    return counts


def dump(backup_dir: Path) -> int:
    _setup()
    backup_dir.mkdir(parents=True, exist_ok=True)
    url = _database_url()
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={backup_dir / 'database.dump'}", url],
        check=True,
    )
    storage = _storage()
    names = _all_files(storage)
    media = backup_dir / "media"
    copied, vanished = [], []
    for name in names:
        target = media / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with storage.open(name, "rb") as source:
                target.write_bytes(source.read())
            copied.append(name)
        except FileNotFoundError:
            vanished.append(name)
    manifest = {"counts": _counts(url), "files": copied}
    (backup_dir / "manifest.json").write_text(json.dumps(manifest, indent=1))
    print(f"dumped {url.rsplit('/', 1)[-1]} ({manifest['counts']}) and {len(copied)} files")
    if vanished:
        print(f"{len(vanished)} files were deleted while copying: {vanished[:5]}")
    return 0


def restore(backup_dir: Path, database_url: str) -> int:
    _setup()
    server, _, name = database_url.rpartition("/")
    subprocess.run(["psql", f"{server}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "-d", database_url,
         str(backup_dir / "database.dump")],
        check=True,
    )  # fmt: skip
    from django.core.files.base import ContentFile

    storage = _storage()
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    for name in manifest["files"]:
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, ContentFile((backup_dir / "media" / name).read_bytes()))
        if saved != name:
            raise RuntimeError(f"{name} was stored as {saved}")
    print(f"restored {name} and {len(manifest['files'])} files")
    return 0


def verify(backup_dir: Path, database_url: str | None) -> int:
    _setup()
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    counts = _counts(database_url or _database_url())
    files = _all_files(_storage())
    problems = [
        f"{table}: {counts.get(table)} rows, the backup has {expected}"
        for table, expected in manifest["counts"].items()
        if counts.get(table) != expected
    ]
    missing = sorted(set(manifest["files"]) - set(files))
    if missing:
        problems.append(f"{len(missing)} files missing, e.g. {missing[:3]}")
    for line in problems:
        print(f"DIFFERENT {line}")
    if not problems:
        print(f"same as the backup: {counts}, {len(manifest['files'])} files")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["dump", "restore", "verify"])
    parser.add_argument("backup_dir", type=Path)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if args.command == "dump":
        return dump(args.backup_dir)
    if args.command == "restore":
        if not args.database_url:
            parser.error("restore needs --database-url of a database to create")
        return restore(args.backup_dir, args.database_url)
    return verify(args.backup_dir, args.database_url)


if __name__ == "__main__":
    sys.exit(main())
