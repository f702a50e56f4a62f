"""The ledger's rules: every change is one entry, balances never go negative."""

import pytest
from django.db.models import Sum

from colorizer_site.credits import services, signup_bonus
from colorizer_site.credits.models import CreditEntry, Wallet

pytestmark = pytest.mark.django_db


def ledger_sum(user) -> int:
    return CreditEntry.objects.filter(user=user).aggregate(total=Sum("delta"))["total"] or 0


def test_new_user_gets_wallet_and_signup_bonus_as_grant_entry(user):
    wallet = Wallet.objects.get(user=user)
    entries = list(CreditEntry.objects.filter(user=user))
    assert wallet.balance == 3
    assert len(entries) == 1
    assert entries[0].kind == CreditEntry.Kind.GRANT
    assert entries[0].delta == 3
    assert entries[0].balance_after == 3


def test_signup_bonus_follows_setting(settings, make_user):
    settings.COLORIZER_SIGNUP_CREDITS = 7
    assert services.balance_of(make_user()) == 7
    settings.COLORIZER_SIGNUP_CREDITS = 0
    nobody = make_user()
    assert services.balance_of(nobody) == 0
    assert Wallet.objects.filter(user=nobody).exists()
    assert not CreditEntry.objects.filter(user=nobody).exists()


def test_signup_bonus_is_granted_once_even_if_asked_twice(user):
    signup_bonus.grant_for_verified_address(user=user, email=user.email)
    assert services.balance_of(user) == 3
    assert CreditEntry.objects.filter(user=user).count() == 1


def test_charge_takes_credits_and_records_balance_after(user):
    entry = services.charge(user=user, amount=2, memo="photo")
    assert entry.delta == -2
    assert entry.kind == CreditEntry.Kind.CHARGE
    assert entry.balance_after == 1
    assert entry.memo == "photo"
    assert services.balance_of(user) == 1


def test_charge_refuses_when_balance_short_and_changes_nothing(user):
    with pytest.raises(services.InsufficientCredits) as raised:
        services.charge(user=user, amount=4)
    message = str(raised.value)
    assert "needs 4 credits" in message
    assert "balance is 3 credits" in message
    assert raised.value.needed == 4 and raised.value.available == 3
    assert services.balance_of(user) == 3
    assert CreditEntry.objects.filter(user=user).count() == 1


def test_charge_of_exact_balance_leaves_zero(user):
    services.charge(user=user, amount=3)
    assert services.balance_of(user) == 0
    with pytest.raises(services.InsufficientCredits, match="needs 1 credit but"):
        services.charge(user=user, amount=1)


@pytest.mark.parametrize("amount", [0, -1, 1.5, True, "2"])
def test_amounts_must_be_positive_whole_numbers(user, amount):
    for operation in (services.grant, services.charge, services.refund, services.purchase):
        with pytest.raises(ValueError, match="positive whole number"):
            operation(user=user, amount=amount)
    assert services.balance_of(user) == 3


def test_refund_with_same_idempotency_key_happens_once(user):
    services.charge(user=user, amount=2, idempotency_key="charge:abc")
    first = services.refund(user=user, amount=2, idempotency_key="refund:abc")
    second = services.refund(user=user, amount=2, idempotency_key="refund:abc")
    assert first.pk == second.pk
    assert services.balance_of(user) == 3
    assert CreditEntry.objects.filter(kind=CreditEntry.Kind.REFUND).count() == 1


def test_repeated_charge_with_same_key_returns_first_entry(user):
    first = services.charge(user=user, amount=1, idempotency_key="charge:once")
    again = services.charge(user=user, amount=1, idempotency_key="charge:once")
    assert again.pk == first.pk
    assert services.balance_of(user) == 2


def test_grant_purchase_adjust_each_add_one_entry(user):
    services.grant(user=user, amount=10, memo="thanks")
    services.purchase(user=user, amount=50, idempotency_key="checkout:1")
    services.adjust(user=user, delta=-5, memo="correction")
    kinds = list(CreditEntry.objects.filter(user=user).values_list("kind", flat=True))
    assert kinds == ["adjust", "purchase", "grant", "grant"]
    assert services.balance_of(user) == 3 + 10 + 50 - 5
    assert ledger_sum(user) == services.balance_of(user)


def test_adjust_cannot_go_below_zero_or_be_empty(user):
    with pytest.raises(services.InsufficientCredits):
        services.adjust(user=user, delta=-4)
    with pytest.raises(ValueError):
        services.adjust(user=user, delta=0)
    assert services.balance_of(user) == 3


def test_charge_records_job_and_api_key(user, api_key):
    from colorizer_site.jobs.models import ColorizationJob

    key, _secret = api_key
    job = ColorizationJob.objects.create(owner=user, cost=1, options={})
    entry = services.charge(user=user, amount=1, job=job, api_key=key)
    entry.refresh_from_db()
    assert entry.job == job
    assert entry.api_key == key


def test_balance_of_user_without_wallet_is_zero(user):
    Wallet.objects.filter(user=user).delete()
    assert services.balance_of(user) == 0
    services.grant(user=user, amount=2)
    assert services.balance_of(user) == 2
