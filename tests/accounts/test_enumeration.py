"""Nothing tells a stranger which addresses have accounts: sign-up, log-in and password
reset answer the same whether the address is known or not."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "velvet-harbour-quince-88"


def page_text(response) -> str:
    """The answer without what differs between any two requests (the CSRF token)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def answer(response) -> tuple[int, str, str]:
    return response.status_code, response.get("Location", ""), page_text(response)


def test_sign_up_answers_the_same_for_a_taken_address(client, user, mailoutbox):
    form = {"password1": PASSWORD, "password2": PASSWORD}
    taken = client.post(reverse("account_signup"), {"email": "Ada@Example.com", **form})
    client.cookies.clear()
    fresh = client.post(reverse("account_signup"), {"email": "bea@example.com", **form})
    assert answer(taken) == answer(fresh)
    assert taken["Location"] == reverse("account_email_verification_sent")
    # Each address got one mail; only its owner learns which kind.
    assert sorted(message.to[0] for message in mailoutbox) == [
        "ada@example.com",
        "bea@example.com",
    ]
    assert get_user_model().objects.filter(email__iexact="ada@example.com").count() == 1


def test_log_in_answers_the_same_for_an_unknown_address(client, user):
    known = client.post(reverse("account_login"), {"login": user.email, "password": "wrong-1"})
    unknown = client.post(
        reverse("account_login"), {"login": "nobody@example.com", "password": "wrong-1"}
    )
    assert known.status_code == unknown.status_code == 200
    assert page_text(known).replace(user.email, "X") == page_text(unknown).replace(
        "nobody@example.com", "X"
    )


def test_reset_answers_the_same_for_an_unknown_address(client, user, mailoutbox):
    known = client.post(reverse("account_reset_password"), {"email": user.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert answer(known) == answer(unknown)
    assert known["Location"] == reverse("account_reset_password_done")
    # Only the account's owner gets mail; an unknown address gets none.
    assert [message.to for message in mailoutbox] == [[user.email]]
