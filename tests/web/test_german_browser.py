"""The main flow in German, in a real browser whose language is German: sign up, verify
the address, colorize a photo with a real worker, find it in the gallery, read the
credits; then the switcher turns the site to English and the account remembers it."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from colorizer_site.accounts.models import Preferences
from tests.web.catalogues import compiled_catalogues  # noqa: F401  (a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("compiled_catalogues", "guided_models"),
]
PASSWORD = "kupfer-wiese-geige-73"


def test_sign_up_colorize_gallery_and_credits_in_german(
    live_server, browser, worker, gray_photo_jpeg, screenshot_dir
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(locale="de-DE", viewport={"width": 1200, "height": 900})
    # Generous: the worker process starts beside the browser on a busy machine.
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Bringen Sie Farbe in Schwarzweißfotos"
        )

        # Sign up; the address is verified by the link in the (German) email.
        page.get_by_role("link", name="Registrieren", exact=True).click()
        expect(page.get_by_role("heading", name="Konto erstellen")).to_be_visible()
        page.locator("input[name=email]").fill("greta@example.com")
        page.locator("input[name=password1]").fill(PASSWORD)
        page.locator("input[name=password2]").fill(PASSWORD)
        page.get_by_role("button", name="Registrieren").click()
        expect(page.get_by_role("heading", name="Sehen Sie in Ihr Postfach")).to_be_visible()
        link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
        page.goto(live_server.url + link.group(1))
        page.get_by_role("button", name="Bestätigen").click()
        expect(page.get_by_test_id("balance")).to_have_text(re.compile(r"^\s*3\s+Credits\s*$"))

        # Colorize: the labels, the cost line and the progress all speak German.
        expect(page.get_by_role("heading", name="Foto kolorieren")).to_be_visible()
        page.locator("input[name=image]").set_input_files(
            files=[{"name": "opa.jpg", "mimeType": "image/jpeg", "buffer": gray_photo_jpeg}]
        )
        page.get_by_label("Modell", exact=True).select_option("tiny")
        page.get_by_label("Kratzer und Staub entfernen (+1 Credit)").check()
        expect(page.locator("[data-cost-plural]")).to_have_text("Credits")
        page.get_by_label("Kratzer und Staub entfernen (+1 Credit)").uncheck()
        expect(page.locator("[data-cost-plural]")).to_have_text("Credit")
        page.get_by_role("button", name="Kolorieren", exact=True).click()
        expect(page.get_by_role("heading", name="Fertig")).to_be_visible(timeout=120_000)
        expect(page.get_by_role("link", name="Teilen", exact=True)).to_be_visible()

        # The gallery and the credits page.
        page.get_by_role("link", name="Galerie", exact=True).click()
        item = page.get_by_test_id("gallery-item")
        expect(item).to_have_count(1)
        expect(item).to_contain_text("Erfolgreich")
        page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
            "link", name="Credits"
        ).click()
        expect(page.get_by_role("heading", name="Credits", level=1)).to_be_visible()
        ledger = page.get_by_test_id("ledger-entry")
        expect(ledger.filter(has_text="Abbuchung: Kolorierung")).to_have_count(1)
        expect(ledger.filter(has_text="Gutschrift: Willkommensbonus")).to_have_count(1)
        page.screenshot(path=str(screenshot_dir / "credits-de.png"), full_page=True)

        # The switcher in the footer: English from now on, saved on the account.
        page.get_by_label("Sprache").select_option("en")
        page.get_by_role("button", name="Wechseln").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", name="Credits", level=1)).to_be_visible()
        expect(
            page.get_by_test_id("ledger-entry").filter(has_text="Charge: Colorization")
        ).to_have_count(1)
        assert Preferences.objects.get(user__email="greta@example.com").language == "en"
    finally:
        context.close()
