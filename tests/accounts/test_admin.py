"""Users in the admin are listed and created by email."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from colorizer_site.credits.services import balance_of

pytestmark = pytest.mark.django_db


def test_staff_create_a_user_by_email_whose_bonus_waits_for_a_verified_address(client, make_user):
    client.force_login(make_user(email="root@example.com", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:accounts_user_add"))
    assert page.status_code == 200
    assert 'name="email"' in page.content.decode()

    client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "carol@example.com",
            "password1": "indigo-saddle-orchard-5",
            "password2": "indigo-saddle-orchard-5",
            "usable_password": "true",
        },
    )
    carol = get_user_model().objects.get(email="carol@example.com")
    assert carol.check_password("indigo-saddle-orchard-5")
    assert carol.username == "carol@example.com"
    # Nobody has shown that carol reads that mailbox yet.
    assert balance_of(carol) == 0

    # Staff vouch for the address (allauth's admin action): now the bonus comes.
    address = EmailAddress.objects.create(user=carol, email=carol.email, primary=True)
    client.post(
        reverse("admin:account_emailaddress_changelist"),
        {"action": "make_verified", "_selected_action": [address.pk]},
    )
    assert balance_of(carol) == 3

    listing = client.get(reverse("admin:accounts_user_changelist") + "?q=carol")
    assert "carol@example.com" in listing.content.decode()
