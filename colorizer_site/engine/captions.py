"""A photo's caption and facts written into its file as the standard XMP fields that photo
managers, archives' catalogues and ExifTool read.

| fact | XMP property (IPTC Photo Metadata Standard) |
|---|---|
| title | dc:title (IPTC "Title") |
| description | dc:description (IPTC "Description"/caption) |
| date as people know it | dc:coverage (its words: "summer 1948") and photoshop:DateCreated |
| place | Iptc4xmpExt:LocationShown, one location with its LocationName |
| people shown | Iptc4xmpExt:PersonInImage, one entry per person |
| reference number | dc:identifier |

photoshop:DateCreated holds the first year of the date's range alone, which IPTC's
"Date Created" allows; the words keep what the year cannot say ("about", "summer").
The provenance properties already in the packet (provenance.py) are kept; the
caption's properties are replaced as a whole, so a caption cleared since the last
download leaves nothing behind.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

from colorizer_site.engine import xmp
from colorizer_site.engine.provenance import Provenance

NAMESPACES = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}
for _prefix, _uri in NAMESPACES.items():
    ElementTree.register_namespace(_prefix, _uri)

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_PACKET_BEGIN = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
_PACKET_END = '\n<?xpacket end="w"?>'


def _name(qualified: str) -> str:
    prefix, local = qualified.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


# Every property a caption writes; all are removed before the caption's are added.
CAPTION_PROPERTIES = tuple(
    _name(name)
    for name in (
        "dc:title",
        "dc:description",
        "dc:coverage",
        "photoshop:DateCreated",
        "Iptc4xmpExt:LocationShown",
        "Iptc4xmpExt:PersonInImage",
        "dc:identifier",
    )
)


@dataclass(frozen=True)
class Caption:
    """What a person knows about a photo; empty strings and no people when unknown."""

    title: str = ""
    description: str = ""
    date_text: str = ""
    year_from: int | None = None
    place: str = ""
    people: tuple[str, ...] = ()
    reference: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.title, self.description, self.date_text, self.place, self.people, self.reference)
        )


def add_caption(data: bytes, caption: Caption) -> bytes:
    """The file `data` (JPEG, PNG or WebP) with `caption` in its XMP packet, pixels untouched."""
    packet = xmp.read_packet(data)
    return xmp.replace_packet(data, packet_with_caption(packet, caption))


def packet_with_caption(packet: bytes, caption: Caption) -> bytes:
    """`packet` (or, when empty, a bare one) with the caption's properties replaced."""
    text = packet.decode("utf-8") if packet else Provenance(model="").xmp().decode("utf-8")
    start, end = text.find("<x:xmpmeta"), text.rfind("</x:xmpmeta>")
    if start < 0 or end < 0:
        text = Provenance(model="").xmp().decode("utf-8")
        start, end = text.find("<x:xmpmeta"), text.rfind("</x:xmpmeta>")
    root = ElementTree.fromstring(text[start : end + len("</x:xmpmeta>")])
    description = root.find(f".//{_name('rdf:Description')}")
    if description is None:
        rdf = root.find(_name("rdf:RDF"))
        if rdf is None:
            rdf = ElementTree.SubElement(root, _name("rdf:RDF"))
        description = ElementTree.SubElement(
            rdf, _name("rdf:Description"), {_name("rdf:about"): ""}
        )
    for child in list(description):
        if child.tag in CAPTION_PROPERTIES:
            description.remove(child)
    for attribute in list(description.attrib):
        if attribute in CAPTION_PROPERTIES:
            del description.attrib[attribute]
    _write(description, caption)
    body = ElementTree.tostring(root, encoding="unicode")
    return (_PACKET_BEGIN + body + _PACKET_END).encode("utf-8")


def _write(description: ElementTree.Element, caption: Caption) -> None:
    if caption.title:
        _language_alternative(description, "dc:title", caption.title)
    if caption.description:
        _language_alternative(description, "dc:description", caption.description)
    if caption.date_text:
        ElementTree.SubElement(description, _name("dc:coverage")).text = caption.date_text
    if caption.year_from is not None:
        created = ElementTree.SubElement(description, _name("photoshop:DateCreated"))
        created.text = f"{caption.year_from:04d}"
    if caption.place:
        shown = ElementTree.SubElement(description, _name("Iptc4xmpExt:LocationShown"))
        bag = ElementTree.SubElement(shown, _name("rdf:Bag"))
        location = ElementTree.SubElement(
            bag, _name("rdf:li"), {_name("rdf:parseType"): "Resource"}
        )
        _language_alternative(location, "Iptc4xmpExt:LocationName", caption.place)
    if caption.people:
        persons = ElementTree.SubElement(description, _name("Iptc4xmpExt:PersonInImage"))
        bag = ElementTree.SubElement(persons, _name("rdf:Bag"))
        for person in caption.people:
            ElementTree.SubElement(bag, _name("rdf:li")).text = person
    if caption.reference:
        ElementTree.SubElement(description, _name("dc:identifier")).text = caption.reference


def _language_alternative(parent: ElementTree.Element, qualified: str, value: str) -> None:
    holder = ElementTree.SubElement(parent, _name(qualified))
    alternatives = ElementTree.SubElement(holder, _name("rdf:Alt"))
    ElementTree.SubElement(alternatives, _name("rdf:li"), {_XML_LANG: "x-default"}).text = value
