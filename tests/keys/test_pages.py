"""The API keys pages: list, create (secret once), revoke with confirmation."""

import re

import pytest
from django.urls import reverse

from colorizer_site.keys import services
from colorizer_site.keys.models import ApiKey

pytestmark = pytest.mark.django_db


def test_create_shows_secret_once_with_copy_button(client_user, user):
    response = client_user.post(reverse("keys:create"), {"name": "backup script"})
    html = response.content.decode()
    assert response.status_code == 200
    match = re.search(r'data-testid="new-secret">(cz_[a-z0-9]{8}_[\w-]{43})<', html)
    assert match, html
    secret = match.group(1)
    assert "data-copy-target" in html
    assert "only time it is shown" in html
    assert "no-store" in response["Cache-Control"]
    assert services.authenticate(secret).user == user

    listing = client_user.get(reverse("keys:list")).content.decode()
    assert "backup script" in listing
    assert secret not in listing
    assert secret.split("_")[1] in listing  # the prefix is shown


def test_list_shows_name_prefix_created_last_used_status(client_user, user):
    live, _ = services.create_key(user=user, name="live one")
    dead, _ = services.create_key(user=user, name="dead one")
    services.revoke(key=dead)
    html = client_user.get(reverse("keys:list")).content.decode()
    for text in [
        "live one",
        "dead one",
        f"cz_{live.prefix}_",
        f"cz_{dead.prefix}_",
        "never",
        "Live",
        "Revoked",
        "1 of 20 live keys",
    ]:
        assert text in html, text
    assert reverse("keys:revoke", args=[live.pk]) in html
    assert reverse("keys:revoke", args=[dead.pk]) not in html


def test_create_without_name_shows_error_next_to_field(client_user):
    response = client_user.post(reverse("keys:create"), {"name": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_name_error"' in html
    assert "This field is required." in html
    assert not ApiKey.objects.exists()


def test_create_past_the_limit_explains_why(client_user, user, settings):
    settings.COLORIZER_MAX_LIVE_API_KEYS = 2
    services.create_key(user=user, name="a")
    services.create_key(user=user, name="b")
    response = client_user.post(reverse("keys:create"), {"name": "c"})
    assert response.status_code == 400
    assert "already have 2 live API keys" in response.content.decode()
    assert ApiKey.objects.filter(user=user).count() == 2


def test_revoke_asks_for_confirmation_then_revokes(client_user, api_key):
    key, raw = api_key
    confirm = client_user.get(reverse("keys:revoke", args=[key.pk]))
    assert confirm.status_code == 200
    assert "Revoke “test key”?" in confirm.content.decode()
    assert ApiKey.objects.get(pk=key.pk).revoked_at is None  # asking revokes nothing

    response = client_user.post(reverse("keys:revoke", args=[key.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("keys:list")
    assert "is revoked" in response.content.decode()
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
    assert services.authenticate(raw) is None


def test_other_users_keys_are_404(client_user, make_user):
    other_key, _ = services.create_key(user=make_user(email="eve@example.com"), name="eve's")
    assert client_user.get(reverse("keys:revoke", args=[other_key.pk])).status_code == 404
    assert client_user.post(reverse("keys:revoke", args=[other_key.pk])).status_code == 404
    assert ApiKey.objects.get(pk=other_key.pk).revoked_at is None
    assert "eve&#x27;s" not in client_user.get(reverse("keys:list")).content.decode()


def test_keys_pages_require_login(client):
    assert client.get(reverse("keys:list")).status_code == 302
    assert client.post(reverse("keys:create"), {"name": "x"}).status_code == 302
    assert not ApiKey.objects.exists()


def test_create_needs_csrf_token(user):
    from django.test import Client

    browser_like = Client(enforce_csrf_checks=True)
    browser_like.force_login(user)
    response = browser_like.post(reverse("keys:create"), {"name": "x"})
    assert response.status_code == 403
    assert not ApiKey.objects.exists()


def test_keys_wait_for_a_verified_address_and_the_page_says_why(client, make_user, mailoutbox):
    from allauth.account.models import EmailAddress

    owner = make_user(email="late@example.com", verified=False)
    EmailAddress.objects.create(user=owner, email=owner.email, primary=True)
    client.force_login(owner)
    page = client.get(reverse("keys:list")).content.decode()
    assert "Verify your email address to create keys." in page
    assert f'action="{reverse("account_email")}"' in page
    assert 'name="action_send"' in page

    refused = client.post(reverse("keys:create"), {"name": "script"})
    assert refused.status_code == 400
    assert "Verify your email address to create keys." in refused.content.decode()
    assert not ApiKey.objects.filter(user=owner).exists()
    with pytest.raises(services.EmailNotVerified):
        services.create_key(user=owner, name="script")

    # The button sends the link again.
    client.post(reverse("account_email"), {"email": owner.email, "action_send": ""})
    assert [message.to for message in mailoutbox] == [[owner.email]]
