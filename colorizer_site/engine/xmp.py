"""The XMP packet inside a JPEG, PNG or WebP file: read it, or swap it without re-encoding.

Captions change after a result is made, so the packet is rewritten when a file is
downloaded. Re-encoding would cost time and, for JPEG, quality on every download;
these functions only move bytes of the container around the pixels, which stay
exactly as the engine wrote them.

Where each container keeps XMP (Adobe's XMP specification, part 3):
- JPEG: an APP1 segment that starts with the namespace URI and a NUL, among the
  segments before the image data; at most 65,502 bytes of packet.
- PNG: an iTXt chunk under the key "XML:com.adobe.xmp", before the image data.
- WebP: an "XMP " chunk of the extended (VP8X) format, whose header has a flag for it.
"""

from __future__ import annotations

import struct
import zlib

from colorizer_site.engine.errors import InvalidImage
from colorizer_site.engine.provenance import PNG_XMP_KEY

_JPEG_XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
# A JPEG segment's length field counts itself (2 bytes) and the header.
JPEG_MAX_PACKET = 0xFFFF - 2 - len(_JPEG_XMP_HEADER)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_WEBP_XMP_FLAG = 0x04


def read_packet(data: bytes) -> bytes:
    """The file's XMP packet, or b"" when it has none."""
    if data.startswith(b"\xff\xd8"):
        for marker, body, _, _ in _jpeg_segments(data):
            if marker == 0xE1 and body.startswith(_JPEG_XMP_HEADER):
                return body[len(_JPEG_XMP_HEADER) :]
        return b""
    if data.startswith(_PNG_SIGNATURE):
        for kind, body, _, _ in _png_chunks(data):
            if kind == b"iTXt" and body.startswith(PNG_XMP_KEY.encode() + b"\x00"):
                return _itxt_text(body)
        return b""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        for kind, body, _, _ in _webp_chunks(data):
            if kind == b"XMP ":
                return body
        return b""
    raise InvalidImage("Only JPEG, PNG and WebP files carry an XMP packet here.")


def replace_packet(data: bytes, packet: bytes) -> bytes:
    """`data` with its XMP packet replaced by (or, without one, given) `packet`."""
    if data.startswith(b"\xff\xd8"):
        return _jpeg_with(data, packet)
    if data.startswith(_PNG_SIGNATURE):
        return _png_with(data, packet)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_with(data, packet)
    raise InvalidImage("Only JPEG, PNG and WebP files carry an XMP packet here.")


def _jpeg_segments(data: bytes):
    """(marker, body, start, end) of each segment before the image data (SOS)."""
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            raise InvalidImage("The JPEG's segments are damaged.")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xDA:  # start of scan: the pixels follow
            return
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        end = position + 2 + length
        yield marker, data[position + 4 : end], position, end
        position = end


def _jpeg_with(data: bytes, packet: bytes) -> bytes:
    if len(packet) > JPEG_MAX_PACKET:
        raise ValueError(f"An XMP packet in JPEG holds at most {JPEG_MAX_PACKET} bytes.")
    kept = bytearray(data[:2])
    insert_at = 2
    leading = True
    rest_from = 2
    for marker, body, start, end in _jpeg_segments(data):
        rest_from = end
        if marker == 0xE1 and body.startswith(_JPEG_XMP_HEADER):
            continue  # the old packet
        kept += data[start:end]
        # After the leading JFIF (APP0) and EXIF (APP1), where readers expect XMP.
        leading = leading and marker in (0xE0, 0xE1)
        if leading:
            insert_at = len(kept)
    segment_body = _JPEG_XMP_HEADER + packet
    segment = b"\xff\xe1" + struct.pack(">H", len(segment_body) + 2) + segment_body
    kept[insert_at:insert_at] = segment
    return bytes(kept) + data[rest_from:]


def _png_chunks(data: bytes):
    """(type, body, start, end) of each chunk after the signature."""
    position = len(_PNG_SIGNATURE)
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        yield kind, data[position + 8 : position + 8 + length], position, end
        position = end
        if kind == b"IEND":
            return


def _itxt_text(body: bytes) -> bytes:
    # keyword\0, compression flag, method, language\0, translated keyword\0, text
    _, _, rest = body.partition(b"\x00")
    compressed, rest = rest[0], rest[2:]
    _, _, rest = rest.partition(b"\x00")
    _, _, text = rest.partition(b"\x00")
    return zlib.decompress(text) if compressed else text


def _png_with(data: bytes, packet: bytes) -> bytes:
    key = PNG_XMP_KEY.encode()
    body = key + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + packet
    chunk = (
        struct.pack(">I", len(body))
        + b"iTXt"
        + body
        + struct.pack(">I", zlib.crc32(b"iTXt" + body) & 0xFFFFFFFF)
    )
    out = bytearray(data[: len(_PNG_SIGNATURE)])
    placed = False
    for kind, chunk_body, start, end in _png_chunks(data):
        if kind == b"iTXt" and chunk_body.startswith(key + b"\x00"):
            continue
        if kind == b"IDAT" and not placed:
            out += chunk
            placed = True
        out += data[start:end]
    return bytes(out)


def _webp_chunks(data: bytes):
    """(fourcc, body, start, end) of each chunk of the RIFF container."""
    position = 12
    while position + 8 <= len(data):
        kind = data[position : position + 4]
        (length,) = struct.unpack("<I", data[position + 4 : position + 8])
        end = position + 8 + length + (length & 1)  # chunks are padded to even sizes
        yield kind, data[position + 8 : position + 8 + length], position, end
        position = end


def _webp_with(data: bytes, packet: bytes) -> bytes:
    chunks = [(kind, data[start:end]) for kind, _, start, end in _webp_chunks(data)]
    if not chunks or chunks[0][0] != b"VP8X":
        # The simple format has no room for metadata; Pillow writes the extended one
        # whenever a result carries XMP, which every result does.
        raise InvalidImage("This WebP file has no extended header to hold XMP.")
    header = bytearray(chunks[0][1])
    header[8] |= _WEBP_XMP_FLAG
    body = bytearray(header)
    for kind, raw in chunks[1:]:
        if kind != b"XMP ":
            body += raw
    body += (
        b"XMP " + struct.pack("<I", len(packet)) + packet + (b"\x00" if len(packet) & 1 else b"")
    )
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + bytes(body)
