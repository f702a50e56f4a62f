"""The site header in a real browser: one row on a phone with a Menu button that opens
and closes the menu (a disclosure: aria-expanded, Escape), every link without scripts,
and the colorize form forgetting a server error once a new file is chosen."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def sign_in(page: Any, client: Any, user: Any, live_server: Any) -> None:
    client.force_login(user)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])


def centre_y(locator: Any) -> float:
    box = locator.bounding_box()
    return box["y"] + box["height"] / 2


def test_phone_header_is_one_row_and_its_menu_opens_and_closes(
    live_server: Any, browser: Any, client: Any, make_user: Any, screenshot_dir: Path
) -> None:
    from playwright.sync_api import expect

    owner = make_user(email="someone.with.a.long.address@example.com", credits=12)
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, client, owner, live_server)
        page.goto(live_server.url + reverse("web:gallery"))
        header = page.locator(".site-header")
        brand = page.get_by_role("link", name="Colorizer", exact=True)
        balance = page.get_by_test_id("balance")
        button = page.get_by_role("button", name="Menu")
        navigation = page.get_by_role("navigation", name="Main")

        # One row: brand, balance and the button share a line; the links wait in the menu.
        assert header.bounding_box()["height"] < 70, header.bounding_box()
        assert abs(centre_y(brand) - centre_y(button)) < 6
        assert abs(centre_y(balance) - centre_y(button)) < 6
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(button).to_have_attribute("aria-controls", "site-menu")
        expect(navigation.get_by_role("link", name="API keys")).to_be_hidden()
        page.screenshot(path=str(screenshot_dir / "phone-menu-closed.png"))

        button.tap()
        expect(button).to_have_attribute("aria-expanded", "true")
        for label in ["Colorize", "Gallery", "API keys", "Credits", "Docs", "Profile"]:
            expect(navigation.get_by_role("link", name=label, exact=True)).to_be_visible()
        expect(navigation.get_by_role("button", name="Log out")).to_be_visible()
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        page.screenshot(path=str(screenshot_dir / "phone-menu-open.png"), full_page=True)

        # Escape closes it and hands focus back to the button.
        page.keyboard.press("Escape")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(button).to_be_focused()
        expect(navigation.get_by_role("link", name="Gallery")).to_be_hidden()

        # A second tap closes what the first opened; links in it work.
        button.tap()
        button.tap()
        expect(button).to_have_attribute("aria-expanded", "false")
        button.tap()
        navigation.get_by_role("link", name="API keys").tap()
        expect(page.get_by_role("heading", name="API keys", level=1)).to_be_visible()
        expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")
    finally:
        context.close()


def test_without_scripts_the_phone_header_shows_every_link(live_server: Any, browser: Any) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        navigation = page.get_by_role("navigation", name="Main")
        for label in ["Home", "Docs", "Log in", "Sign up"]:
            expect(navigation.get_by_role("link", name=label, exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    finally:
        context.close()


def test_wide_screen_header_shows_the_links_and_no_menu_button(
    live_server: Any, page: Any, client: Any, make_user: Any
) -> None:
    from playwright.sync_api import expect

    sign_in(page, client, make_user(), live_server)
    page.goto(live_server.url + reverse("credits:ledger"))
    navigation = page.get_by_role("navigation", name="Main")
    for label in ["Colorize", "Gallery", "API keys", "Credits", "Docs"]:
        expect(navigation.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    assert page.locator(".site-header").bounding_box()["height"] < 70


def test_choosing_a_new_file_clears_the_last_server_error(
    live_server: Any, page: Any, client: Any, make_user: Any
) -> None:
    from playwright.sync_api import expect

    sign_in(page, client, make_user(credits=5), live_server)
    page.goto(live_server.url + reverse("web:home"))
    page.get_by_role("button", name="Colorize").click()  # nothing chosen: the server objects
    error = page.locator("#id_image_error")
    expect(error).to_contain_text("Choose a photo to colorize")
    expect(page.locator("#id_image")).to_have_attribute("aria-invalid", "true")

    buffer = io.BytesIO()
    Image.new("L", (64, 48), 128).save(buffer, "PNG")
    page.locator("#id_image").set_input_files(
        {"name": "new.png", "mimeType": "image/png", "buffer": buffer.getvalue()}
    )
    expect(error).to_have_count(0)
    expect(page.locator(".field-error")).to_have_count(0)
    expect(page.locator("#id_image")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("button", name="Colorize")).to_be_enabled()
