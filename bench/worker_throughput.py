"""Throughput and latency of one real job worker on 1024x1024 photos.

    .venv/bin/python bench/worker_throughput.py [--jobs 12] [--models tiny,large]

Sets up a throw-away site (SQLite under a temporary directory, the `make run`
configuration), starts one `manage.py run_worker` process, and for each model:

- submit-to-result time of single jobs, one at a time (median of 5, from the
  job's own created/completed timestamps): what a user waits between pressing
  "Colorize" and the result being stored;
- jobs per minute with a queue of `--jobs` jobs submitted at once;
- as the baseline, measured in the same run: `engine.colorize` on the same photo
  in this process, so the ratio shows what queueing, storage and the database
  add on top of the colorization itself.

The machine's cores are shared with everything else running; the ratios hold
up better than the absolute figures.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def photo(side: int = 1024) -> bytes:
    """A grey 1024x1024 JPEG with gradients, shapes and fine texture."""
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(7)
    ramp = np.linspace(30, 220, side, dtype=np.float32)
    pixels = (ramp[None, :] * 0.6 + ramp[:, None] * 0.4) + rng.normal(0, 6, (side, side))
    image = Image.fromarray(np.clip(pixels, 0, 255).astype("uint8"), "L")
    draw = ImageDraw.Draw(image)
    draw.ellipse((side // 8, side // 8, side // 2, side // 2), fill=210)
    draw.rectangle((side // 2, side // 3, side - side // 8, side - side // 10), fill=50)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def prepare_site(var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "colorizer_site.settings",
        "COLORIZER_VAR_DIR": str(var_dir),
        "COLORIZER_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "DEBUG": "0",
    }
    env.pop("DATABASE_URL", None)
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    return env


def wait_finished(job_ids: list[int], timeout: float = 900) -> float:
    """Seconds until every job has finished; fails loudly on a failed job."""
    from colorizer_site.jobs.models import ColorizationJob

    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        jobs = ColorizationJob.objects.filter(id__in=job_ids)
        states = list(jobs.values_list("state", flat=True))
        if any(state < 0 for state in states):
            failed = ColorizationJob.objects.filter(id__in=job_ids, state__lt=0).first()
            raise SystemExit(f"a job failed: {failed.error_message}")
        if all(state == ColorizationJob.State.SUCCEEDED for state in states):
            return time.perf_counter() - start
        # Poll gently: on 2 cores a busy poller steals time from the worker's
        # inference threads; the figures come from the jobs' own timestamps.
        time.sleep(0.1)
    raise SystemExit("timed out waiting for the worker")


def split_times(job_ids: list[int]) -> tuple[float, float, float]:
    """Median seconds from submit to result, to the worker taking the job, and in the worker."""
    from colorizer_site.jobs.models import ColorizationJob

    jobs = list(ColorizationJob.objects.filter(id__in=job_ids))
    total = [(job.completed_at - job.created_at).total_seconds() for job in jobs]
    pickup = [(job.processed_at - job.created_at).total_seconds() for job in jobs]
    running = [(job.completed_at - job.processed_at).total_seconds() for job in jobs]
    return statistics.median(total), statistics.median(pickup), statistics.median(running)


def span(job_ids: list[int]) -> float:
    """Seconds from the first submit to the last result."""
    from colorizer_site.jobs.models import ColorizationJob

    jobs = list(ColorizationJob.objects.filter(id__in=job_ids))
    first = min(job.created_at for job in jobs)
    return (max(job.completed_at for job in jobs) - first).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=12, help="queue length for throughput")
    parser.add_argument("--models", default="tiny,large")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="colorizer-bench-") as folder:
        env = prepare_site(Path(folder))
        from colorizer_site import engine
        from colorizer_site.accounts.models import User
        from colorizer_site.credits import services as credits
        from colorizer_site.jobs import services
        from colorizer_site.jobs.options import JobOptions
        from colorizer_site.jobs.registry import engine_config

        owner = User.objects.create_user(email="bench@example.com", password="unused-pass-91")
        credits.grant(user=owner, amount=10_000, memo="benchmark")
        data = photo()

        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "0.05"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            print(f"one worker, 1024x1024 JPEG in and out, {os.cpu_count()} cores on this machine")
            for model in args.models.split(","):
                options = JobOptions(model=model, output_format="jpeg")

                def submit(options: JobOptions = options) -> int:
                    job = services.submit_job(
                        owner=owner, image=data, filename="bench.jpg", options=options
                    )
                    return job.id

                # The first job also waits for the worker to start and load the models.
                wait_finished([submit()])
                singles: list[int] = []
                for _ in range(5):
                    singles.append(submit())
                    wait_finished([singles[-1]])
                latency, pickup, running = split_times(singles)

                config = engine_config()
                engine_options = engine.ColorizeOptions(model=model, output_format="jpeg")
                engine.colorize(data, engine_options, config)
                direct = []
                for _ in range(3):
                    started = time.perf_counter()
                    engine.colorize(data, engine_options, config)
                    direct.append(time.perf_counter() - started)

                queue = [submit() for _ in range(args.jobs)]
                wait_finished(queue)
                elapsed = span(queue)
                per_minute = args.jobs * 60 / elapsed

                engine_only = statistics.median(direct)
                print(f"\nmodel {model}")
                print(f"  submit to result, one job:   {latency * 1000:7.0f} ms (median of 5)")
                print(
                    f"    of which waiting to be picked up {pickup * 1000:.0f} ms, "
                    f"in the worker step {running * 1000:.0f} ms"
                )
                print(f"  engine.colorize alone:       {engine_only * 1000:7.0f} ms (baseline)")
                print(f"  worker overhead ratio:       {latency / engine_only:7.2f} x the baseline")
                print(
                    f"  throughput, {args.jobs} queued jobs:  {per_minute:7.1f} jobs/minute "
                    f"({elapsed:.1f} s; {60 / engine_only:.1f}/min if only colorizing)"
                )
        finally:
            worker.terminate()
            worker.wait(timeout=60)


if __name__ == "__main__":
    main()
