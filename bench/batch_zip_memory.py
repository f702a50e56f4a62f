"""Peak memory of "Download all (ZIP)" for a 200-photo batch: streamed versus built in memory.

    .venv/bin/python bench/batch_zip_memory.py [--photos 200] [--side 1024]

Sets up a throw-away site (SQLite and media under a temporary directory), stores a
batch of `--photos` finished jobs whose results are real `--side`² JPEGs, then, each
in a fresh process so that one measurement cannot inflate the next:

- streamed: `jobs.batches.stream_results_zip`, the code behind the page's and the
  API's ZIP download, read to the end and thrown away as a client would receive it;
- in memory (the baseline): the same ZIP written into a BytesIO, what a naive
  download view does.

Each child resets the kernel's peak count, reports its resident memory just before
building the ZIP and its peak (VmHWM) after; the growth is what the ZIP cost. The
photos' total size is printed for scale: an in-memory ZIP grows by at least that.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def prepare(var_dir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "colorizer_site.settings",
            "COLORIZER_VAR_DIR": str(var_dir),
            "DEBUG": "0",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def photo(side: int, seed: int) -> bytes:
    """A colour JPEG with noise: compresses about as well as a real result."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    across = np.tile(np.linspace(0, 255, side, dtype=np.float32), (side, 1))
    channels = np.stack([across, across.T, np.full_like(across, 128)], axis=-1)
    pixels = channels + rng.normal(0, 12, (side, side, 3))
    buffer = io.BytesIO()
    image = Image.fromarray(np.clip(pixels, 0, 255).astype("uint8"), "RGB")
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def make_batch(photos: int, side: int) -> tuple[str, int]:
    """A completed batch of `photos` succeeded jobs with stored results; (batch id, bytes)."""
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.utils import timezone

    from colorizer_site.accounts.models import User
    from colorizer_site.jobs.models import Batch, ColorizationJob

    call_command("migrate", verbosity=0)
    owner = User.objects.create_user(email="bench@example.com", password="unused-pass-91")
    batch = Batch.objects.create(owner=owner, completed_at=timezone.now(), cost=photos)
    storage = ColorizationJob._meta.get_field("result_file").storage
    total = 0
    for index in range(photos):
        data = photo(side, index % 8)
        total += len(data)
        job = ColorizationJob(
            owner=owner,
            batch=batch,
            state=ColorizationJob.State.SUCCEEDED,
            input_meta={"name": f"scan-{index % 50:03d}.tif"},  # repeated names, as albums have
            result_meta={"format": "jpeg"},
            completed_at=timezone.now(),
        )
        job.result_file = storage.save(f"results/bench/{job.task_id}.jpg", ContentFile(data))
        job.save()
    return batch.batch_id, total


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def reset_peak() -> bool:
    """Start the kernel's peak-RSS count (VmHWM) afresh, so that set-up spikes (imports,
    Django's start) do not hide the ZIP's own; False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def peak_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child(method: str, batch_id: str) -> None:
    from colorizer_site.jobs.batches import result_names, stream_results_zip
    from colorizer_site.jobs.models import Batch, ColorizationJob

    batch = Batch.objects.get(batch_id=batch_id)
    # Warm the imports and the ORM so the figure is the ZIP's, not the first query's.
    list(batch.jobs.all()[:1])
    if not reset_peak():
        print("warning: the peak includes start-up (no /proc/self/clear_refs)", file=sys.stderr)
    before = resident_bytes()
    started = time.perf_counter()
    size = 0
    if method == "streamed":
        for piece in stream_results_zip(batch):
            size += len(piece)
    else:
        buffer = io.BytesIO()
        jobs = batch.jobs.filter(state=ColorizationJob.State.SUCCEEDED).order_by("id")
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as bundle:
            for job, name in result_names(jobs):
                with job.result_file.open("rb") as handle:
                    bundle.writestr(name, handle.read())
        size = len(buffer.getvalue())
    seconds = time.perf_counter() - started
    peak = peak_bytes()
    print(f"{before} {peak} {size} {seconds}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--side", type=int, default=1024)
    parser.add_argument("--child", choices=["streamed", "in-memory"], help=argparse.SUPPRESS)
    parser.add_argument("--batch", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        prepare(Path(args.var_dir))
        child(args.child, args.batch)
        return

    with tempfile.TemporaryDirectory(prefix="colorizer-zip-bench-") as folder:
        prepare(Path(folder))
        batch_id, total = make_batch(args.photos, args.side)
        mb = 1024 * 1024
        print(f"{args.photos} results of {args.side}x{args.side} JPEG, {total / mb:.1f} MB in all")
        figures = {}
        for method in ("streamed", "in-memory"):
            finished = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    method,
                    "--batch",
                    batch_id,
                    "--var-dir",
                    folder,
                ],
                cwd=REPO,
                capture_output=True,
                text=True,
                check=True,
            )
            before, peak, size, seconds = finished.stdout.split()[-4:]
            growth = max(0, int(peak) - int(before))
            figures[method] = growth
            print(
                f"  {method:10s} ZIP of {int(size) / mb:6.1f} MB in {float(seconds):5.2f} s: "
                f"resident {int(before) / mb:6.1f} MB before, peak {int(peak) / mb:6.1f} MB, "
                f"growth {growth / mb:6.1f} MB ({growth / total:.2f} x the photos' size)"
            )
        ratio = figures["streamed"] / max(1, figures["in-memory"])
        print(f"streamed growth / in-memory growth: {ratio:.3f}")


if __name__ == "__main__":
    main()
