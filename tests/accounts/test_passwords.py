"""Password change and password reset by email (django-allauth's pages)."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.http import urlsafe_base64_encode

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "saffron-lighthouse-drift-61"


def test_password_change(client_user, user):
    response = client_user.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_needs_the_old_password(client_user, user):
    response = client_user.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert 'id="id_oldpassword_error"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_by_email_end_to_end(client, user):
    response = client.post(reverse("account_reset_password"), {"email": "ada@example.com"})
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Colorizer: Password Reset Email"
    assert message.to == ["ada@example.com"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", message.body).group(1)

    # allauth swaps the key for a session marker and redirects to the form.
    form_page = client.get(link, follow=True)
    form_url = form_page.redirect_chain[-1][0]
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done["Location"] == reverse("account_reset_password_from_key_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The link works once.
    assert "Bad Token" in client.get(link, follow=True).content.decode()


def test_a_reset_link_mailed_by_the_old_pages_still_works(client, user):
    from django.contrib.auth.tokens import default_token_generator

    token = default_token_generator.make_token(user)
    old_link = f"/accounts/password/reset/{urlsafe_base64_encode(str(user.pk).encode())}/{token}/"
    form_page = client.get(old_link, follow=True)
    form_url = form_page.redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    "old, new",
    [
        ("/accounts/password/change/done/", "/accounts/profile/"),
        ("/accounts/password/reset/sent/", "/accounts/password/reset/done/"),
        ("/accounts/password/reset/complete/", "/accounts/login/"),
    ],
)
def test_old_addresses_lead_to_their_new_pages(client, old, new):
    assert client.get(old)["Location"] == new


def test_default_email_backend_is_the_console():
    from colorizer_site import settings as site_settings

    assert site_settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
