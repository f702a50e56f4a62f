"""Building a data export: time, throughput and peak Python memory against the photos' size.

    .venv/bin/python bench/data_export.py [--photos 40] [--mb 4]

Sets up a throw-away site (SQLite and media under a temporary directory), gives one
user `--photos` jobs whose original and result are `--mb` MB each of random bytes
(incompressible, like photos; the export does not decode them), and runs the
worker step `privacy.exports.build` twice, the second under tracemalloc. As the
baseline, measured in the same run: copying the same files one after the other
with shutil, which is the least any export must do. Prints the archive's size,
both times and their ratio, and the build's peak Python allocation beside the
largest single file, which shows the archive is streamed through a file rather
than held in memory. Figures of the first build (cold imports and disk) are shown
too; the ratio uses the second.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=40)
    parser.add_argument("--mb", type=float, default=4.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="export-bench-") as folder:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="colorizer_site.settings",
            COLORIZER_VAR_DIR=str(Path(folder) / "var"),
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            COLORIZER_TASK_BACKEND="django_tasks.backends.dummy.DummyBackend",
        )
        os.environ.pop("DATABASE_URL", None)
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage
        from django.core.management import call_command

        from colorizer_site.accounts.models import User
        from colorizer_site.jobs.models import ColorizationJob
        from colorizer_site.privacy import exports
        from colorizer_site.privacy.models import DataExport

        call_command("migrate", verbosity=0)
        user = User.objects.create_user(email="bench@example.com", password="x" * 12)
        size = int(args.mb * 1024 * 1024)
        names: list[str] = []
        for number in range(args.photos):
            original = default_storage.save(f"inputs/b/{number}.jpg", ContentFile(os.urandom(size)))
            result = default_storage.save(f"results/b/{number}.jpg", ContentFile(os.urandom(size)))
            names += [original, result]
            ColorizationJob.objects.create(
                owner=user, input_file=original, result_file=result, cost=1, state=1
            )
        total = len(names) * size

        started = time.perf_counter()
        with open(Path(folder) / "copy.bin", "wb") as sink:
            for name in names:
                with default_storage.open(name, "rb") as source:
                    shutil.copyfileobj(source, sink, 1024 * 1024)
        baseline = time.perf_counter() - started

        # A first build pays for imports, template loading and a cold disk cache; the
        # figures are those of the second.
        cold = DataExport.objects.create(owner=user)
        started = time.perf_counter()
        exports.build(cold.id)
        cold_elapsed = time.perf_counter() - started

        export = DataExport.objects.create(owner=user)
        tracemalloc.start()
        started = time.perf_counter()
        exports.build(export.id)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        export.refresh_from_db()
        assert export.state == DataExport.State.READY, export.error_message

    mb = 1024 * 1024
    print(f"photo files: {len(names)} x {args.mb:g} MB = {total / mb:.0f} MB")
    print(f"archive: {export.size / mb:.1f} MB, {export.photos} photo files")
    print(f"plain copy (baseline): {baseline:.2f} s, {total / mb / baseline:.0f} MB/s")
    rate = total / mb / elapsed
    print(f"export build: {elapsed:.2f} s, {rate:.0f} MB/s (first build: {cold_elapsed:.2f} s)")
    print(f"ratio build / copy: {elapsed / baseline:.2f}")
    print(
        f"peak Python memory during the build: {peak / mb:.2f} MB "
        f"({peak / size:.2f} x one file, {peak / total:.4f} x all files)"
    )


if __name__ == "__main__":
    main()
