"""Concurrent charges against PostgreSQL: the wallet lock must stop overdrafts."""

import threading

import pytest
from django.db import connection
from django.db.models import Sum

from colorizer_site.credits import services
from colorizer_site.credits.models import CreditEntry, Wallet

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_concurrent_charges_at_balance_five_exactly_five_succeed(make_user):
    assert connection.vendor == "postgresql"
    user = make_user(credits=5)
    start = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def charge_once() -> None:
        # Each thread has its own database connection (Django's are per thread).
        try:
            start.wait()
            try:
                services.charge(user=user, amount=1, memo="concurrent")
                outcome = "charged"
            except services.InsufficientCredits:
                outcome = "refused"
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=charge_once) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == 20
    assert outcomes.count("charged") == 5
    assert outcomes.count("refused") == 15
    assert Wallet.objects.get(user=user).balance == 0
    total = CreditEntry.objects.filter(user=user).aggregate(total=Sum("delta"))["total"]
    assert total == 0
    charges = CreditEntry.objects.filter(user=user, kind=CreditEntry.Kind.CHARGE)
    assert charges.count() == 5
    # Each charge saw the balance the previous one left behind.
    assert sorted(charges.values_list("balance_after", flat=True)) == [0, 1, 2, 3, 4]


def test_concurrent_refunds_with_one_key_refund_once(make_user):
    user = make_user(credits=0)
    start = threading.Barrier(8)
    entry_ids: list[int] = []

    def refund_once() -> None:
        try:
            start.wait()
            entry = services.refund(user=user, amount=2, idempotency_key="refund:race")
            entry_ids.append(entry.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=refund_once) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(entry_ids) == 8
    assert len(set(entry_ids)) == 1
    assert services.balance_of(user) == 2
