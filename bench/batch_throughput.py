"""A 50-photo batch at 1024x1024 from submit to ZIP, with one worker: jobs per minute.

    .venv/bin/python bench/batch_throughput.py [--photos 50] [--model tiny]

Sets up a throw-away site (SQLite under a temporary directory, the `make run`
configuration), starts one `manage.py run_worker` process, waits until it has
run one warm-up job (models loaded), then submits `--photos` photos as one batch
through `jobs.batches.submit_batch` (what the colorize page and the API call),
waits for the batch to complete and streams its ZIP. It prints:

- the submit time (checks, storing every photo, the all-or-nothing charge);
- submit to completed, and jobs per minute over that span;
- the streamed ZIP's build time and size;
- as the baseline, measured in the same run: `engine.colorize` on the same photo
  in this process, so the ratio shows what the queue, storage and database add.

The machine's cores are shared with everything else running (other people's
tests, a training run): the ratio holds up better than the absolute figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from worker_throughput import REPO, photo, prepare_site


def wait_completed(batch_id: int, timeout: float = 3600) -> float:
    from colorizer_site.jobs.models import Batch

    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if Batch.objects.filter(id=batch_id, completed_at__isnull=False).exists():
            return time.perf_counter() - start
        # Poll gently: a busy poller takes CPU from the worker's inference threads.
        time.sleep(0.2)
    raise SystemExit("timed out waiting for the batch")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=50)
    parser.add_argument("--model", default="tiny")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="colorizer-batch-bench-") as folder:
        env = prepare_site(Path(folder))
        from colorizer_site import engine
        from colorizer_site.accounts.models import User
        from colorizer_site.credits import services as credits
        from colorizer_site.jobs import batches, services
        from colorizer_site.jobs.models import ColorizationJob
        from colorizer_site.jobs.options import JobOptions
        from colorizer_site.jobs.registry import engine_config

        owner = User.objects.create_user(email="bench@example.com", password="unused-pass-91")
        credits.grant(user=owner, amount=10_000, memo="benchmark")
        data = photo()
        options = JobOptions(model=args.model, output_format="jpeg")
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "0.05"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            warm = services.submit_job(
                owner=owner, image=data, filename="warm.jpg", options=options
            )
            while not ColorizationJob.objects.get(id=warm.id).is_finished:
                time.sleep(0.2)

            sources = [
                batches.PhotoSource(f"scan-{index:02d}.jpg", len(data), lambda n: data[:n])
                for index in range(args.photos)
            ]
            started = time.perf_counter()
            batch = batches.submit_batch(owner=owner, sources=sources, options=options)
            submitted = time.perf_counter() - started
            waited = wait_completed(batch.id)
            zip_started = time.perf_counter()
            zip_bytes = sum(len(piece) for piece in batches.stream_results_zip(batch))
            zipped = time.perf_counter() - zip_started
            total = time.perf_counter() - started
            failed = batch.jobs.filter(state__lt=0).count()
        finally:
            worker.terminate()
            worker.wait(timeout=60)

        config = engine_config()
        engine_options = options.engine_options()
        direct = []
        for _ in range(3):
            moment = time.perf_counter()
            engine.colorize(data, engine_options, config)
            direct.append(time.perf_counter() - moment)
        engine_only = statistics.median(direct)

        per_minute = args.photos * 60 / total
        print(
            f"one worker, {args.photos} photos of 1024x1024 as one batch, model {args.model}, "
            f"{os.cpu_count()} cores on this machine (shared)"
        )
        print(f"  submit (checks, storing, charge):   {submitted:7.2f} s")
        print(f"  submit to completed:                {submitted + waited:7.2f} s")
        print(f"  streamed ZIP:                       {zipped:7.2f} s, {zip_bytes / 1e6:.1f} MB")
        print(f"  submit to ZIP:                      {total:7.2f} s ({failed} failed)")
        print(f"  throughput:                         {per_minute:7.1f} jobs/minute")
        print(
            f"  engine.colorize alone:              {engine_only * 1000:7.0f} ms a photo "
            f"(baseline: {60 / engine_only:.1f}/minute if only colorizing)"
        )
        print(f"  batch / baseline:                   {per_minute * engine_only / 60:7.2f}")


if __name__ == "__main__":
    main()
