"""A real browser and a real worker: choosing a faded print preselects restore, the job page
shows the kind and before/after, the share page and gallery say restored; a black-and-white
photo preselects colorize."""

from __future__ import annotations

import re

import numpy as np
import pytest

from colorizer_site.jobs.models import ColorizationJob
from tests.conftest import PASSWORD
from tests.engine.test_restore import as_uint8, jpeg, sample
from training import fading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, email: str) -> None:
    from playwright.sync_api import expect

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Colorize a photo")).to_be_visible()


def _choose(page, name: str, data: bytes) -> None:
    page.locator("input[name=image]").set_input_files(
        files=[{"name": name, "mimeType": "image/jpeg", "buffer": data}]
    )


def test_a_faded_print_is_recognised_restored_compared_shared_and_listed(
    live_server, page, screenshot_dir, make_user, worker
) -> None:
    from playwright.sync_api import expect

    owner = make_user(email="ruth@example.com", credits=3)
    _log_in(page, live_server, "ruth@example.com")
    expect(page.locator("input[name=mode][value=colorize]")).to_be_checked()

    faded = as_uint8(fading.fade(sample("coffee") / 255.0, "cyan_loss", np.random.default_rng(0)))
    _choose(page, "1974-kitchen.jpg", jpeg(faded))
    note = page.get_by_test_id("photo-kind")
    expect(note).to_have_text("This photo already has colour: restoring its colours keeps them.")
    expect(page.locator("input[name=mode][value=restore]")).to_be_checked()
    submit = page.locator("[data-submit]")
    expect(submit).to_have_text("Restore colours")
    expect(page.locator("#colorize-form [data-cost-total]")).to_have_text("1")
    page.screenshot(path=str(screenshot_dir / "restore-choice.png"), full_page=True)
    submit.click()

    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f]{32}/$"), timeout=60_000)
    expect(page.get_by_test_id("job-detected")).to_contain_text("faded colour", timeout=60_000)
    compare = page.get_by_test_id("compare")
    expect(compare).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=compare] img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    job = ColorizationJob.objects.get(owner=owner)
    assert job.options["mode"] == "restore" and job.result_meta["photo_kind"] == "faded"
    page.reload()
    expect(page.get_by_test_id("job-mode")).to_have_text("Restore colours")
    page.screenshot(path=str(screenshot_dir / "restore-job.png"), full_page=True)

    page.get_by_test_id("share-create").click()
    expect(page.get_by_role("heading", name="Shared links")).to_be_visible()
    share_url = page.get_by_test_id("share-url").first.input_value()
    page.goto(share_url)
    expect(page.get_by_role("heading", name="A restored photo")).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=compare] img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )

    page.goto(live_server.url + "/gallery/")
    expect(page.get_by_test_id("gallery-restored")).to_have_text("Restored")


def test_a_black_and_white_photo_preselects_colorize(
    live_server, page, make_user, gray_photo_jpeg
) -> None:
    from playwright.sync_api import expect

    make_user(email="otto@example.com", credits=3)
    _log_in(page, live_server, "otto@example.com")
    page.locator("input[name=mode][value=restore]").check()
    expect(page.locator("[data-submit]")).to_have_text("Restore colours")

    _choose(page, "grandpa.jpg", gray_photo_jpeg)
    expect(page.get_by_test_id("photo-kind")).to_have_text(
        "This photo is black and white: colorizing gives it colour."
    )
    expect(page.locator("input[name=mode][value=colorize]")).to_be_checked()
    expect(page.locator("[data-submit]")).to_have_text("Colorize")
