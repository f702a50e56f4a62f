"""`manage.py grant_credits EMAIL N --memo TEXT`."""

import io

import pytest
from django.core.management import CommandError, call_command

from colorizer_site.credits.models import CreditEntry
from colorizer_site.credits.services import balance_of

pytestmark = pytest.mark.django_db


def test_grant_credits_adds_grant_entry_with_memo(user):
    out = io.StringIO()
    call_command("grant_credits", "ADA@example.com", "25", "--memo", "Conference prize", stdout=out)
    assert balance_of(user) == 28
    entry = CreditEntry.objects.filter(user=user).first()
    assert entry.kind == CreditEntry.Kind.GRANT
    assert entry.delta == 25
    assert entry.memo == "Conference prize"
    assert "Granted 25 credits to ada@example.com; balance now 28." in out.getvalue()


def test_grant_credits_refuses_unknown_email(user):
    with pytest.raises(CommandError, match=r"No user has the email address nobody@example\.com"):
        call_command("grant_credits", "nobody@example.com", "5")


@pytest.mark.parametrize("amount", ["0", "-3"])
def test_grant_credits_refuses_non_positive_amounts(user, amount):
    with pytest.raises(CommandError, match="positive number"):
        call_command("grant_credits", user.email, amount)
    assert balance_of(user) == 3
