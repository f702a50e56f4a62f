"""Suggested pins and a pin's reach in a real browser: a finished job shows its suggested
regions outlined and numbered; one click on a suggested colour places the pin there and
the preview takes that colour; the pointer over the photo outlines the surface a pin there
would colour. Then the panel on a 390 px phone in dark mode, and axe.

`tiny` is the guided test graph (unsure on mid-grey, sure on dark grey), so the suggestion
lies on the mid-grey and a pin's reach stops at the dark band's edge.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from colorizer_site.jobs import services
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import JobOptions
from tests.web.test_adjust_browser import axe_serious, delta_ab, lab_of_pixel, pixels_at, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("guided_models"),
]
WIDTH, HEIGHT = 800, 600
EDGE = 480  # the dark band starts here
MARGIN = 40  # the model's grid is coarser than the photo
SUGGESTION = "polygon.region-suggestion:not(.region-halo)"
REACH = "polygon.region-reach:not(.region-halo)"
PIN_REACH = "polygon.region-pin:not(.region-halo)"


def photo() -> bytes:
    image = Image.new("L", (WIDTH, HEIGHT), 140)
    image.paste(40, (EDGE, 0, WIDTH, HEIGHT))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def finished_job(owner: Any) -> ColorizationJob:
    job = services.submit_job(
        owner=owner,
        image=photo(),
        filename="parlour.png",
        options=JobOptions(model="tiny", output_format="png"),
    )
    job.refresh_from_db()
    assert job.state == ColorizationJob.State.SUCCEEDED
    return job


def outline_of(page: Any, selector: str) -> list[tuple[float, float]]:
    points = page.locator(selector).first.get_attribute("points")
    return [tuple(float(v) for v in pair.split(",")) for pair in points.split()]


def test_a_suggested_colour_places_its_pin_and_the_reach_follows_the_pointer(
    live_server: Any, page: Any, client: Any, make_user: Any, screenshot_dir: Path
) -> None:
    from playwright.sync_api import expect

    owner = make_user(credits=3)
    job = finished_job(owner)
    sign_in(page, client, owner, live_server)
    page.goto(live_server.url + reverse("web:job_detail", args=[job.task_id]))
    expect(page.get_by_role("heading", name="Suggested pins")).to_be_visible()

    # The suggestions: outlined on the photo, numbered, each with the model's colours.
    expect(page.locator("[data-suggestion]").first).to_be_visible()
    count = page.locator("[data-suggestion]").count()
    assert 1 <= count <= 3
    expect(page.locator(f"[data-regions] {SUGGESTION}").first).to_be_attached()
    assert page.locator(f"[data-regions] {SUGGESTION}").count() <= count
    expect(page.locator('[data-region-label="1"]')).to_be_visible()
    first = outline_of(page, SUGGESTION)
    assert max(x for x, _ in first) <= EDGE + MARGIN, first  # the mid-grey, not the band
    swatches = page.locator('[data-suggestion="1"] [data-suggestion-swatch]')
    assert swatches.count() >= 2
    page.screenshot(path=str(screenshot_dir / "suggestions.png"), full_page=True)

    # One click on the second colour: the pin is placed there and the preview follows.
    swatch = swatches.nth(1)
    colour = swatch.get_attribute("data-suggestion-swatch")
    expect(swatch).to_have_accessible_name(
        re.compile(rf"^Pin region 1 with {colour} \(\d+\s?% likely\)$")
    )
    swatch.click()
    expect(page.locator("[data-pin-marker]")).to_have_count(1)
    expect(page.locator("[data-adjust-status]")).to_contain_text(
        "Preview updated: 1 pin", timeout=20_000
    )
    hints = page.evaluate("JSON.parse(document.querySelector('[data-hints-field]').value)")
    assert len(hints) == 1 and hints[0]["color"] == colour
    x, y = hints[0]["x"], hints[0]["y"]
    assert x < EDGE
    (pixel,) = pixels_at(page, [(x, y)])
    assert delta_ab(lab_of_pixel(pixel), colour) < 8.0, (pixel, colour)
    expect(page.locator('[data-pin="1"] [data-swatch]').first).to_be_visible()
    # The region counts as pinned: its outline gives way to the pin's own reach.
    expect(page.locator('[data-suggestion="1"] .suggestion-title')).to_contain_text("pinned")
    expect(page.locator('[data-region-label="1"]')).to_have_count(0)
    expect(page.locator(f"[data-regions] {PIN_REACH}")).to_have_count(1)
    expect(swatch).to_have_attribute("aria-pressed", "true")

    # The pointer over the dark band outlines the band only, up to its edge.
    box = page.locator("[data-preview-image]").bounding_box()
    scale = box["width"] / WIDTH
    page.mouse.move(box["x"] + 640 * scale, box["y"] + 300 * scale)
    expect(page.locator(f"[data-regions] {REACH}")).to_have_count(1)
    band = outline_of(page, REACH)
    assert EDGE - MARGIN <= min(x for x, _ in band) <= EDGE + MARGIN, band
    assert max(x for x, _ in band) >= WIDTH - MARGIN, band
    expect(page.locator("#adjust-reach-help")).to_contain_text("how far a pin there would reach")
    page.screenshot(path=str(screenshot_dir / "reach-hover.png"), full_page=True)
    # Over the mid-grey it is the other surface; off the photo, nothing.
    page.mouse.move(box["x"] + 100 * scale, box["y"] + 100 * scale)
    expect(page.locator(f"[data-regions] {REACH}")).to_have_count(1)
    page.wait_for_function(
        """([selector, edge]) => {
            const shape = document.querySelector(selector);
            return shape && Math.max(...shape.getAttribute('points').split(' ')
                .map((pair) => Number(pair.split(',')[0]))) < edge; }""",
        arg=[f"[data-regions] {REACH}", EDGE + MARGIN],
    )
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] + 200)
    expect(page.locator(f"[data-regions] {REACH}")).to_have_count(0)


def test_suggestions_fit_a_phone_in_dark_mode_and_pass_axe(
    live_server: Any, browser: Any, client: Any, make_user: Any, screenshot_dir: Path
) -> None:
    from playwright.sync_api import expect

    owner = make_user(credits=3)
    job = finished_job(owner)
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
        color_scheme="dark",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, client, owner, live_server)
        page.goto(live_server.url + reverse("web:job_detail", args=[job.task_id]))
        swatch = page.locator('[data-suggestion="1"] [data-suggestion-swatch]').first
        expect(swatch).to_be_visible()
        for locator in (page.locator('[data-suggestion="1"]'), swatch):
            box = locator.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the job page scrolls sideways ({width}px)"
        # Dark mode: the suggestion text is light on the dark page.
        colour = page.locator('[data-suggestion="1"] .suggestion-title').evaluate(
            "(element) => getComputedStyle(element).color"
        )
        red, green, blue = (int(v) for v in colour[colour.index("(") + 1 : -1].split(",")[:3])
        assert red + green + blue > 450, colour

        swatch.tap()
        expect(page.locator("[data-adjust-status]")).to_contain_text(
            "Preview updated: 1 pin", timeout=20_000
        )
        expect(page.locator(f"[data-regions] {PIN_REACH}")).to_have_count(1)
        page.screenshot(path=str(screenshot_dir / "suggestions-phone-dark.png"), full_page=True)
        assert axe_serious(page) == []
    finally:
        context.close()


def test_suggested_colours_work_from_the_keyboard(
    live_server: Any, page: Any, client: Any, make_user: Any
) -> None:
    from playwright.sync_api import expect

    owner = make_user(credits=3)
    job = finished_job(owner)
    sign_in(page, client, owner, live_server)
    page.goto(live_server.url + reverse("web:job_detail", args=[job.task_id]))
    swatch = page.locator('[data-suggestion="1"] [data-suggestion-swatch]').first
    expect(swatch).to_be_visible()

    swatch.focus()
    page.keyboard.press("Enter")

    expect(page.locator("[data-pin-marker]")).to_have_count(1)
    expect(swatch).to_be_focused()
    expect(swatch).to_have_attribute("aria-pressed", "true")
    # A second colour of the same region recolours its pin instead of adding one.
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("[data-pin-marker]")).to_have_count(1)
    hints = page.evaluate("JSON.parse(document.querySelector('[data-hints-field]').value)")
    second = page.locator('[data-suggestion="1"] [data-suggestion-swatch]').nth(1)
    assert hints[0]["color"] == second.get_attribute("data-suggestion-swatch")

    # The keyboard crosshair shows its reach once it rests: from the middle, three big
    # steps right put it on the dark band.
    page.locator("[data-photo]").focus()
    for _ in range(3):
        page.keyboard.press("Shift+ArrowRight")
    expect(page.locator(f"[data-regions] {REACH}")).to_have_count(1)
    band = outline_of(page, REACH)
    assert EDGE - MARGIN <= min(x for x, _ in band) <= EDGE + MARGIN, band
