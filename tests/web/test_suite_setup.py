"""How the suite itself runs: skips fail under CI, media stays out of the checkout."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

CONFTEST = "from tests.conftest import pytest_make_collect_report, pytest_runtest_makereport\n"
SKIPPING_TESTS = """
import pytest

def test_runs():
    assert True

@pytest.mark.skip(reason="no chromium here")
def test_skipped():
    pass

def test_skips_itself():
    pytest.skip("no PostgreSQL here")
"""


def run_pytest(directory: Path, ci: bool) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env["PYTHONPATH"] = str(REPO)
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:django",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rA",
            str(directory),
        ],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.subprocess
def test_skip_fails_the_run_only_under_ci(tmp_path):
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_sample.py").write_text(SKIPPING_TESTS)

    relaxed = run_pytest(tmp_path, ci=False)
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    assert "1 passed, 2 skipped" in relaxed.stdout

    strict = run_pytest(tmp_path, ci=True)
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert "Skipped tests fail under CI" in strict.stdout
    assert "no chromium here" in strict.stdout
    assert "no PostgreSQL here" in strict.stdout
    # A marker skip happens during set-up, so pytest counts it as an error.
    assert "1 failed, 1 passed, 1 error" in strict.stdout


def test_media_goes_to_a_temporary_directory_not_the_checkout(tmp_path_factory):
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    temporary = tmp_path_factory.getbasetemp()
    assert Path(settings.MEDIA_ROOT).is_relative_to(temporary)
    name = default_storage.save("probe/hello.txt", ContentFile(b"hi"))
    try:
        assert Path(default_storage.path(name)).is_relative_to(temporary)
        assert not (REPO / "var" / "test" / "media" / name).exists()
    finally:
        default_storage.delete(name)
