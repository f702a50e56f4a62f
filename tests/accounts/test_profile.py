"""The profile page."""

import pytest
from django.urls import reverse

from colorizer_site.credits.services import grant

pytestmark = pytest.mark.django_db


def test_profile_shows_email_joined_balance_and_links(client_user, user):
    grant(user=user, amount=4)
    html = client_user.get(reverse("accounts:profile")).content.decode()
    assert user.email in html
    assert user.date_joined.strftime("%Y") in html
    assert "<dd><strong>7</strong> credits</dd>" in html
    for name in ["credits:buy", "credits:ledger", "keys:list", "account_change_password"]:
        assert f'href="{reverse(name)}"' in html


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
