"""The image formats the product reads and writes: the one table pages, API, docs and CLI read.

Decoding decides from the bytes (Pillow's identification), never from a name;
the file name extensions here serve the browser's file picker and the quick
"is this a photo at all" skip rule for folders and ZIP archives.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputFormat:
    pillow_name: str
    # What people call it in a sentence.
    label: str
    extensions: tuple[str, ...]
    media_types: tuple[str, ...]
    # The extension a stored copy of the upload gets.
    stored_extension: str
    # Browsers show it in an <img> without conversion.
    browser_shows: bool = False


# Pillow's JPEG reader also hands back MPO, the multi-picture JPEG of many phones and
# stereo cameras (its first frame is the photo); HEIF joins when pillow-heif is installed.
INPUT_FORMATS: tuple[InputFormat, ...] = (
    InputFormat("JPEG", "JPEG", (".jpg", ".jpeg", ".jfif"), ("image/jpeg",), "jpg", True),
    InputFormat("MPO", "JPEG", (), (), "jpg", True),
    InputFormat("PNG", "PNG", (".png",), ("image/png",), "png", True),
    InputFormat("WEBP", "WebP", (".webp",), ("image/webp",), "webp", True),
    InputFormat("TIFF", "TIFF", (".tif", ".tiff"), ("image/tiff",), "tif"),
    InputFormat("BMP", "BMP", (".bmp",), ("image/bmp",), "bmp", True),
    InputFormat("SGI", "SGI", (".rgb", ".sgi"), ("image/x-rgb", "image/sgi"), "rgb"),
    InputFormat("HEIF", "HEIC", (".heic", ".heif"), ("image/heic", "image/heif"), "heic"),
)
# Identified by Pillow without a plugin; HEIF is optional (see decoding.allowed_formats).
BASE_PILLOW_NAMES = ("JPEG", "PNG", "BMP", "WEBP", "TIFF", "SGI")

_BY_PILLOW_NAME = {entry.pillow_name: entry for entry in INPUT_FORMATS}

OUTPUT_CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
OUTPUT_LABELS = {"jpeg": "JPEG", "png": "PNG", "webp": "WebP"}
# Archives of photos the batch upload unpacks.
ARCHIVE_EXTENSIONS = (".zip",)


def label(pillow_name: str) -> str:
    """The word for a format in messages ("WebP", "HEIC"), or Pillow's name if unknown."""
    entry = _BY_PILLOW_NAME.get(pillow_name.upper())
    return entry.label if entry else pillow_name


def stored_extension(pillow_name: str) -> str:
    entry = _BY_PILLOW_NAME.get(pillow_name.upper())
    return entry.stored_extension if entry else "bin"


def browser_content_type(pillow_name: str) -> str | None:
    """The content type to show an input as in a page, or None when browsers cannot."""
    entry = _BY_PILLOW_NAME.get(pillow_name.upper())
    if entry is None or not entry.browser_shows:
        return None
    # MPO has no media type of its own: browsers show it as the JPEG it starts with.
    return entry.media_types[0] if entry.media_types else "image/jpeg"


def input_labels() -> list[str]:
    """Each format's word once, in the table's order: JPEG, PNG, WebP, TIFF, BMP, SGI, HEIC."""
    labels: list[str] = []
    for entry in INPUT_FORMATS:
        if entry.label not in labels:
            labels.append(entry.label)
    return labels


def input_formats_sentence() -> str:
    """The accepted formats in words: "JPEG, PNG, WebP, TIFF, BMP, SGI or HEIC"."""
    labels = input_labels()
    return f"{', '.join(labels[:-1])} or {labels[-1]}"


def input_extensions() -> tuple[str, ...]:
    return tuple(extension for entry in INPUT_FORMATS for extension in entry.extensions)


def accept_attribute(*, archives: bool = False) -> str:
    """The file input's `accept` value: media types and extensions (some systems know only one)."""
    media = [media for entry in INPUT_FORMATS for media in entry.media_types]
    extensions = list(input_extensions())
    if archives:
        media.append("application/zip")
        extensions.extend(ARCHIVE_EXTENSIONS)
    return ",".join([*media, *extensions])


def looks_like_photo_name(filename: str) -> bool:
    """True when the name's extension is an accepted image format's (case ignored)."""
    return filename.lower().endswith(input_extensions())
