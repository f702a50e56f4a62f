"""A real browser against the live server: sign up, get credits, create and revoke a key."""

import re

import pytest

from colorizer_site.keys.models import ApiKey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_see_credits_create_key_once_and_revoke(
    live_server, page, screenshot_dir, mailoutbox
):
    from playwright.sync_api import expect

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign up", exact=True).click()
    page.get_by_label("Email address").fill("grace@example.com")
    page.get_by_label("Password", exact=True).fill("copper-meadow-violin-73")
    page.get_by_label("Password (again)").fill("copper-meadow-violin-73")
    page.get_by_role("button", name="Sign up").click()
    # The address is verified by the mailed link before the bonus and the keys.
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    (message,) = mailoutbox
    page.goto(re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_test_id("balance")).to_have_text(re.compile(r"^\s*3\s+credits\s*$"))
    expect(page.get_by_role("heading", name="Colorize a photo")).to_be_visible()

    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Name").fill("archive robot")
    page.get_by_role("button", name="Create key").click()
    secret = page.get_by_test_id("new-secret").inner_text().strip()
    assert re.fullmatch(r"cz_[a-z0-9]{8}_[A-Za-z0-9_-]{43}", secret)
    expect(page.get_by_role("button", name="Copy")).to_be_visible()

    page.get_by_role("link", name="Done, back to my keys").click()
    row = page.get_by_role("row", name=re.compile("archive robot"))
    expect(row).to_contain_text("Live")
    assert secret not in page.content()  # shown once, never again

    row.get_by_role("link", name="Revoke").click()
    expect(page.get_by_role("heading", name=re.compile("Revoke"))).to_be_visible()
    page.get_by_role("button", name="Revoke key").click()
    expect(page.get_by_role("row", name=re.compile("archive robot"))).to_contain_text("Revoked")
    assert ApiKey.objects.get(name="archive robot").revoked_at is not None

    screenshot = screenshot_dir / "keys-after-revoke.png"
    screenshot.unlink(missing_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.exists() and screenshot.stat().st_size > 5_000


def test_narrow_screen_keeps_navigation_usable(live_server, page, screenshot_dir):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Menu").click()
    navigation = page.get_by_role("navigation", name="Main")
    for label in ["Home", "Docs", "Log in", "Sign up"]:
        link = navigation.get_by_role("link", name=label, exact=True)
        assert link.is_visible(), label
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways ({width}px wide)"
    page.screenshot(path=str(screenshot_dir / "landing-mobile.png"), full_page=True)
