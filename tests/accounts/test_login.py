"""Logging in and out, and the throttle on failed log-ins (django-axes)."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, email, password, address="10.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def test_log_in_with_email_and_password(client, user):
    response = log_in(client, "ada@example.com", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_wrong_password_says_so_without_logging_in(client, user):
    response = log_in(client, "ada@example.com", "not-the-password")
    assert response.status_code == 200
    assert "Please enter a correct email address and password." in response.content.decode()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_log_in_honours_next(client, user):
    response = client.post(
        reverse("accounts:login") + "?next=/keys/",
        {"username": user.email, "password": PASSWORD, "next": "/keys/"},
    )
    assert response["Location"] == "/keys/"


def test_log_out_is_a_post_and_ends_the_session(client_user):
    assert client_user.get(reverse("accounts:logout")).status_code == 405
    response = client_user.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client_user.get(reverse("accounts:profile")).status_code == 302


def test_five_failures_lock_out_that_account_from_that_address(client, user):
    for _ in range(5):
        log_in(client, user.email, "guess")
    response = log_in(client, user.email, PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert "Too many failed log-ins" in html
    assert "15 minutes" in html
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_lockout_does_not_block_the_owner_from_elsewhere(client, user):
    for _ in range(5):
        log_in(client, user.email, "guess", address="203.0.113.9")
    assert log_in(client, user.email, "guess", address="203.0.113.9").status_code == 429
    response = log_in(client, user.email, PASSWORD, address="198.51.100.7")
    assert response.status_code == 302


def test_four_failures_then_success_resets_the_count(client, user):
    for _ in range(4):
        log_in(client, user.email, "guess")
    assert log_in(client, user.email, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        log_in(client, user.email, "guess")
    assert log_in(client, user.email, PASSWORD).status_code == 302
