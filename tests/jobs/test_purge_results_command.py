"""`manage.py purge_results`: stored files past their retention, and removed jobs' files."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from colorizer_site.jobs import files
from colorizer_site.jobs.models import ColorizationJob


def _stored(job: ColorizationJob) -> list[bool]:
    return [
        bool(field.name) and field.storage.exists(field.name)
        for field in (job.input_file, job.result_file, job.thumbnail)
    ]


@pytest.mark.django_db
def test_purge_results_removes_old_and_deleted_files_only(user, submit, capsys) -> None:
    old = submit(user)
    fresh = submit(user)
    deleted = submit(user)
    ColorizationJob.objects.filter(id=old.id).update(
        completed_at=timezone.now() - timedelta(days=31)
    )
    # A gallery deletion whose file removal did not happen (say, storage was down).
    ColorizationJob.objects.filter(id=deleted.id).update(deleted_at=timezone.now())
    assert _stored(old) == _stored(deleted) == [True, True, True]

    call_command("purge_results")

    for job in (old, fresh, deleted):
        job.refresh_from_db()
    assert _stored(old) == [False, False, False]
    assert _stored(deleted) == [False, False, False]
    assert _stored(fresh) == [True, True, True]
    assert not old.result_file and not old.input_file
    assert "Purged 6 file(s) of 2 job(s) (retention 30 days)." in capsys.readouterr().out
    # The rows stay: the ledger points at them.
    assert ColorizationJob.objects.filter(id__in=[old.id, deleted.id]).count() == 2


@pytest.mark.django_db
def test_purge_results_honours_the_days_option(user, submit) -> None:
    job = submit(user)
    ColorizationJob.objects.filter(id=job.id).update(
        completed_at=timezone.now() - timedelta(days=3)
    )
    assert files.purge_results(retention_days=7) == (0, 0)
    call_command("purge_results", days=2)
    job.refresh_from_db()
    assert _stored(job) == [False, False, False]
