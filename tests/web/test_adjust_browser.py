"""Adjust colours in a real browser: three pins (a suggested swatch, the colour picker and
the keyboard crosshair), the preview follows, Apply, and the full-size download has the
chosen colours at the pins with the photo's own lightness. Then the pages on a 390 px
phone, and axe (axe-core, from the axe-playwright-python wheel) on each of them.

`tiny` is the guided test graph of tests/engine/conftest.py, so the colours are known.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.urls import reverse
from PIL import Image

from colorizer_site.credits.services import balance_of
from colorizer_site.engine.color import lab_of_rgb
from colorizer_site.jobs import services
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import JobOptions
from colorizer_site.jobs.worker import run_job

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("guided_models"),
]
WIDTH, HEIGHT = 800, 600
PICKED = "#3a6ea5"
SERIOUS = ("serious", "critical")


def photo() -> bytes:
    """Flat mid-grey with a darker block: pins on even ground, a little structure."""
    image = Image.new("L", (WIDTH, HEIGHT), 140)
    image.paste(60, (500, 380, 760, 560))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def lab_of_hex(colour: str) -> np.ndarray:
    rgb = np.array([[[int(colour[i : i + 2], 16) for i in (1, 3, 5)]]], dtype=np.uint8)
    return lab_of_rgb(rgb)[0, 0]


def lab_of_pixel(rgb: list[int]) -> np.ndarray:
    return lab_of_rgb(np.array([[rgb[:3]]], dtype=np.uint8))[0, 0]


def delta_ab(lab: np.ndarray, colour: str) -> float:
    return float(np.hypot(*(lab[1:] - lab_of_hex(colour)[1:])))


def sign_in(page: Any, client: Any, user: Any, live_server: Any) -> None:
    client.force_login(user)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])


def pixels_at(page: Any, points: list[tuple[float, float]]) -> list[list[int]]:
    """RGBA of the photo panel's image at points given in the photo's pixels."""
    return page.locator("[data-preview-image]").evaluate(
        """(img, points) => {
            const canvas = document.createElement("canvas");
            canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
            const context = canvas.getContext("2d");
            context.drawImage(img, 0, 0);
            return points.map(([x, y, width, height]) => Array.from(context.getImageData(
                Math.floor(x * img.naturalWidth / width),
                Math.floor(y * img.naturalHeight / height), 1, 1).data));
        }""",
        [[x, y, WIDTH, HEIGHT] for x, y in points],
    )


def axe_serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def test_three_pins_preview_apply_and_download_the_chosen_colours(
    live_server: Any, page: Any, client: Any, make_user: Any, screenshot_dir: Path
) -> None:
    from playwright.sync_api import expect

    owner = make_user(credits=5)
    job = services.submit_job(
        owner=owner,
        image=photo(),
        filename="family.png",
        options=JobOptions(model="tiny", output_format="png"),
    )
    job.refresh_from_db()
    assert job.state == ColorizationJob.State.SUCCEEDED
    sign_in(page, client, owner, live_server)
    page.goto(live_server.url + reverse("web:job_detail", args=[job.task_id]))
    expect(page.get_by_role("heading", name="Adjust colours")).to_be_visible()
    page.wait_for_function("() => document.querySelector('[data-preview-image]').complete")
    photo_area = page.locator("[data-photo]")
    box = page.locator("[data-preview-image]").bounding_box()
    scale = box["width"] / WIDTH
    status = page.locator("[data-adjust-status]")

    # Pin 1: a click, then the third colour the model suggests there.
    photo_area.click(position={"x": 200 * scale, "y": 150 * scale})
    swatches = page.locator('[data-pin="1"] [data-swatch]')
    expect(swatches).to_have_count(3)
    swatch = swatches.nth(2)
    swatch.click()
    expect(swatch).to_have_attribute("aria-pressed", "true")
    # Pin 2: a click, then any colour from the picker.
    photo_area.click(position={"x": 600 * scale, "y": 150 * scale})
    expect(page.locator('[data-pin="2"] [data-swatch]')).to_have_count(3)
    page.locator('[data-picker="2"]').fill(PICKED)
    # Pin 3: the keyboard crosshair, from the middle two big steps left and one down.
    photo_area.focus()
    for key in ("Shift+ArrowLeft", "Shift+ArrowLeft", "Shift+ArrowDown"):
        page.keyboard.press(key)
    expect(page.locator("[data-crosshair]")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator('[data-pin="3"] [data-swatch][aria-pressed="true"]')).to_have_count(1)
    expect(page.locator("[data-pin-marker]")).to_have_count(3)

    # The preview catches up with all three pins.
    expect(status).to_contain_text("Preview updated: 3 pins", timeout=20_000)
    hints = page.evaluate("JSON.parse(document.querySelector('[data-hints-field]').value)")
    assert [(round(h["x"] / 10), round(h["y"] / 10)) for h in hints] == [
        (20, 15),
        (60, 15),
        (24, 36),
    ]
    chosen = [hint["color"] for hint in hints]
    assert chosen[0] == swatch.get_attribute("data-swatch") and chosen[1] == PICKED
    assert len(set(chosen)) == 3
    points = [(hint["x"], hint["y"]) for hint in hints]
    preview = pixels_at(page, points)
    with job.result_file.open("rb") as handle:
        before = lab_of_rgb(np.asarray(Image.open(handle).convert("RGB")))
    for (x, y), rgb, colour in zip(points, preview, chosen, strict=True):
        assert delta_ab(lab_of_pixel(rgb), colour) < 8.0, (x, y, colour)
        assert delta_ab(before[int(y), int(x)], colour) > 15.0, (x, y, colour)
    page.screenshot(path=str(screenshot_dir / "adjust-pins.png"), full_page=True)

    # The confidence view lays its shade over the photo.
    page.get_by_label("Shade where the model is unsure").check()
    expect(page.locator("[data-confidence-image]")).to_be_visible()
    page.get_by_label("Shade where the model is unsure").uncheck()

    # Apply: a new job, charged, linked; its full-size download has the colours.
    page.get_by_role("button", name="Apply (1 credit)").click()
    refinement = ColorizationJob.objects.get(refines=job)
    expect(page).to_have_url(live_server.url + reverse("web:job_detail", args=[refinement.task_id]))
    expect(page.get_by_role("heading", name="Done")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download (PNG)").click()
    result = Image.open(download.value.path()).convert("RGB")
    assert result.size == (WIDTH, HEIGHT)
    lab = lab_of_rgb(np.asarray(result))
    original = lab_of_rgb(np.asarray(Image.open(io.BytesIO(photo())).convert("RGB")))
    for (x, y), colour in zip(points, chosen, strict=True):
        assert delta_ab(lab[int(y), int(x)], colour) < 3.0, (x, y, colour, lab[int(y), int(x)])
    assert np.abs(lab[..., 0] - original[..., 0]).max() < 1.0  # L unchanged everywhere
    assert balance_of(owner) == 3

    # The gallery groups the refinement under its original.
    page.goto(live_server.url + reverse("web:gallery"))
    expect(page.get_by_test_id("gallery-item")).to_have_count(1)
    expect(page.get_by_test_id("gallery-version")).to_have_count(1)


def test_the_pages_work_on_a_phone_and_pass_axe(
    live_server: Any, browser: Any, client: Any, make_user: Any, screenshot_dir: Path
) -> None:
    from playwright.sync_api import expect

    owner = make_user(credits=5)
    job = services.submit_job(
        owner=owner,
        image=photo(),
        filename="family.png",
        options=JobOptions(model="tiny"),
    )
    services.rerun_job(job, options=JobOptions(model="tiny", vividness=80), refines=job)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, client, owner, live_server)
        job_url = live_server.url + reverse("web:job_detail", args=[job.task_id])
        page.goto(job_url)
        expect(page.get_by_role("heading", name="Adjust colours")).to_be_visible()

        # A tap places a pin; its swatches and the Apply button fit the screen.
        page.locator("[data-photo]").tap(position={"x": 120, "y": 60})
        expect(page.locator('[data-pin="1"] [data-swatch]')).to_have_count(3)
        expect(page.locator("[data-adjust-status]")).to_contain_text(
            "Preview updated: 1 pin", timeout=20_000
        )
        for locator in (
            page.locator("[data-photo]"),
            page.locator('[data-pin="1"]'),
            page.get_by_role("button", name="Apply (1 credit)"),
        ):
            box = locator.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the job page scrolls sideways ({width}px)"
        page.screenshot(path=str(screenshot_dir / "adjust-phone.png"), full_page=True)

        found = {}
        for name, url in (
            ("job page with a pin", None),
            ("colorize", reverse("web:home")),
            ("gallery", reverse("web:gallery")),
            ("API docs", reverse("docs")),
        ):
            if url:
                page.goto(live_server.url + url)
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, f"{name} scrolls sideways ({width}px)"
            if name == "gallery":
                expect(page.get_by_test_id("gallery-version")).to_have_count(1)
            found[name] = axe_serious(page)
        assert found == {name: [] for name in found}, found
    finally:
        context.close()


def test_pins_move_by_keyboard_and_by_dragging_and_can_be_removed(
    live_server: Any, page: Any, client: Any, make_user: Any
) -> None:
    from playwright.sync_api import expect

    owner = make_user(credits=3)
    job = services.submit_job(
        owner=owner,
        image=photo(),
        filename="family.png",
        options=JobOptions(model="tiny"),
    )
    sign_in(page, client, owner, live_server)
    page.goto(live_server.url + reverse("web:job_detail", args=[job.task_id]))
    photo_area = page.locator("[data-photo]")
    scale = page.locator("[data-preview-image]").bounding_box()["width"] / WIDTH

    def hints() -> list[dict]:
        return page.evaluate("JSON.parse(document.querySelector('[data-hints-field]').value)")

    photo_area.click(position={"x": 100 * scale, "y": 100 * scale})
    photo_area.click(position={"x": 300 * scale, "y": 300 * scale})
    expect(page.locator('[data-pin="2"] [data-swatch]')).to_have_count(3)
    expect(page.locator("[data-adjust-status]")).to_contain_text("2 pins", timeout=20_000)
    first = hints()

    # Keyboard: a big step right moves pin 1 by a tenth of the photo's width.
    page.locator('[data-pin-marker="1"]').focus()
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator('[data-pin-marker="1"]')).to_be_focused()
    moved = hints()
    assert moved[0]["x"] == first[0]["x"] + 80 and moved[0]["y"] == first[0]["y"]

    # Mouse: drag pin 2 to about (500, 200) of the photo.
    marker = page.locator('[data-pin-marker="2"]').bounding_box()
    page.mouse.move(marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2)
    page.mouse.down()
    box = page.locator("[data-preview-image]").bounding_box()
    page.mouse.move(box["x"] + 500 * scale, box["y"] + 200 * scale, steps=5)
    page.mouse.up()
    dragged = hints()[1]
    assert abs(dragged["x"] - 500) <= 3 and abs(dragged["y"] - 200) <= 3, dragged
    assert len(hints()) == 2  # a drag is not a new pin

    # Delete on a focused pin, and the Remove button, take them away.
    page.locator('[data-pin-marker="1"]').focus()
    page.keyboard.press("Delete")
    expect(page.locator("[data-pin-marker]")).to_have_count(1)
    page.get_by_role("button", name="Remove pin 1").click()
    expect(page.locator("[data-pin-marker]")).to_have_count(0)
    assert hints() == []
    expect(page.locator("[data-adjust-status]")).to_contain_text("0 pins", timeout=20_000)


def test_the_panel_arrives_with_the_last_progress_poll_and_works(
    live_server: Any, page: Any, client: Any, make_user: Any
) -> None:
    from django.test.utils import override_settings
    from playwright.sync_api import expect

    owner = make_user(credits=3)
    queue_only = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=queue_only):
        job = services.submit_job(
            owner=owner,
            image=photo(),
            filename="family.png",
            options=JobOptions(model="tiny"),
        )
    sign_in(page, client, owner, live_server)
    page.goto(live_server.url + reverse("web:job_detail", args=[job.task_id]))
    expect(page.get_by_role("heading", name="In the queue: starting soon")).to_be_visible()
    expect(page.get_by_role("heading", name="Adjust colours")).to_have_count(0)

    run_job(job.id)  # what the worker does

    expect(page.get_by_role("heading", name="Adjust colours")).to_be_visible(timeout=10_000)
    expect(page.locator("[data-suggestion]").first).to_be_visible()  # adjust-regions.js too
    page.locator("[data-photo]").click(position={"x": 40, "y": 40})
    expect(page.locator('[data-pin="1"] [data-swatch]')).to_have_count(3)
    expect(page.locator("[data-adjust-status]")).to_contain_text(
        "Preview updated: 1 pin", timeout=20_000
    )
