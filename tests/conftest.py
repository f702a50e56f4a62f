"""Fixtures shared by the whole suite: users, keys, a browser and a real photo.

App-specific fixtures live in tests/<app>/conftest.py.
"""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test.utils import override_settings

# Playwright's sync API runs an event loop in the test thread, and Django then
# refuses database calls from it ("async context"); live_server and the ORM are
# used from plain synchronous code here, so the check is a false alarm.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# torch's OpenMP threads (the training tests) spin while they wait; beside a browser,
# workers and the database on two cores that made a small training step many times
# slower. The engine sets the same for ncnn (engine/clarity.py).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

PASSWORD = "plum-orchard-lantern-42"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


# --- the run itself -------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """Under CI (the CI variable set) a skipped test fails the run: a skip there
    means a part of the product went untested."""
    report = yield
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"Skipped tests fail under CI: {reason}"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    # A module-level skip (pytest.importorskip) is reported at collection time.
    report = yield
    if os.environ.get("CI") and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"Skipped tests fail under CI: {report.longrepr}"
    return report


@pytest.fixture(scope="session", autouse=True)
def _media_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Uploads and results of this run go to a fresh directory, removed by pytest.

    STATIC_ROOT points at an empty directory too: tests serve static files from
    the app folders, and WhiteNoise would otherwise warn that collectstatic's
    output is missing.
    """
    media_root = tmp_path_factory.mktemp("media")
    static_root = tmp_path_factory.mktemp("static")
    with override_settings(MEDIA_ROOT=str(media_root), STATIC_ROOT=str(static_root)):
        yield media_root


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """Each test starts in the site's default language. A request through the test client
    activates its language in the test's own thread, where it would outlive the test and
    reach the next one that process runs."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


# --- users and keys -------------------------------------------------------------

_emails = itertools.count(1)


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    """make_user(email=..., password=..., credits=..., verified=True) -> a saved User.

    The user's address is verified (as its link would), which brings the real signup
    bonus; `credits` then sets the balance exactly through a ledger adjustment, so the
    ledger always sums to the balance. `verified=False`: a fresh sign-up that has not
    opened its link yet (no bonus).
    """
    from colorizer_site.accounts.models import User
    from colorizer_site.accounts.services import mark_email_verified
    from colorizer_site.credits import services as credit_services

    def make(
        email: str | None = None,
        *,
        password: str = PASSWORD,
        credits: int | None = None,
        verified: bool = True,
        **extra: Any,
    ) -> User:
        user = User.objects.create_user(
            email=email or f"user{next(_emails)}@example.com", password=password, **extra
        )
        if verified:
            mark_email_verified(user)
        if credits is not None:
            delta = credits - credit_services.balance_of(user)
            if delta:
                credit_services.adjust(user=user, delta=delta, memo="Test set-up")
        return user

    return make


@pytest.fixture
def user(make_user: Callable[..., Any]) -> Any:
    """A user with the signup bonus (3 credits by default)."""
    return make_user(email="ada@example.com")


@pytest.fixture
def client_user(client: Any, user: Any) -> Any:
    """Django's test client, signed in as `user` (force_login: these tests are not
    about logging in)."""
    client.force_login(user)
    return client


@pytest.fixture
def api_key(user: Any) -> tuple[Any, str]:
    """(ApiKey, raw secret) belonging to `user`."""
    from colorizer_site.keys.services import create_key

    return create_key(user=user, name="test key")


# --- media ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def gray_photo_jpeg() -> bytes:
    """A real 320x240 grayscale JPEG with shapes and a gradient, made with Pillow."""
    from PIL import Image, ImageDraw

    image = Image.linear_gradient("L").resize((320, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 40, 140, 140), fill=200)
    draw.rectangle((180, 60, 290, 200), fill=60)
    draw.line((0, 230, 320, 10), fill=255, width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


# --- the browser ----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser tab with its own cookies, closed after the test."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    """test-artifacts/screenshots/ (git-ignored), created on demand."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
