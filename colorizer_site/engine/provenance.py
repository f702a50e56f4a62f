"""What a result file says about itself: an XMP packet naming it as machine-coloured.

IPTC's DigitalSourceType vocabulary has a term for exactly this case, a real
photograph whose pixels were changed by a trained model
(`compositeWithTrainedAlgorithmicMedia`); news desks, stock libraries and
C2PA-aware viewers read it. The packet also names the software, the model
(IPTC 2025.1's "AI System Used") and the date the colour was made.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.sax.saxutils import quoteattr

DIGITAL_SOURCE_TYPE = (
    "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
)
# The key under which PNG carries XMP (an iTXt chunk), as Adobe's XMP specification part 3 names it.
PNG_XMP_KEY = "XML:com.adobe.xmp"
SOFTWARE_TAG = 0x0131  # EXIF "Software": the program that wrote the file


def software_name() -> str:
    """ "Colorizer" and the installed version (pyproject.toml is the one home of the number)."""
    try:
        version = importlib.metadata.version("colorizer")
    except importlib.metadata.PackageNotFoundError:
        # Run from a plain checkout without `pip install -e .`: still say what made the file.
        return "Colorizer"
    return f"Colorizer {version}"


@dataclass(frozen=True)
class Provenance:
    """Who made the colour, with what, and when."""

    model: str  # the model entry's name, e.g. "own-v2-large"
    software: str = field(default_factory=software_name)
    created: datetime = field(default_factory=lambda: datetime.now(UTC))

    def xmp(self) -> bytes:
        """The XMP packet (UTF-8) for this result."""
        moment = self.created.astimezone(UTC).isoformat(timespec="seconds")
        attributes = {
            "Iptc4xmpExt:DigitalSourceType": DIGITAL_SOURCE_TYPE,
            "Iptc4xmpExt:AISystemUsed": self.model,
            "Iptc4xmpExt:AISystemVersionUsed": self.software,
            "xmp:CreatorTool": self.software,
            "xmp:ModifyDate": moment,
            "xmp:MetadataDate": moment,
        }
        described = "\n    ".join(f"{key}={quoteattr(value)}" for key, value in attributes.items())
        packet = (
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
            ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '  <rdf:Description rdf:about=""\n'
            '    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"\n'
            '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
            f"    {described}/>\n"
            " </rdf:RDF>\n"
            "</x:xmpmeta>\n"
            '<?xpacket end="w"?>'
        )
        return packet.encode("utf-8")
