"""A family historian's afternoon in a real browser with a real worker: six photos and a
catalogue CSV go into a new album, the album shows them in order with their captions, the
gallery finds a person, the album is shared and opened signed out, and the album's ZIP holds
photos whose captions ExifTool reads back."""

from __future__ import annotations

import io
import json
import re
import subprocess
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from colorizer_site.jobs.models import Album
from tests.conftest import PASSWORD
from tests.web.test_adjust_browser import axe_serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = {
    "scan-01.jpg": "Anna Schmidt; Karl Schmidt",
    "scan-02.jpg": "Grete Hansen",
    "scan-03.jpg": "",
    "scan-04.jpg": "Anna Schmidt",
    "scan-05.jpg": "Jan Petersen",
    "scan-06.jpg": "",
}


def scan(index: int) -> bytes:
    image = Image.new("L", (160, 120), 60 + index * 20)
    ImageDraw.Draw(image).ellipse((20 + index * 5, 20, 90, 90), fill=220)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def catalogue() -> bytes:
    lines = ["file_name;title;date;place;people;reference"]
    for index, (name, people) in enumerate(PEOPLE.items(), start=1):
        lines.append(
            f'{name};Box 12, photo {index};about 19{20 + index};Lübeck;"{people}";B12/{index:03d}'
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def exif_tags(path: Path) -> dict:
    output = subprocess.run(
        ["exiftool", "-json", "-XMP:all", str(path)], capture_output=True, check=True
    ).stdout
    return json.loads(output)[0]


def test_six_photos_with_a_catalogue_become_a_shared_captioned_album(
    live_server: Any, page: Any, browser: Any, make_user: Any, worker: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    make_user(email="historian@example.com", credits=10)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill("historian@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Colorize a photo")).to_be_visible()
    page.wait_for_load_state("load")

    page.locator("input[name=image]").set_input_files(
        files=[
            {"name": name, "mimeType": "image/jpeg", "buffer": scan(index)}
            for index, name in enumerate(PEOPLE, start=1)
        ]
    )
    expect(page.locator("[data-batch-summary]")).to_contain_text("6 photos in this batch")
    page.get_by_label("Model", exact=True).select_option("tiny")
    page.get_by_text("Album and captions (optional)").click()
    page.get_by_label("Put these in a new album named").fill("Grandma's box 12")
    page.get_by_label("Captions (CSV, optional)").set_input_files(
        files=[{"name": "catalogue.csv", "mimeType": "text/csv", "buffer": catalogue()}]
    )
    page.get_by_role("button", name="Colorize").click()

    # The album page: the six photos in the batch's order, captions beside them.
    expect(page).to_have_url(re.compile(r"/albums/[0-9a-f]{32}/$"), timeout=60_000)
    album_url = page.url
    expect(page.get_by_test_id("album-name")).to_have_text("Grandma's box 12")
    deadline = time.monotonic() + 240
    while page.locator("[data-testid=album-photo] [data-testid=compare]").count() < 6:
        assert time.monotonic() < deadline, "the photos did not finish in time"
        time.sleep(1)
        page.reload()
    titles = page.locator("[data-testid=album-photo] .caption-title").all_inner_texts()
    assert titles == [f"Box 12, photo {index}" for index in range(1, 7)]
    expect(page.get_by_test_id("caption-people").first).to_have_text("Anna Schmidt, Karl Schmidt")
    assert axe_serious(page) == []

    # Search the gallery by a person's name.
    page.goto(live_server.url + "/gallery/")
    page.get_by_label("Search titles, places, people, reference numbers and file names").fill(
        "Anna Schmidt"
    )
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=Anna\+Schmidt"))
    expect(page.get_by_test_id("gallery-caption")).to_have_count(2)
    found = page.get_by_test_id("gallery-caption").all_inner_texts()
    assert sorted(found) == ["Box 12, photo 1", "Box 12, photo 4"]

    # Download the album's ZIP and read the captions back from the files.
    page.goto(album_url)
    with page.expect_download() as download_info:
        page.get_by_test_id("album-zip").click()
    archive = zipfile.ZipFile(download_info.value.path())
    assert archive.namelist()[-1] == "captions.csv"
    archive.extractall(tmp_path)
    for index, (name, people) in enumerate(PEOPLE.items(), start=1):
        tags = exif_tags(tmp_path / name.replace(".jpg", "-colorized.jpg"))
        assert tags["Title"] == f"Box 12, photo {index}"
        assert tags["Identifier"] == f"B12/{index:03d}"
        assert tags["LocationShownLocationName"] == "Lübeck"
        names = [person.strip() for person in people.split(";") if person.strip()]
        shown = tags.get("PersonInImage", [])
        assert (shown if isinstance(shown, list) else [shown]) == names

    # Share it; a stranger opens the link signed out and sees the album with its captions.
    page.get_by_test_id("album-share").click()
    link = page.get_by_test_id("share-url").first.input_value()
    assert "/s/" in link
    stranger = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        public = stranger.new_page()
        public.goto(link)
        expect(public.get_by_role("heading", name="Grandma's box 12")).to_be_visible()
        expect(public.get_by_test_id("photo-caption")).to_have_count(6)
        expect(public.get_by_text("Grete Hansen")).to_be_visible()
        width = public.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the shared album scrolls sideways ({width}px)"
    finally:
        stranger.close()
    assert Album.objects.get().shares.count() == 1
