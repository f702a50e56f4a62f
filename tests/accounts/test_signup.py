"""Signing up with email and password (django-allauth): the address is verified by its
link before the account can sign in, and only then does the bonus arrive."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from colorizer_site.credits.services import balance_of

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "velvet-harbour-quince-88"


def sign_up(client, email="new@example.com", password=GOOD_PASSWORD, repeat=None):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": repeat or password},
    )


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)


def test_sign_up_sends_a_link_and_the_bonus_waits_for_it(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email="new@example.com")
    assert balance_of(user) == 0
    # Not signed in until the address is verified.
    assert client.get(reverse("accounts:profile")).status_code == 302

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.com"]
    link = confirmation_link(mail.outbox[0])
    assert "Verify your email address" in client.get(link).content.decode()
    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert balance_of(user) == 3
    home = client.get(reverse("web:home")).content.decode()
    assert '<strong id="credit-balance">3</strong> credits' in home


def test_password_validators_apply_with_errors_next_to_field(client):
    response = sign_up(client, password="12345678")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_password1_error"' in html
    assert "This password is too common." in html
    assert "This password is entirely numeric." in html
    assert not get_user_model().objects.exists()


def test_passwords_must_match(client):
    response = sign_up(client, repeat="something-else-entirely-9")
    assert "You must type the same password each time." in response.content.decode()
    assert not get_user_model().objects.exists()


def test_invalid_email_is_refused(client):
    response = sign_up(client, email="not-an-email")
    assert "Enter a valid email address." in response.content.decode()
    assert not get_user_model().objects.exists()


def test_signed_in_user_is_sent_home_from_signup(client_user):
    response = client_user.get(reverse("account_signup"))
    assert response.status_code == 302
