"""Inside the stack's settings (run by bench/scale_out.py with the stack's environment):

    python bench/stack_jobs.py submit N [--size 64]   # queue N tiny jobs for one account
    python bench/stack_jobs.py verify FIRST_ID        # JSON: how jobs >= FIRST_ID were processed

`verify` is the proof that no job ran twice: every job's queue entry (django_tasks_db's
DBTaskResult) was claimed by exactly one worker (its `worker_ids`), each job id has one
queue entry, and every job ended exactly once (one charge, no refund for a success).
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "colorizer_site.settings")

import django

django.setup()

from django.db.models import Max, Min  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from colorizer_site.accounts.models import User  # noqa: E402
from colorizer_site.credits import services as credits  # noqa: E402
from colorizer_site.credits.models import CreditEntry  # noqa: E402
from colorizer_site.jobs import services  # noqa: E402
from colorizer_site.jobs.models import ColorizationJob  # noqa: E402
from colorizer_site.jobs.options import JobOptions  # noqa: E402


def _photo(size: int, seed: int) -> bytes:
    image = Image.linear_gradient("L").resize((size, size))
    corner = seed % (size // 2)
    ImageDraw.Draw(image).ellipse((corner, 2, corner + size // 2, size // 2), fill=seed % 256)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


def submit(count: int, size: int) -> dict:
    owner, _ = User.objects.get_or_create(email="scale-out@example.com")
    credits.adjust(user=owner, delta=count, memo="scale-out bench")
    ids = [
        services.submit_job(
            owner=owner,
            image=_photo(size, index),
            filename=f"scale-{index}.jpg",
            options=JobOptions(model="tiny"),
        ).id
        for index in range(count)
    ]
    return {"first_id": min(ids), "last_id": max(ids), "count": len(ids)}


def verify(first_id: int) -> dict:
    jobs = ColorizationJob.objects.filter(id__gte=first_id)
    job_ids = set(jobs.values_list("id", flat=True))
    entries: Counter = Counter()
    claims: Counter = Counter()
    per_worker: Counter = Counter()
    for args, worker_ids in DBTaskResult.objects.filter(
        task_path="colorizer_site.jobs.tasks.colorize_job"
    ).values_list("args_kwargs", "worker_ids"):
        job_id = args["args"][0]
        if job_id in job_ids:
            entries[job_id] += 1
            claims[job_id] += len(worker_ids)
            per_worker.update(worker_ids)
    charges = Counter(
        CreditEntry.objects.filter(job_id__in=job_ids, kind="charge").values_list(
            "job_id", flat=True
        )
    )
    states = Counter(jobs.values_list("state", flat=True))
    window = jobs.aggregate(start=Min("processed_at"), end=Max("completed_at"))
    seconds = (
        (window["end"] - window["start"]).total_seconds()
        if window["start"] and window["end"]
        else 0
    )
    return {
        "jobs": len(job_ids),
        "states": {str(state): count for state, count in states.items()},
        "queue_entries_not_one": sum(1 for job in job_ids if entries[job] != 1),
        "claimed_not_once": sum(1 for job in job_ids if claims[job] != 1),
        "charged_not_once": sum(1 for job in job_ids if charges[job] != 1),
        "jobs_per_worker": dict(per_worker.most_common()),
        "busy_seconds": round(seconds, 2),
    }


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "submit":
        size = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--size" else 64
        print(json.dumps(submit(int(sys.argv[2]), size)))
    elif command == "verify":
        print(json.dumps(verify(int(sys.argv[2]))))
    else:
        sys.exit(__doc__)
