from tests.jobs.conftest import make_photo, submit  # noqa: F401  (shared fixtures)
