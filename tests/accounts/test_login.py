"""Logging in and out, and the one throttle on failed log-ins (allauth's rate limits)."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many failed login attempts."


def log_in(client, email, password, address="10.0.0.1"):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def test_log_in_with_email_and_password(client, user):
    response = log_in(client, "ada@example.com", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_address_is_matched_ignoring_case(client, user):
    assert log_in(client, "ADA@Example.com", PASSWORD).status_code == 302


def test_wrong_password_says_so_without_logging_in(client, user):
    response = log_in(client, "ada@example.com", "not-the-password")
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_log_in_honours_next(client, user):
    response = client.post(
        reverse("account_login") + "?next=/keys/",
        {"login": user.email, "password": PASSWORD, "next": "/keys/"},
    )
    assert response["Location"] == "/keys/"


def test_unverified_address_cannot_log_in_and_gets_a_new_link(client, make_user, mailoutbox):
    make_user(email="late@example.com", verified=False)
    response = log_in(client, "late@example.com", PASSWORD)
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert [message.to for message in mailoutbox] == [["late@example.com"]]


def test_log_out_is_a_post_and_ends_the_session(client_user):
    response = client_user.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client_user.get(reverse("accounts:profile")).status_code == 302


def test_five_failures_lock_out_that_account_from_that_address(client, user):
    for _ in range(5):
        log_in(client, user.email, "guess")
    response = log_in(client, user.email, PASSWORD)
    assert TOO_MANY in response.content.decode()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_lockout_does_not_block_the_owner_from_elsewhere(client, user):
    for _ in range(5):
        log_in(client, user.email, "guess", address="203.0.113.9")
    assert TOO_MANY in log_in(client, user.email, "guess", address="203.0.113.9").content.decode()
    response = log_in(client, user.email, PASSWORD, address="198.51.100.7")
    assert response.status_code == 302


def test_four_failures_then_success_does_not_lock_out(client, user):
    for _ in range(4):
        log_in(client, user.email, "guess")
    assert log_in(client, user.email, PASSWORD).status_code == 302
