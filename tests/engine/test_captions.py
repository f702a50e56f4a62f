"""Captions go into the file as standard XMP, read back by ExifTool (an independent reader),
beside the provenance fields, with the pixels untouched."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from colorizer_site.engine.captions import Caption, add_caption
from colorizer_site.engine.encoding import encode_image
from colorizer_site.engine.provenance import DIGITAL_SOURCE_TYPE, Provenance
from colorizer_site.engine.xmp import read_packet

CAPTION = Caption(
    title="Grandma & Karl <on the porch>",
    description="Sunday after church; the dog is Bello.",
    date_text="about 1925",
    year_from=1923,
    place="Lübeck, Mengstraße 4",
    people=("Anna Schmidt", "Karl Schmidt"),
    reference="B12/034",
)


def exiftool(path: Path) -> dict:
    """What ExifTool reads from the file's XMP (structures kept as structures)."""
    if shutil.which("exiftool") is None:
        pytest.fail("ExifTool is missing: `make exiftool` installs Debian's package.")
    output = subprocess.run(
        ["exiftool", "-json", "-struct", "-XMP:all", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)[0]


def result(output_format: str) -> bytes:
    pixels = (np.random.default_rng(4).random((48, 64, 3)) * 255).astype(np.uint8)
    return encode_image(pixels, output_format, provenance=Provenance(model="own-v3-large"))


@pytest.mark.parametrize("output_format", ["jpeg", "png", "webp"])
def test_exiftool_reads_every_fact_beside_the_provenance(
    output_format: str, tmp_path: Path
) -> None:
    original = result(output_format)
    path = tmp_path / f"photo.{output_format}"
    path.write_bytes(add_caption(original, CAPTION))

    tags = exiftool(path)
    assert tags["Title"] == CAPTION.title
    assert tags["Description"] == CAPTION.description
    assert tags["Coverage"] == "about 1925"
    assert str(tags["DateCreated"]) == "1923"
    assert tags["LocationShown"] == [{"LocationName": CAPTION.place}]
    assert tags["PersonInImage"] == list(CAPTION.people)
    assert tags["Identifier"] == "B12/034"
    assert tags["DigitalSourceType"] == DIGITAL_SOURCE_TYPE
    assert tags["AISystemUsed"] == "own-v3-large"


@pytest.mark.parametrize("output_format", ["jpeg", "png", "webp"])
def test_the_pixels_stay_exactly_as_the_engine_wrote_them(output_format: str) -> None:
    original = result(output_format)
    captioned = add_caption(original, CAPTION)
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(captioned)) as after:
        assert np.array_equal(np.asarray(before), np.asarray(after))


@pytest.mark.parametrize("output_format", ["jpeg", "png", "webp"])
def test_a_changed_caption_replaces_the_old_one_and_a_cleared_one_leaves_nothing(
    output_format: str, tmp_path: Path
) -> None:
    once = add_caption(result(output_format), CAPTION)
    twice = add_caption(once, Caption(title="Only a title"))
    assert read_packet(twice).count(b"<rdf:li") == 1  # the title's, nothing of the people

    path = tmp_path / f"cleared.{output_format}"
    path.write_bytes(add_caption(twice, Caption()))
    tags = exiftool(path)
    assert "Title" not in tags and "PersonInImage" not in tags
    assert tags["DigitalSourceType"] == DIGITAL_SOURCE_TYPE
