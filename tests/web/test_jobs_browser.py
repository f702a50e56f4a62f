"""A real browser and a real worker: sign in, upload a grey photo, watch the bar reach
100 %, compare before and after, find the photo in the gallery, delete it."""

from __future__ import annotations

import re
import time

import pytest
from django.test import override_settings

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import ColorizationJob
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _screenshot(page, folder, name: str):
    path = folder / name
    path.unlink(missing_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def test_upload_watch_progress_compare_find_in_gallery_and_delete(
    live_server, page, screenshot_dir, make_user, gray_photo_jpeg, worker
) -> None:
    from playwright.sync_api import expect

    owner = make_user(email="margaret@example.com", credits=3)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill("margaret@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Colorize a photo")).to_be_visible()

    # Upload: the preview appears and the cost follows the options.
    page.locator("input[name=image]").set_input_files(
        files=[{"name": "grandpa.jpg", "mimeType": "image/jpeg", "buffer": gray_photo_jpeg}]
    )
    expect(page.locator("[data-preview]")).to_be_visible()
    page.get_by_label("Model", exact=True).select_option("tiny")
    page.get_by_label("Clarity boost for faces (+2 credits)").check()
    expect(page.locator("#colorize-form [data-cost-total]")).to_have_text("3")
    page.get_by_label("Repair scratches and dust (+1 credit)").check()
    expect(page.locator("#colorize-form [data-cost-total]")).to_have_text("4")
    expect(page.get_by_role("button", name="Colorize")).to_be_disabled()
    expect(page.locator("[data-cost-note]")).to_contain_text("This needs 4 credits")
    page.get_by_label("Clarity boost for faces (+2 credits)").uncheck()
    expect(page.get_by_role("button", name="Colorize")).to_be_enabled()
    upload_shot = _screenshot(page, screenshot_dir, "colorize-upload.png")
    page.get_by_role("button", name="Colorize").click()

    # The job page polls its progress partial until the worker has finished.
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f]{32}/$"))
    bar = page.get_by_role("progressbar", name="Progress")
    expect(bar).to_be_attached()
    seen: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        value = bar.get_attribute("aria-valuenow")
        if value is not None:
            seen.append(int(value))
            if seen[-1] == 100:
                break
        time.sleep(0.1)
    assert seen and seen[-1] == 100, seen
    assert seen == sorted(seen), f"the bar went backwards: {seen}"
    expect(page.get_by_test_id("job-percent")).to_have_text("100 %")

    # The photo shows once: in the Adjust panel, with the comparison one tap away.
    expect(page.get_by_test_id("compare")).to_be_hidden()
    page.get_by_role("button", name="Compare with the original").click()
    # The comparison slider shows both images and moves with the keyboard.
    compare = page.get_by_test_id("compare")
    expect(compare).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=compare] img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    for image in compare.locator("img").all():
        assert image.evaluate("img => img.naturalWidth") == 320
    divider = compare.get_by_role("slider")
    divider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    assert divider.input_value() == "60"
    assert compare.evaluate("el => el.style.getPropertyValue('--position')") == "60%"
    expect(page.get_by_test_id("balance")).to_contain_text("1")
    job_shot = _screenshot(page, screenshot_dir, "job-result.png")

    job = ColorizationJob.objects.get(owner=owner)
    assert job.state == ColorizationJob.State.SUCCEEDED
    assert balance_of(owner) == 1

    # The gallery lists it with its thumbnail; delete it after confirming.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Gallery").click()
    item = page.get_by_test_id("gallery-item")
    expect(item).to_have_count(1)
    thumbnail = item.locator("img")
    expect(thumbnail).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=gallery-item] img').naturalWidth > 0"
    )
    gallery_shot = _screenshot(page, screenshot_dir, "gallery.png")

    item.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete 1 photo?")).to_be_visible()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Deleted 1 photo.")).to_be_visible()
    expect(page.get_by_test_id("gallery-item")).to_have_count(0)
    job.refresh_from_db()
    assert job.deleted_at is not None
    assert not job.result_file

    for shot in (upload_shot, job_shot, gallery_shot):
        assert shot.exists() and shot.stat().st_size > 5_000, shot


def test_a_file_over_the_limit_is_flagged_before_uploading(
    live_server, page, make_user, gray_photo_jpeg
) -> None:
    from playwright.sync_api import expect

    owner = make_user(email="ida@example.com", credits=3)
    limit = len(gray_photo_jpeg) // 2
    with override_settings(COLORIZER_MAX_UPLOAD_BYTES=limit):
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Email address").fill("ida@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Colorize a photo")).to_be_visible()
        page.locator("input[name=image]").set_input_files(
            files=[{"name": "big.jpg", "mimeType": "image/jpeg", "buffer": gray_photo_jpeg}]
        )

        expect(page.locator("[data-size-error]")).to_contain_text("the limit is")
        expect(page.locator("input[name=image]")).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_role("button", name="Colorize")).to_be_disabled()
    assert not ColorizationJob.objects.filter(owner=owner).exists()


def test_a_photo_dropped_on_the_drop_zone_is_chosen_and_previewed(
    live_server, page, make_user, gray_photo_jpeg
) -> None:
    from playwright.sync_api import expect

    make_user(email="ada.drop@example.com", credits=3)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill("ada.drop@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Colorize a photo")).to_be_visible()
    page.wait_for_load_state("load")

    # What the browser does when a file from the desktop is dropped: a drop event
    # carrying the file in its DataTransfer.
    page.locator("[data-dropzone]").evaluate(
        """(zone, bytes) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], "dropped.jpg",
                                        {type: "image/jpeg"}));
            zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
        }""",
        list(gray_photo_jpeg),
    )

    expect(page.locator("[data-preview]")).to_be_visible()
    assert page.locator("input[name=image]").evaluate("input => input.files[0].name") == (
        "dropped.jpg"
    )
    page.get_by_role("button", name="Colorize").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f]{32}/$"))
    job = ColorizationJob.objects.get(owner__email="ada.drop@example.com")
    assert job.input_meta["name"] == "dropped.jpg"
