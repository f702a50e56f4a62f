"""A result that cannot be stored (the media disk full) fails the job at once with a sentence
and a refund, and leaves no file behind; found by bench/faults.py's disk_full."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.test import override_settings

from colorizer_site.credits.models import CreditEntry
from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.worker import STORE_FAILED_MESSAGE
from colorizer_site.ops import invariants

pytestmark = pytest.mark.django_db


class ThumbnailsDiskFull(FileSystemStorage):
    """Stores everything except thumbnails, as a disk that fills up mid-job would."""

    def _save(self, name: str, content) -> str:
        if name.startswith("thumbnails/"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return super()._save(name, content)


def test_a_result_that_cannot_be_stored_fails_refunds_and_leaves_no_file(
    tmp_path: Path, make_user, submit
) -> None:
    media = tmp_path / "media"
    storages = {
        "default": {"BACKEND": "tests.jobs.test_store_failure.ThumbnailsDiskFull"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(MEDIA_ROOT=str(media), STORAGES=storages):
        owner = make_user(credits=3)
        job = submit(owner)

        assert job.state == ColorizationJob.State.FAILED
        assert job.error_message == STORE_FAILED_MESSAGE
        assert not job.result_file
        assert balance_of(owner) == 3
        assert sorted(CreditEntry.objects.filter(job=job).values_list("kind", flat=True)) == [
            "charge",
            "refund",
        ]
        stored = [path.relative_to(media).parts[0] for path in media.rglob("*") if path.is_file()]
        assert stored == ["inputs"], "only the original photo stays"
        report = invariants.check()
        assert report.ok, report.summary()
