"""Every result says what it is: IPTC DigitalSourceType, software, model and date in XMP;
the camera's EXIF kept, its GPS position never."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from colorizer_site import engine
from colorizer_site.engine.encoding import convert_result
from colorizer_site.engine.provenance import DIGITAL_SOURCE_TYPE, PNG_XMP_KEY
from colorizer_site.engine.types import ColorizeOptions, EngineConfig
from tests.engine.conftest import encoded, photo

IPTC_EXT = "{http://iptc.org/std/Iptc4xmpExt/2008-02-29/}"
XMP = "{http://ns.adobe.com/xap/1.0/}"
RDF_DESCRIPTION = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description"
OUTPUT_FORMATS = ("jpeg", "png", "webp")


def xmp_fields(data: bytes) -> dict[str, str]:
    """The attributes of the XMP packet's rdf:Description, read back the way a viewer would."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        packet = image.info.get("xmp") or image.info.get(PNG_XMP_KEY)
    assert packet, f"no XMP in the {image.format} file"
    if isinstance(packet, bytes):
        packet = packet.decode("utf-8")
    root = ElementTree.fromstring(
        packet[packet.index("<x:xmpmeta") : packet.index("<?xpacket end")]
    )
    description = root.find(f".//{RDF_DESCRIPTION}")
    assert description is not None
    return dict(description.attrib)


def camera_photo() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Rolleiflex"  # Make
    exif[0x8769] = {0x9003: "1956:07:14 10:30:00"}  # Exif sub-IFD: DateTimeOriginal
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 30.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    return encoded(photo(), "JPEG", exif=exif.tobytes())


@pytest.mark.parametrize("output_format", OUTPUT_FORMATS)
def test_every_output_format_carries_the_provenance_packet(
    config: EngineConfig, output_format: str
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    result = engine.colorize(
        camera_photo(), ColorizeOptions("large", output_format=output_format), config
    )

    fields = xmp_fields(result.data)
    assert fields[f"{IPTC_EXT}DigitalSourceType"] == DIGITAL_SOURCE_TYPE
    assert fields[f"{IPTC_EXT}AISystemUsed"] == result.model
    assert fields[f"{XMP}CreatorTool"].startswith("Colorizer ")
    made = datetime.fromisoformat(fields[f"{XMP}ModifyDate"])
    assert before <= made <= datetime.now(UTC) + timedelta(seconds=1)


@pytest.mark.parametrize("output_format", OUTPUT_FORMATS)
def test_gps_is_removed_and_the_rest_of_the_exif_kept(
    config: EngineConfig, output_format: str
) -> None:
    result = engine.colorize(
        camera_photo(), ColorizeOptions("tiny", output_format=output_format), config
    )

    written = Image.open(io.BytesIO(result.data)).getexif()
    assert 0x8825 not in written
    assert not written.get_ifd(0x8825)
    assert written.get(0x010F) == "Rolleiflex"
    assert written.get_ifd(0x8769).get(0x9003) == "1956:07:14 10:30:00"
    assert written.get(0x0131, "").startswith("Colorizer ")  # EXIF Software


def test_a_photo_without_exif_still_gets_the_packet(config: EngineConfig) -> None:
    result = engine.colorize(encoded(photo(), "PNG"), ColorizeOptions("tiny"), config)
    assert xmp_fields(result.data)[f"{IPTC_EXT}DigitalSourceType"] == DIGITAL_SOURCE_TYPE


@pytest.mark.parametrize(("stored", "wanted"), [("jpeg", "png"), ("png", "webp"), ("webp", "jpeg")])
def test_a_converted_download_keeps_the_metadata(
    config: EngineConfig, stored: str, wanted: str
) -> None:
    result = engine.colorize(camera_photo(), ColorizeOptions("tiny", output_format=stored), config)

    converted = convert_result(result.data, wanted)

    with Image.open(io.BytesIO(converted)) as image:
        assert image.format == {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}[wanted]
        exif = image.getexif()
    assert xmp_fields(converted) == xmp_fields(result.data)
    assert exif.get(0x010F) == "Rolleiflex"
    assert 0x8825 not in exif
