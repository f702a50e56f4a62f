"""A short soak (bench/soak.py) against the real stack: gunicorn, two workers, PostgreSQL,
S3 through moto. Four users start the tour of flows at different points (pages, both
API dialects, gallery), so every flow is exercised however slow the machine; none meets
a server error and the invariants hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ops.stack_helpers import run_bench, stack_environment

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


def test_a_short_soak_serves_every_flow_and_keeps_the_books(tmp_path: Path) -> None:
    code, output = run_bench(
        "soak.py", "--seconds", "8", "--users", "4", "--drain-timeout", "60",
        env=stack_environment(tmp_path / "stack"), timeout=170,
    )  # fmt: skip

    assert code == 0, output
    assert "all invariants hold" in output
    assert "errors (5xx or no answer): 0" in output
    for route in (
        "POST /accounts/signup/",
        "POST /colorize/",
        "GET /jobs/{id}/ (htmx poll)",
        "POST /api/tasks/visual/colorization",
        "GET /api/tasks/visual/colorization/{id}",
        "POST /api/v1/colorize",
        "GET /gallery/",
    ):
        assert route in output, f"{route} was not exercised:\n{output}"
    # Jobs ran through the real workers and S3 and came back.
    assert "job state 1" in output
