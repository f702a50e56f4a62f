"""Every page on a 390 px phone (signed-in pages also on a wide screen), in the light and
the dark colour scheme: no sideways scroll, and axe (axe-core, from the
axe-playwright-python wheel) finds nothing serious or critical. Screenshots land in
test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse
from PIL import Image

from colorizer_site.jobs import services
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import JobOptions
from colorizer_site.keys.services import create_key
from colorizer_site.webhooks.models import Event
from colorizer_site.webhooks.services import create_endpoint

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("guided_models"),
]
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
SERIOUS = ("serious", "critical")
SIGNED_OUT_PAGES = {
    "home": "web:home",
    "log in": "account_login",
    "sign up": "account_signup",
    "password reset": "account_reset_password",
    "check your email": "account_email_verification_sent",
    "docs": "docs",
}
SIGNED_IN_PAGES = {
    "colorize": "web:home",
    "gallery": "web:gallery",
    "ledger": "credits:ledger",
    "buy credits": "credits:buy",
    "receipts": "credits:receipts",
    "keys": "keys:list",
    "webhooks": "webhooks:list",
    "profile": "accounts:profile",
    "change password": "account_change_password",
    "email address": "account_email",
    "sign-in and security": "mfa_index",
    "docs": "docs",
}


def optional_pages() -> dict[str, str]:
    """Pages that other parts of the project add (the privacy page): checked when present."""
    found = {}
    for name, url_name in {"privacy": "privacy:privacy"}.items():
        with contextlib.suppress(NoReverseMatch):
            found[name] = reverse(url_name)
    return found


def photo() -> bytes:
    image = Image.linear_gradient("L").resize((480, 320))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def axe_serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} "
        f"at {[node['target'] for node in violation['nodes']][:3]}"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def sideways(page: Any) -> int:
    """How many pixels the page is wider than the screen (0: no sideways scroll)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.fixture
def tab(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A browser tab in the given colour scheme: a 390 px phone, or a wide screen for "-wide"."""
    scheme, _, size = request.param.partition("-")
    screen = (
        {"viewport": WIDE}
        if size == "wide"
        else {"viewport": PHONE, "has_touch": True, "is_mobile": True}
    )
    context = browser.new_context(**screen, color_scheme=scheme)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def sign_in(page: Any, client: Any, user: Any, live_server: Any) -> None:
    client.force_login(user)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])


def check_pages(
    page: Any, live_server: Any, pages: dict[str, str], prefix: str, screenshot_dir: Path
) -> dict[str, list[str]]:
    """{page name: problems}; a page without problems maps to []."""
    found = {}
    for name, url in pages.items():
        page.goto(live_server.url + url)
        problems = axe_serious(page)
        extra = sideways(page)
        if extra > 0:
            problems.append(f"scrolls sideways by {extra}px")
        found[name] = problems
        shot = screenshot_dir / f"{prefix}-{name.replace(' ', '-')}.png"
        page.screenshot(path=str(shot), full_page=True)
    return found


@pytest.mark.parametrize("tab", ["light", "dark"], indirect=True)
def test_signed_out_pages_fit_a_phone_and_pass_axe(
    live_server: Any, tab: Any, screenshot_dir: Path, request: pytest.FixtureRequest
) -> None:
    scheme = request.node.callspec.params["tab"]
    pages = {name: reverse(url_name) for name, url_name in SIGNED_OUT_PAGES.items()}
    pages["page not found"] = "/no/such/page/"
    pages.update(optional_pages())
    found = check_pages(tab, live_server, pages, f"phone-{scheme}-out", screenshot_dir)
    assert found == {name: [] for name in pages}, found
    # The scheme really changed the page: the canvas colour of site.css for each.
    canvas = tab.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert canvas == {"light": "rgb(245, 246, 248)", "dark": "rgb(18, 22, 27)"}[scheme]


@pytest.mark.parametrize("tab", ["light", "dark", "light-wide", "dark-wide"], indirect=True)
def test_signed_in_pages_fit_the_screen_and_pass_axe(
    live_server: Any,
    tab: Any,
    client: Any,
    make_user: Any,
    screenshot_dir: Path,
    request: pytest.FixtureRequest,
) -> None:
    screen = request.node.callspec.params["tab"]
    owner = make_user(email="a-rather-long-address.for-a-phone@example.com", credits=6)
    job = services.submit_job(
        owner=owner,
        image=photo(),
        filename="grandmother-at-the-seaside-1931-scan-600dpi.png",
        options=JobOptions(model="tiny"),
    )
    job.refresh_from_db()
    assert job.state == ColorizationJob.State.SUCCEEDED
    create_key(user=owner, name="the family archive scanner at home")
    create_endpoint(
        owner=owner,
        url="http://127.0.0.1:9/colorizer/a-very-long-path/that-goes-on-and-on/1234567890",
        events=[Event.values[0]],
    )
    sign_in(tab, client, owner, live_server)
    pages = {name: reverse(url_name) for name, url_name in SIGNED_IN_PAGES.items()}
    pages["job page"] = reverse("web:job_detail", args=[job.task_id])
    pages["delete a photo"] = reverse("web:job_delete", args=[job.task_id])
    pages.update(optional_pages())
    found = check_pages(tab, live_server, pages, f"phone-{screen}-in", screenshot_dir)
    # A page with a message (the list in its status region) after revoking the key.
    tab.goto(live_server.url + reverse("keys:list"))
    tab.get_by_role("link", name="Revoke").click()
    found["revoke a key"] = axe_serious(tab)
    tab.get_by_role("button", name="Revoke key").click()
    tab.get_by_role("status").get_by_role("listitem").first.wait_for()
    found["keys, after a message"] = axe_serious(tab) + (
        [f"scrolls sideways by {sideways(tab)}px"] if sideways(tab) > 0 else []
    )
    assert found == {name: [] for name in found}, found
