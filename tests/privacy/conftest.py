"""Fixtures for the people's-data tests: jobs with real files, run by the real worker step."""

from __future__ import annotations

from tests.jobs.conftest import make_photo, submit  # noqa: F401
