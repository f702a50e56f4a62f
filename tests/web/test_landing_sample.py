"""The visitors' before/after sample and the command that makes it."""

import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from colorizer_site.web.landing import landing_sample


@pytest.fixture
def sample_base(settings, tmp_path: Path):
    settings.BASE_DIR = tmp_path
    landing_sample.cache_clear()
    yield tmp_path / "static" / "img" / "landing"
    landing_sample.cache_clear()


def test_the_command_writes_a_gray_before_and_a_coloured_after(
    sample_base: Path, tmp_path: Path, gray_photo_jpeg: bytes
) -> None:
    photo = tmp_path / "portrait.jpg"
    photo.write_bytes(gray_photo_jpeg)

    call_command("make_landing_sample", str(photo), "--model", "tiny", "--caption", "Ours")

    description = json.loads((sample_base / "sample.json").read_text())
    assert (description["width"], description["height"]) == (320, 240)
    assert description["caption"] == "Ours"
    assert Image.open(sample_base / "sample-before.jpg").mode == "L"
    after = np.asarray(Image.open(sample_base / "sample-after.jpg").convert("LAB"), np.float32)
    chroma = np.hypot(after[..., 1] - 128, after[..., 2] - 128)
    assert chroma.mean() > 2.0


def test_the_command_refuses_an_unreadable_photo(sample_base: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not a photo")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("make_landing_sample", str(junk))
    assert not (sample_base / "sample.json").exists()


@pytest.mark.django_db
def test_visitors_see_the_sample_in_a_comparison_slider(
    sample_base: Path, tmp_path: Path, gray_photo_jpeg: bytes, client
) -> None:
    photo = tmp_path / "portrait.jpg"
    photo.write_bytes(gray_photo_jpeg)
    call_command("make_landing_sample", str(photo), "--model", "tiny", "--caption", "A credit")

    page = client.get("/").content.decode()

    assert 'data-testid="compare"' in page
    assert "img/landing/sample-before.jpg" in page
    assert "img/landing/sample-after.jpg" in page
    assert "A credit" in page


@pytest.mark.django_db
def test_without_a_sample_the_landing_page_has_no_slider(sample_base: Path, client) -> None:
    page = client.get("/").content.decode()
    assert 'data-testid="compare"' not in page
    assert "Bring black-and-white photos to colour" in page
