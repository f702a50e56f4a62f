"""The account flows in Debian's chromium against the live server: sign-up with the link
read from the test mail backend, an authenticator app and a recovery code, and a passkey
through Chromium's virtual authenticator (the DevTools WebAuthn domain)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from colorizer_site.credits.services import balance_of
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "amber-lantern-meadow-73"


def totp(secret: str, *, step: int = 0) -> str:
    """The six digits an authenticator app shows now (`step` periods later)."""
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def log_in_with_password(page: Any, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def confirm_password(page: Any) -> None:
    """Adding an authenticator asks for the password again, however fresh the log-in."""
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()


def log_out(page: Any, base: str) -> None:
    page.goto(base + "/accounts/profile/")
    page.locator("summary").first.click()
    page.get_by_role("button", name="Log out").click()


def test_sign_up_verify_by_the_mailed_link_and_get_the_bonus_once(
    live_server: Any, page: Any, mailoutbox: list
) -> None:
    from playwright.sync_api import expect

    from colorizer_site.accounts.models import User

    base = live_server.url
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Email address").fill("iris@example.com")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert balance_of(User.objects.get(email="iris@example.com")) == 0

    (message,) = mailoutbox
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("balance")).to_contain_text("3 credits")

    # The link again: nothing more to confirm, and no second bonus.
    page.goto(link)
    expect(page.get_by_text("This link has expired or was already used")).to_be_visible()
    assert balance_of(User.objects.get(email="iris@example.com")) == 3


def test_authenticator_app_then_a_recovery_code(
    live_server: Any, page: Any, make_user: Any
) -> None:
    from playwright.sync_api import expect

    make_user(email="otto@example.com")
    base = live_server.url
    log_in_with_password(page, base, "otto@example.com")
    page.goto(base + "/accounts/2fa/")
    page.get_by_role("link", name="Set up an authenticator app").click()
    confirm_password(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp(secret))
    page.get_by_role("button", name="Activate").click()
    page.goto(base + "/accounts/2fa/recovery-codes/")
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10
    log_out(page, base)

    # The password alone does not sign in: a wrong code is refused.
    log_in_with_password(page, base, "otto@example.com")
    expect(page.get_by_label("Code")).to_be_visible()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    page.goto(base + "/accounts/profile/")
    assert "/accounts/profile/" not in page.url  # sent back to the log-in steps
    expect(page.get_by_role("heading", name="Your profile")).to_have_count(0)

    # The pending log-in goes on with the app's next code.
    page.goto(base + "/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(totp(secret, step=1))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Colorize a photo")).to_be_visible()
    log_out(page, base)

    # A recovery code works once in place of the app.
    log_in_with_password(page, base, "otto@example.com")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Colorize a photo")).to_be_visible()
    page.goto(base + "/accounts/2fa/")
    expect(page.get_by_test_id("recovery-codes")).to_contain_text("9 of 10")


def test_a_passkey_signs_in_without_a_password(live_server: Any, page: Any, make_user: Any) -> None:
    from playwright.sync_api import expect

    make_user(email="pia@example.com")
    # A platform authenticator that holds discoverable credentials and verifies its user.
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    authenticator = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )["authenticatorId"]
    base = live_server.url
    log_in_with_password(page, base, "pia@example.com")
    page.goto(base + "/accounts/2fa/")
    page.get_by_role("link", name="Add a passkey").click()
    confirm_password(page)
    page.get_by_label("Name").fill("laptop")
    page.get_by_label("Passwordless").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add").click()
    page.goto(base + "/accounts/2fa/")
    expect(page.get_by_test_id("passkeys")).to_contain_text("You have 1 passkey")
    stored = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(stored["credentials"]) == 1
    log_out(page, base)

    page.goto(base + "/accounts/login/")
    page.get_by_role("button", name="Use a passkey instead").click()
    expect(page.get_by_role("heading", name="Colorize a photo")).to_be_visible()
    expect(page.locator("summary").first).to_have_text("pia@example.com")
