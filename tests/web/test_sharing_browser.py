"""In a real browser: share a photo, open the link in a fresh context (no account), see before
and after, download, revoke, 404. The job page's viewer: a portrait scan fits the window with
the downloads above it, zoom and pan (buttons, wheel, drag, keys), side by side; at 390 px
nothing scrolls sideways; axe finds nothing serious."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image, ImageDraw

from colorizer_site.jobs import files, services
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import JobOptions
from tests.web.test_adjust_browser import axe_serious, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PORTRAIT = (600, 1400)  # a tall scan: taller than any window


def portrait_photo() -> bytes:
    image = Image.linear_gradient("L").resize(PORTRAIT)
    ImageDraw.Draw(image).ellipse((150, 300, 450, 700), fill=200)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def colorized_job(owner: Any) -> ColorizationJob:
    job = services.submit_job(
        owner=owner,
        image=portrait_photo(),
        filename="aunt-edith.jpg",
        options=JobOptions(model="tiny"),
    )
    job.refresh_from_db()
    assert job.succeeded, job.error_message
    return job


def images_loaded(page: Any) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=compare] img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )


def test_share_open_without_an_account_download_revoke_then_404(
    live_server: Any, page: Any, browser: Any, client: Any, make_user: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    owner = make_user(credits=3)
    job = colorized_job(owner)
    sign_in(page, client, owner, live_server)
    page.goto(live_server.url + reverse("web:job_detail", args=[job.task_id]))
    page.get_by_label("Link works").select_option(label="7 days")
    page.get_by_test_id("share-create").click()

    expect(page.get_by_role("heading", name="Shared links")).to_be_visible()
    link = page.get_by_test_id("share-url").input_value()
    assert link.startswith(live_server.url + "/s/")

    stranger = browser.new_context(viewport={"width": 1200, "height": 900})
    stranger.set_default_timeout(15_000)
    visitor = stranger.new_page()
    try:
        response = visitor.goto(link)
        assert response.status == 200
        assert response.headers["x-robots-tag"] == "noindex, nofollow"
        expect(visitor.locator('meta[name="robots"]')).to_have_attribute(
            "content", "noindex, nofollow"
        )
        expect(visitor.get_by_role("link", name="Log in")).to_be_visible()  # not signed in
        images_loaded(visitor)
        for image in visitor.get_by_test_id("compare").locator("img").all():
            assert image.evaluate("img => img.naturalWidth") == PORTRAIT[0]
        with visitor.expect_download() as download_info:
            visitor.get_by_test_id("shared-download").click()
        saved = tmp_path / "download.jpg"
        download_info.value.save_as(saved)
        assert saved.read_bytes() == files.read(job.result_file)
        assert axe_serious(visitor) == []

        page.get_by_test_id("share-revoke").click()
        expect(page.get_by_test_id("share-ended")).to_contain_text("Revoked")

        gone = visitor.goto(link)
        assert gone.status == 404
        expect(visitor.get_by_test_id("compare")).to_have_count(0)
    finally:
        stranger.close()


def test_the_viewer_fits_the_window_zooms_pans_and_shows_side_by_side(
    live_server: Any, page: Any, client: Any, make_user: Any, screenshot_dir: Path
) -> None:
    from playwright.sync_api import expect

    owner = make_user(credits=3)
    job = colorized_job(owner)
    sign_in(page, client, owner, live_server)
    page.goto(live_server.url + reverse("web:job_detail", args=[job.task_id]))
    # An adjustable photo shows once, in the Adjust panel; the viewer is one tap away.
    page.get_by_role("button", name="Compare with the original").click()
    images_loaded(page)
    viewer = page.get_by_test_id("compare")

    # The tall photo is held to the window, and the downloads sit above it, on screen.
    height = page.viewport_size["height"]
    assert viewer.bounding_box()["height"] <= 0.71 * height
    download = page.get_by_role("link", name="Download (JPEG)")
    assert download.bounding_box()["y"] + download.bounding_box()["height"] <= height

    def zoom() -> float:
        return float(viewer.evaluate("el => el.style.getPropertyValue('--zoom') || '1'"))

    page.get_by_role("button", name="Zoom in").click()
    assert zoom() == pytest.approx(1.5)
    expect(page.locator("[data-compare-zoom-level]")).to_have_text("150 %")
    after = viewer.locator("img.compare-after").bounding_box()
    assert after["width"] > viewer.bounding_box()["width"] * 1.4

    # Drag pans both photos alike.
    box = viewer.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 40, box["y"] + box["height"] / 2 + 30, steps=4)
    page.mouse.up()
    pan_x = viewer.evaluate("el => el.style.getPropertyValue('--pan-x')")
    assert pan_x != "0%"
    before_box = viewer.locator("img.compare-before").bounding_box()
    after_box = viewer.locator("img.compare-after").bounding_box()
    assert before_box["x"] == pytest.approx(after_box["x"], abs=1)

    # The keyboard: 0 fits, + zooms, arrows pan the focused photo.
    viewer.focus()
    page.keyboard.press("0")
    assert zoom() == 1
    page.keyboard.press("+")
    page.keyboard.press("ArrowRight")
    assert zoom() == pytest.approx(1.5)
    assert viewer.evaluate("el => el.style.getPropertyValue('--pan-x')") != "0%"
    page.get_by_role("button", name="Fit").click()
    assert zoom() == 1

    # The wheel zooms around the pointer.
    page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.mouse.wheel(0, -300)
    assert zoom() > 1.5
    page.get_by_role("button", name="Fit").click()

    # Side by side: the two photos next to each other, the divider gone.
    page.get_by_role("button", name="Side by side").click()
    expect(viewer).to_have_attribute("data-mode", "side")
    expect(page.get_by_role("button", name="Side by side")).to_have_attribute(
        "aria-pressed", "true"
    )
    left = viewer.locator(".compare-pane-before").bounding_box()
    right = viewer.locator(".compare-pane-after").bounding_box()
    assert left["x"] + left["width"] <= right["x"] + 1
    assert right["width"] > 50 and left["width"] > 50
    expect(viewer.get_by_role("slider")).to_be_hidden()
    page.get_by_role("button", name="Zoom in").click()
    assert viewer.locator("img.compare-before").bounding_box()["width"] > left["width"] * 1.4
    page.screenshot(path=str(screenshot_dir / "job-side-by-side.png"))
    assert axe_serious(page) == []


def test_job_share_and_link_pages_fit_a_390_px_phone(
    live_server: Any, browser: Any, client: Any, make_user: Any, screenshot_dir: Path
) -> None:
    from playwright.sync_api import expect

    owner = make_user(credits=3)
    job = colorized_job(owner)
    from colorizer_site.jobs import sharing

    _, token = sharing.create_share(owner=owner, job=job)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    context.set_default_timeout(15_000)
    phone = context.new_page()
    try:
        sign_in(phone, client, owner, live_server)
        for name, path in (
            ("job page", reverse("web:job_detail", args=[job.task_id])),
            ("shared links", reverse("web:shares")),
            ("public share", reverse("web:shared", args=[token])),
        ):
            phone.goto(live_server.url + path)
            if name != "shared links":
                images_loaded(phone)
                download = phone.get_by_role("link", name="Download (JPEG)")
                expect(download).to_be_in_viewport()
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"the {name} scrolls sideways ({width}px)"
            assert axe_serious(phone) == [], name
        phone.goto(live_server.url + reverse("web:job_detail", args=[job.task_id]))
        phone.get_by_role("button", name="Compare with the original").click()
        phone.get_by_role("button", name="Side by side").click()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.screenshot(path=str(screenshot_dir / "job-phone.png"), full_page=True)
    finally:
        context.close()
