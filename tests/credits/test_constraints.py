"""The database itself refuses a negative balance, whatever the code does."""

import pytest
from django.db import IntegrityError, transaction

from colorizer_site.credits.models import Wallet

pytestmark = pytest.mark.django_db


def test_check_constraint_rejects_negative_balance(user):
    with pytest.raises(IntegrityError, match="wallet_balance_not_negative"), transaction.atomic():
        Wallet.objects.filter(user=user).update(balance=-1)
    assert Wallet.objects.get(user=user).balance == 3


def test_check_constraint_rejects_wallet_created_negative(make_user):
    user = make_user()
    Wallet.objects.filter(user=user).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Wallet.objects.create(user=user, balance=-5)
