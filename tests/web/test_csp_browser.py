"""The Content-Security-Policy in a real browser: every main page under the policy,
with a real upload, the job page's htmx polling, Adjust colours, the gallery, the docs
and the data export's polling, and not one violation reported. A deliberate inline
script at the end proves the listener would have caught one."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.privacy.models import DataExport
from tests.conftest import PASSWORD
from tests.jobs import worker_process

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("guided_models"),
]

# Forwards each violation to the console, where the test collects it with the
# browser's own "Refused to ..." reports; injected by Playwright, outside the policy.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  console.error(`CSP violation: ${event.violatedDirective} blocked ${blocked}`);
});
"""


@pytest.fixture
def worker(tmp_path: Any, guided_models: None) -> Iterator[Any]:
    """`manage.py run_worker` in its own process, on the guided test models."""
    with override_settings(TASKS=worker_process.DATABASE_BACKEND):
        process = worker_process.start_worker(tmp_path / "worker.log")
        yield process
        worker_process.stop(process)


@pytest.fixture
def watched_page(page: Any) -> Iterator[tuple[Any, list[str], list[str]]]:
    """(page, CSP reports, URLs htmx asked for) collected over the whole walk."""
    reports: list[str] = []
    htmx_requests: list[str] = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            reports.append(message.text)
            if "Content Security Policy" in message.text or "CSP violation" in message.text
            else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            htmx_requests.append(request.url)
            if request.headers.get("hx-request") == "true"
            else None
        ),
    )
    yield page, reports, htmx_requests


def test_the_main_pages_and_htmx_work_without_a_single_violation(
    live_server: Any, watched_page: Any, make_user: Any, gray_photo_jpeg: bytes, worker: Any
) -> None:
    from playwright.sync_api import expect

    page, reports, htmx_requests = watched_page
    make_user(email="hedy@example.com", credits=5)
    base = live_server.url

    landing = page.goto(base + "/")
    policy = landing.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    for path in ("/docs/", "/privacy/"):
        page.goto(base + path)
        page.wait_for_load_state("load")

    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill("hedy@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Colorize a photo")).to_be_visible()

    # A real upload (with the file preview, a blob: image) and the job page's polling.
    page.locator("input[name=image]").set_input_files(
        files=[{"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": gray_photo_jpeg}]
    )
    expect(page.locator("[data-preview]")).to_be_visible()
    page.get_by_label("Model", exact=True).select_option("tiny")
    page.get_by_role("button", name="Colorize").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f]{32}/$"))
    expect(page.get_by_test_id("job-percent")).to_have_text("100 %", timeout=120_000)
    expect(page.get_by_role("heading", name="Done")).to_be_visible()
    job = ColorizationJob.objects.get(owner__email="hedy@example.com")
    assert any(url.endswith(f"/jobs/{job.task_id}/") for url in htmx_requests), htmx_requests
    bar = page.locator("progress[aria-label=Progress]")
    assert bar.evaluate("el => el.value") == 100

    # Adjust colours: a pin, the model's swatches, and the live preview.
    expect(page.get_by_role("heading", name="Adjust colours")).to_be_visible()
    page.wait_for_function("() => document.querySelector('[data-preview-image]').complete")
    page.locator("[data-photo]").click(position={"x": 60, "y": 50})
    expect(page.locator('[data-pin="1"] [data-swatch]')).to_have_count(3)
    expect(page.locator("[data-adjust-status]")).to_contain_text("Preview updated", timeout=20_000)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Gallery").click()
    expect(page.get_by_test_id("gallery-item")).to_have_count(1)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=gallery-item] img').naturalWidth > 0"
    )

    # The export page polls with htmx until the worker has built the ZIP.
    page.goto(base + "/accounts/data/")
    page.get_by_test_id("export-request").click()
    expect(page.get_by_test_id("export-link")).to_be_visible(timeout=60_000)
    assert any(url.endswith("/accounts/data/") for url in htmx_requests), htmx_requests
    assert DataExport.objects.get().state == DataExport.State.READY
    page.goto(base + "/accounts/delete/")
    expect(page.get_by_role("heading", name="Delete your account")).to_be_visible()

    time.sleep(0.5)  # reports of the last page arrive asynchronously
    assert reports == []

    # The listener works: an inline script is refused and reported.
    page.evaluate(
        """() => { const script = document.createElement("script");
                   script.textContent = "window.inlineRan = true;";
                   document.body.appendChild(script); }"""
    )
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.inlineRan === undefined")
    assert any("script-src" in report for report in reports), reports
