"""A real browser and a real worker: upload 12 photos and a ZIP of 8 files (one of them not a
photo) as one batch, watch it finish on the batch page, download the ZIP and open it."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from PIL import Image, ImageDraw

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import Batch, ColorizationJob
from tests.conftest import PASSWORD
from tests.web.test_adjust_browser import axe_serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo(index: int) -> bytes:
    # Noise keeps the JPEGs from compressing to nothing, so the upload takes a moment.
    image = Image.effect_noise((160, 120), 40).point(lambda value: value // 2 + index * 8)
    ImageDraw.Draw(image).ellipse((20 + index, 20, 90 + index, 90), fill=230)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def _album_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for index in range(4):
            bundle.writestr(f"Album/1950s/scan-{index + 1:02d}.jpg", _photo(20 + index))
        for index in range(2):
            bundle.writestr(f"Album/1960s/scan-{index + 1:02d}.jpg", _photo(30 + index))
        bundle.writestr("Album/photo-01.jpg", _photo(40))  # also the name of an upload
        bundle.writestr("Album/captions.txt", b"Aunt Rosa, the harbour, 1953.")
    return buffer.getvalue()


def test_upload_twelve_photos_and_a_zip_watch_the_batch_finish_and_download_it(
    live_server, page, make_user, worker
) -> None:
    from playwright.sync_api import expect

    owner = make_user(email="rosa@example.com", credits=25)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill("rosa@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Colorize a photo")).to_be_visible()
    page.wait_for_load_state("load")

    uploads = [
        {"name": f"photo-{index:02d}.jpg", "mimeType": "image/jpeg", "buffer": _photo(index)}
        for index in range(1, 13)
    ]
    uploads.append({"name": "album.zip", "mimeType": "application/zip", "buffer": _album_zip()})
    page.locator("input[name=image]").set_input_files(files=uploads)

    # Counted in the browser, ZIP included, before anything is sent.
    summary = page.locator("[data-batch-summary]")
    expect(summary).to_contain_text("19 photos in this batch")
    expect(summary).to_contain_text("captions.txt")
    assert axe_serious(page) == []
    page.get_by_label("Model", exact=True).select_option("tiny")
    page.get_by_label("Output format").select_option("png")
    expect(page.locator("#colorize-form [data-cost-total]")).to_have_text("19")
    page.get_by_label("Repair scratches and dust (+1 credit)").check()
    expect(page.locator("#colorize-form [data-cost-total]")).to_have_text("38")
    expect(page.get_by_role("button", name="Colorize")).to_be_disabled()
    expect(page.locator("[data-cost-note]")).to_contain_text("covers 12 of them")
    page.get_by_label("Repair scratches and dust (+1 credit)").uncheck()
    expect(page.get_by_role("button", name="Colorize")).to_be_enabled()

    # A slow uplink, so the upload's progress bar can be seen moving.
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 150_000},
    )
    page.get_by_role("button", name="Colorize").click()
    status = page.locator("[data-upload-status]")
    expect(status).to_contain_text(re.compile(r"Uploading… [1-9]\d? %"))
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )

    # The batch page follows every photo with one request per poll.
    expect(page).to_have_url(re.compile(r"/batches/[0-9a-f]{32}/$"), timeout=60_000)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    overall = page.get_by_role("progressbar", name="Progress of the whole batch")
    seen: list[int] = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        value = overall.get_attribute("value")
        if value is not None:
            seen.append(int(value))
        if page.locator("#batch-status[data-finished=true]").count():
            break
        time.sleep(0.2)
    expect(page.get_by_role("heading", name="Done")).to_be_visible()
    expect(page.get_by_test_id("batch-count")).to_have_text("19 of 19 photos finished")
    assert seen == sorted(seen), f"the overall bar went backwards: {seen}"
    photo_rows = page.get_by_test_id("batch-photos").locator("li")
    expect(photo_rows).to_have_count(19)
    # Polls ask for the batch, never for each photo.
    batch_polls = [url for url in requested if re.search(r"/batches/[0-9a-f]{32}/$", url)]
    assert batch_polls or seen[:1] == [100]
    assert not [url for url in requested if re.search(r"/jobs/[0-9a-f]{32}/$", url)]
    expect(page.get_by_test_id("batch-skipped")).to_contain_text("captions.txt")
    expect(page.get_by_test_id("batch-skipped")).to_contain_text("not a photo")

    # The batch page reads well on a phone and passes axe.
    assert axe_serious(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download all (ZIP)").click()
    download = download_info.value
    archive = zipfile.ZipFile(download.path())

    # The photos, and the table of their captions (none given here) that every ZIP holds.
    names = archive.namelist()
    assert names[-1] == "captions.csv"
    names = names[:-1]
    assert len(names) == 19
    assert len(set(names)) == 19
    assert all(
        name.endswith("-colorized.png") or re.search(r"-colorized-\d\.png$", name) for name in names
    )
    assert {"photo-01-colorized.png", "photo-01-colorized-2.png"} <= set(names)
    assert "scan-01-colorized-2.png" in names  # two folders of the ZIP held a scan-01.jpg
    for name in names:
        with Image.open(io.BytesIO(archive.read(name))) as image:
            assert image.format == "PNG"
            assert image.mode == "RGB"

    batch = Batch.objects.get(owner=owner)
    assert batch.completed_at is not None
    assert batch.cost == 19
    assert (
        ColorizationJob.objects.filter(batch=batch, state=ColorizationJob.State.SUCCEEDED).count()
        == 19
    )
    assert balance_of(owner) == 6


def test_a_refused_batch_comes_back_as_the_form_with_the_reason(
    live_server, page, make_user
) -> None:
    from playwright.sync_api import expect

    owner = make_user(email="otto@example.com", credits=5)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill("otto@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Colorize a photo")).to_be_visible()
    page.wait_for_load_state("load")

    # A ZIP the browser cannot read either: counted "after upload", refused by the server.
    page.locator("input[name=image]").set_input_files(
        files=[
            {"name": "first.jpg", "mimeType": "image/jpeg", "buffer": _photo(1)},
            {"name": "album.zip", "mimeType": "application/zip", "buffer": b"PK\x03\x04 cut"},
        ]
    )
    expect(page.locator("[data-batch-summary]")).to_contain_text("counted after upload")
    page.get_by_role("button", name="Colorize").click()

    expect(page.locator(".field-error")).to_contain_text("album.zip is not a ZIP file")
    expect(page.get_by_role("heading", name="Colorize a photo")).to_be_visible()
    assert not Batch.objects.exists()
    assert balance_of(owner) == 5
