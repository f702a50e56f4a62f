"""`ops.invariants` (and `manage.py check_invariants`): quiet when the books agree, and
naming each kind of breakage a soak or a fault could leave behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.test import override_settings

from colorizer_site.credits.models import CreditEntry, Wallet
from colorizer_site.jobs.endings import cancel_job
from colorizer_site.ops import invariants

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_media(tmp_path: Path):
    # Other tests' files share the session's media folder; orphans are judged here alone.
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        yield tmp_path / "media"


@pytest.fixture
def books(own_media, make_user, submit):
    owner = make_user(credits=10)
    done = submit(owner)
    with_addon = submit(owner, clean_scratches=True)
    cancelled = cancel_job(submit(owner, run=False))
    return owner, done, with_addon, cancelled


def test_a_healthy_history_passes_and_adds_up(books, capsys) -> None:
    _owner, done, with_addon, cancelled = books
    report = invariants.check()
    assert report.ok, report.summary()
    assert report.jobs == 3
    assert report.credits_charged == done.cost + with_addon.cost + cancelled.cost
    assert report.credits_refunded == cancelled.cost
    assert report.credits_kept == done.cost + with_addon.cost
    assert report.files == 7  # three inputs, two results, two thumbnails
    call_command("check_invariants")
    assert "all invariants hold" in capsys.readouterr().out


def test_a_job_still_queued_breaks_every_job_has_ended(books, make_user, submit) -> None:
    submit(make_user(credits=2), run=False)
    report = invariants.check()
    assert list(report.problems) == ["every job has ended"]
    assert invariants.check(require_terminal=False).ok
    with pytest.raises(CommandError):
        call_command("check_invariants")
    call_command("check_invariants", "--allow-running")


def test_a_refunded_success_and_a_wallet_off_its_ledger_are_named(books) -> None:
    owner, done, *_ = books
    CreditEntry.objects.create(
        user=owner, delta=done.cost, kind="refund", balance_after=0, job=done, memo="bad"
    )
    Wallet.objects.filter(user=owner).update(balance=99)
    report = invariants.check()
    assert "no job both refunded and delivered" in report.problems
    assert "every wallet equals its ledger" in report.problems
    assert done.task_id in report.problems["no job both refunded and delivered"]


def test_missing_and_orphan_files_are_named(books) -> None:
    _, done, *_ = books
    storage = done.result_file.storage
    storage.delete(done.result_file.name)
    stray = storage.save("results/2026/01/01/stray.jpg", ContentFile(b"x"))
    report = invariants.check()
    assert report.problems["no missing files"] == [f"{done.task_id}: {done.result_file.name}"]
    assert report.problems["no orphan files"] == [stray]


def test_a_deleted_job_naming_removed_files_is_a_note_not_a_break(books) -> None:
    # A gallery delete whose last save failed: files gone, names still on the row.
    from django.utils import timezone

    from colorizer_site.jobs.models import ColorizationJob

    _, done, *_ = books
    storage = done.result_file.storage
    for name in (done.input_file.name, done.result_file.name, done.thumbnail.name):
        storage.delete(name)
    ColorizationJob.objects.filter(id=done.id).update(deleted_at=timezone.now())
    report = invariants.check()
    assert report.ok, report.summary()
    assert "3 file names of deleted jobs" in report.summary()


def test_albums_and_captions_keep_to_their_owners_photos(books, make_user, submit) -> None:
    from colorizer_site.jobs import albums, facts, files
    from colorizer_site.jobs.models import AlbumPhoto, ColorizationJob

    owner, done, with_addon, _cancelled = books
    album = albums.create_album(owner=owner, name="Box", jobs=ColorizationJob.objects.all())
    facts.save_facts(done, facts.Facts(title="Kept"))
    files.delete_jobs(owner=owner, task_ids=[with_addon.task_id])
    assert invariants.check().ok  # deleting a photo takes it out of albums with its caption

    stranger_photo = submit(make_user(credits=2))
    AlbumPhoto.objects.create(album=album, job=stranger_photo, position=9)
    report = invariants.check()
    assert (
        f"{album.album_id}: {stranger_photo.task_id}"
        in (report.problems["an album holds only its owner's photos"])
    )
