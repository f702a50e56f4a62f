"""Three real workers on PostgreSQL share 200 queued jobs (bench/scale_out.py's proof round):
each job is claimed by exactly one worker, charged once and succeeds; all workers take part."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.ops.stack_helpers import run_bench, stack_environment

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


def test_three_workers_process_each_of_200_jobs_exactly_once(tmp_path: Path) -> None:
    code, output = run_bench(
        "scale_out.py", "--workers", "", "--proof-jobs", "200", "--proof-workers", "3",
        "--size", "32",
        env=stack_environment(tmp_path / "stack", STACK_MEDIA="local"), timeout=300,
    )  # fmt: skip

    assert code == 0, output
    assert "proof holds" in output
    line = next(line for line in output.splitlines() if line.startswith("proof:"))
    assert "states {'1': 200}" in line
    assert "claimed not exactly once: 0" in line
    assert "charged not once: 0" in line
    assert "skipped claims in logs: 0" in line
    shares = json.loads(re.search(r"per worker (\[[^\]]*\])", line).group(1))
    assert len(shares) == 3 and sum(shares) == 200, line
    assert min(shares) > 0, "every worker should have taken jobs"
