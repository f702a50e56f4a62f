"""A tiny ICC profile writer for tests: a grey display profile with a chosen gamma.

Pillow can only create sRGB, LAB and XYZ profiles, and a test of "convert the
embedded profile to sRGB" needs one that differs from sRGB; a linear-light grey
profile (gamma 1.0) does, by a lot: its level 128 is sRGB level 188.
"""

import struct


def _pad(block: bytes) -> bytes:
    return block + b"\0" * (-len(block) % 4)


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def gray_profile(gamma: float = 1.0, description: str = "Test linear grey") -> bytes:
    text = description.encode("ascii") + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text
    desc += struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + b"\0" * 67
    white = b"XYZ \0\0\0\0" + _s15(0.9642) + _s15(1.0) + _s15(0.8249)
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256))
    copyright_text = b"text\0\0\0\0" + b"public domain\0"
    tags = [(b"desc", desc), (b"wtpt", white), (b"kTRC", curve), (b"cprt", copyright_text)]

    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table = struct.pack(">I", len(tags))
    body = b""
    for signature, data in tags:
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += _pad(data)
    size = 128 + table_size + len(body)
    header = struct.pack(">I", size) + b"\0\0\0\0" + struct.pack(">I", 0x02100000)
    header += b"mntrGRAYXYZ " + b"\0" * 12 + b"acsp" + b"\0" * 24
    header += struct.pack(">I", 0) + _s15(0.9642) + _s15(1.0) + _s15(0.8249)
    header += b"\0" * (128 - len(header))
    return header + table + body
