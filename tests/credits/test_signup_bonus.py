"""The sign-up bonus: only for a verified address, and once per address, ever."""

import pytest

from colorizer_site.credits.models import SignupBonusClaim
from colorizer_site.credits.services import balance_of
from colorizer_site.credits.signup_bonus import address_hash, normalise
from colorizer_site.privacy.deletion import delete_account

pytestmark = pytest.mark.django_db


def test_no_bonus_before_the_address_is_verified(make_user):
    assert balance_of(make_user(verified=False)) == 0


def test_an_account_deleted_and_made_again_gets_no_second_bonus(make_user):
    first = make_user(email="ada@example.com")
    assert balance_of(first) == 3
    delete_account(first)
    again = make_user(email="ada@example.com")
    assert balance_of(again) == 0


@pytest.mark.parametrize("spelling", ["ADA@example.com", "ada+photos@example.com"])
def test_another_spelling_of_the_same_mailbox_gets_none(make_user, spelling):
    delete_account(make_user(email="ada@example.com"))
    assert balance_of(make_user(email=spelling)) == 0


def test_gmail_ignores_dots_and_so_does_the_bonus():
    assert normalise(" A.Da+x@GoogleMail.com ") == "ada@gmail.com"
    assert normalise("a.da@example.com") == "a.da@example.com"


def test_an_address_verified_after_the_bonus_counts_as_used(make_user):
    from colorizer_site.accounts.services import mark_email_verified

    user = make_user(email="ada@example.com")
    user.email = "ada.new@example.com"
    user.save()
    mark_email_verified(user)
    assert balance_of(user) == 3
    delete_account(user)
    assert balance_of(make_user(email="ada.new@example.com")) == 0


def test_only_a_keyed_hash_of_the_address_is_kept(make_user, settings):
    make_user(email="ada@example.com")
    stored = list(SignupBonusClaim.objects.values_list("address_hash", flat=True))
    assert stored == [address_hash("ada@example.com")]
    assert "ada" not in stored[0]
    settings.SECRET_KEY = "another-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
    assert address_hash("ada@example.com") != stored[0]
