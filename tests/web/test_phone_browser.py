"""What a first-time user tripped on, checked in a real browser on a 390 px phone: the job
page shows its photo once and stays short, Apply waits for a change, a refinement's pins
keep their suggested colours, and the Buy credits and shares pages do not scroll sideways."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from colorizer_site.engine import ColourHint
from colorizer_site.jobs import adjustments, services, sharing
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import JobOptions
from tests.web.test_adjust_browser import photo, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONG_EMAIL = "konstantin.von.der.muehlen-schwarzenberg.genealogy@archive.example.com"


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def scroll_width(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.usefixtures("guided_models")
def test_the_job_page_shows_the_photo_once_and_apply_waits_for_a_change(
    live_server: Any, phone: Any, client: Any, make_user: Any
) -> None:
    from playwright.sync_api import expect

    owner = make_user(email=LONG_EMAIL, credits=5)
    job = services.submit_job(
        owner=owner, image=photo(), filename="family.png",
        options=JobOptions(model="tiny"),
    )  # fmt: skip
    sign_in(phone, client, owner, live_server)
    phone.goto(live_server.url + reverse("web:job_detail", args=[job.task_id]))
    expect(phone.get_by_role("heading", name="Adjust colours")).to_be_visible()

    # One photo on the page: the Adjust panel's; the viewer comes instead on demand.
    expect(phone.get_by_test_id("compare")).to_be_hidden()
    height = phone.evaluate("document.documentElement.scrollHeight")
    phone.get_by_role("button", name="Compare with the original").click()
    expect(phone.get_by_test_id("compare")).to_be_visible()
    expect(phone.locator("[data-adjust]")).to_be_hidden()
    phone.get_by_role("button", name="Back to adjusting colours").click()
    expect(phone.locator("[data-adjust]")).to_be_visible()
    assert scroll_width(phone) <= 390
    assert height < 5000, f"the job page is {height}px tall on a phone"

    apply = phone.locator("[data-apply]")
    expect(apply).to_be_disabled()
    expect(phone.locator("[data-apply-help]")).to_be_visible()
    phone.locator("[data-vividness]").fill("70")
    expect(apply).to_be_enabled()
    expect(phone.locator("[data-vividness-out]")).to_have_text("70")


@pytest.mark.usefixtures("guided_models")
def test_a_refined_photos_pins_keep_their_suggested_colours(
    live_server: Any, phone: Any, client: Any, make_user: Any
) -> None:
    from playwright.sync_api import expect

    owner = make_user(credits=5)
    job = services.submit_job(
        owner=owner, image=photo(), filename="family.png",
        options=JobOptions(model="tiny"),
    )  # fmt: skip
    refined = adjustments.refine_job(
        job, hints=(ColourHint(x=100, y=100, color="#3a6ea5"),), vividness=None
    )
    sign_in(phone, client, owner, live_server)
    phone.goto(live_server.url + reverse("web:job_detail", args=[refined.task_id]))

    expect(phone.locator('[data-pin="1"] [data-swatch]')).to_have_count(3)
    expect(phone.locator("[data-apply]")).to_be_enabled()


def test_buy_credits_and_the_shares_page_fit_a_phone(
    live_server: Any, phone: Any, client: Any, make_user: Any, submit: Any
) -> None:
    from playwright.sync_api import expect

    owner = make_user(email=LONG_EMAIL, credits=5)
    job = submit(owner)
    ColorizationJob.objects.filter(id=job.id).update(
        input_meta={
            **job.input_meta,
            "name": "Grossmutter-und-Grossvater-am-Strand-von-Travemuende-1953.jpg",
        }
    )
    revoked, _ = sharing.create_share(owner=owner, job=job)
    sharing.revoke_share(revoked)
    sharing.create_share(owner=owner, job=job)
    sign_in(phone, client, owner, live_server)

    phone.goto(live_server.url + reverse("credits:buy"))
    expect(phone.get_by_test_id("how-to-get-credits")).to_contain_text(LONG_EMAIL)
    assert scroll_width(phone) <= 390, "Buy credits scrolls sideways"

    phone.goto(live_server.url + reverse("web:shares"))
    expect(phone.get_by_test_id("share-item")).to_have_count(2)
    assert scroll_width(phone) <= 390, "the shares page scrolls sideways"
    bullets = phone.locator(".share-list").evaluate("list => getComputedStyle(list).listStyleType")
    assert bullets == "none"
    title = phone.locator(".share-title").first
    assert title.evaluate("el => el.scrollWidth <= el.clientWidth")
    expect(phone.get_by_test_id("share-ended-url")).to_contain_text("/s/")
