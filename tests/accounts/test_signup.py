"""Signing up with email and password."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from colorizer_site.credits.services import balance_of

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "velvet-harbour-quince-88"


def sign_up(client, email="new@example.com", password=GOOD_PASSWORD, repeat=None):
    return client.post(
        reverse("accounts:signup"),
        {"email": email, "password1": password, "password2": repeat or password},
    )


def test_sign_up_logs_in_and_grants_three_credits(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    user = get_user_model().objects.get(email="new@example.com")
    assert balance_of(user) == 3
    home = client.get(reverse("web:home")).content.decode()
    assert '<strong id="credit-balance">3</strong> credits' in home
    assert "Welcome to Colorizer" in home


def test_password_validators_apply_with_errors_next_to_field(client):
    response = sign_up(client, password="12345678")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_password2_error"' in html
    assert "This password is too common." in html
    assert "This password is entirely numeric." in html
    assert not get_user_model().objects.exists()


def test_password_too_similar_to_email_is_refused(client):
    response = sign_up(
        client, email="marmalade.sandwich@example.com", password="marmalade.sandwich"
    )
    assert "too similar to the email address" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_passwords_must_match(client):
    response = sign_up(client, repeat="something-else-entirely-9")
    assert "The two password fields didn\u2019t match." in response.content.decode()
    assert not get_user_model().objects.exists()


def test_email_must_be_unique_ignoring_case(client, user):
    response = sign_up(client, email="ADA@Example.com")
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert "An account with this email already exists." in html
    assert get_user_model().objects.count() == 1


def test_invalid_email_is_refused(client):
    response = sign_up(client, email="not-an-email")
    assert "Enter a valid email address." in response.content.decode()
    assert not get_user_model().objects.exists()


def test_signed_in_user_is_sent_home_from_signup(client_user):
    response = client_user.get(reverse("accounts:signup"))
    assert response.status_code == 302
