"""Batches submitted at the same moment against PostgreSQL, each thread on its own
connection: the balance never goes below zero and no batch is ever partly charged."""

from __future__ import annotations

import io
import threading
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import override_settings
from PIL import Image

from colorizer_site.credits.models import CreditEntry, Wallet
from colorizer_site.jobs import batches
from colorizer_site.jobs.models import Batch, ColorizationJob
from colorizer_site.jobs.options import JobOptions
from tests.jobs.worker_process import DATABASE_BACKEND

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _photo(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (40, 30), shade).save(buffer, "PNG")
    return buffer.getvalue()


def _sources(count: int, offset: int) -> list[batches.PhotoSource]:
    photos = [
        (f"photo-{offset}-{index}.png", _photo(10 * index + offset)) for index in range(count)
    ]
    return [
        batches.PhotoSource(name, len(data), lambda limit, data=data: data[:limit])
        for name, data in photos
    ]


def _submit_at_once(owner, sizes: list[int], options: JobOptions) -> list[str]:
    start = threading.Barrier(len(sizes))
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(size: int, offset: int) -> None:
        try:
            start.wait()
            try:
                batches.submit_batch(
                    owner=owner, sources=_sources(size, offset), options=options, strict=True
                )
                outcome = f"accepted {size}"
            except batches.BatchNotCovered:
                outcome = f"refused {size}"
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(size, offset)) for offset, size in enumerate(sizes)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _assert_whole_batches_only(owner) -> None:
    """Every charge belongs to a batch charged for every one of its photos, and the
    ledger adds up to the wallet's balance, which never went below zero."""
    charges = CreditEntry.objects.filter(user=owner, kind=CreditEntry.Kind.CHARGE)
    assert not charges.filter(job__isnull=True).exists()
    per_batch = Counter(charges.values_list("job__batch_id", flat=True))
    for batch in Batch.objects.filter(owner=owner):
        photos = batch.jobs.count()
        assert per_batch[batch.id] == photos
        assert batch.cost == sum(batch.jobs.values_list("cost", flat=True))
    assert set(per_batch) == set(Batch.objects.filter(owner=owner).values_list("id", flat=True))
    wallet = Wallet.objects.get(user=owner)
    total = CreditEntry.objects.filter(user=owner).aggregate(total=Sum("delta"))["total"]
    assert wallet.balance == total >= 0
    assert min(CreditEntry.objects.filter(user=owner).values_list("balance_after", flat=True)) >= 0


def test_eight_batches_of_three_at_balance_ten_three_are_charged_whole(make_user) -> None:
    assert connection.vendor == "postgresql"
    owner = make_user(credits=10)

    with override_settings(TASKS=DATABASE_BACKEND):  # queued only: no worker runs them
        outcomes = _submit_at_once(owner, [3] * 8, JobOptions(model="tiny"))

    assert Counter(outcomes) == {"accepted 3": 3, "refused 3": 5}
    assert Wallet.objects.get(user=owner).balance == 1
    assert ColorizationJob.objects.filter(owner=owner).count() == 9
    _assert_whole_batches_only(owner)


def test_uneven_batches_never_charge_the_part_that_would_fit(make_user, tmp_path) -> None:
    owner = make_user(credits=7)

    # Batches of 5, 4, 3 and 2 photos at 1 credit each, against 7 credits: whatever the
    # order, no batch may take the few credits left by charging some of its photos.
    with override_settings(TASKS=DATABASE_BACKEND, MEDIA_ROOT=tmp_path):
        outcomes = _submit_at_once(owner, [5, 4, 3, 2, 5, 4], JobOptions(model="tiny"))

    accepted = sum(int(outcome.split()[1]) for outcome in outcomes if outcome.startswith("acc"))
    assert len(outcomes) == 6
    assert 0 < accepted <= 7
    assert Wallet.objects.get(user=owner).balance == 7 - accepted
    _assert_whole_batches_only(owner)
    # Refused batches leave no stored photos behind.
    on_disk = [path for path in (tmp_path / "inputs").rglob("*") if path.is_file()]
    assert len(on_disk) == ColorizationJob.objects.count() == accepted
