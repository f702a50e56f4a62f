"""Pixels back to bytes: the result file and the gallery thumbnail."""

import io
from struct import error as StructError

import numpy as np
from PIL import Image, ImageOps

from colorizer_site.engine.decoding import check_header, open_image
from colorizer_site.engine.errors import InvalidImage
from colorizer_site.engine.types import OUTPUT_FORMATS, EngineConfig

JPEG_QUALITY = 92
WEBP_QUALITY = 90
# zlib level 3 is within a few percent of level 6's size on photos at a third of the time.
PNG_COMPRESS_LEVEL = 3

GPS_IFD = 0x8825
ORIENTATION = 0x0112
# Which EXIF tags survive into results: camera and date, never position.
_DROPPED_TAGS = (GPS_IFD, ORIENTATION)


def clean_exif(exif: Image.Exif | None) -> bytes:
    """EXIF for the result: no GPS block, orientation already applied to the pixels."""
    if exif is None or len(exif) == 0:
        return b""
    kept = Image.Exif()
    for tag, value in exif.items():
        if tag not in _DROPPED_TAGS:
            kept[tag] = value
    for ifd in (0x8769,):  # the Exif sub-IFD: exposure, lens, dates
        try:
            sub = exif.get_ifd(ifd)
        except (KeyError, ValueError, OSError):
            continue
        if sub:
            kept[ifd] = dict(sub)
    try:
        return kept.tobytes()
    except (ValueError, TypeError, OSError, StructError):
        # A camera's odd tag types can defeat the writer; the photo matters more.
        return b""


def _flatten_on_white(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    weight = alpha.astype(np.float32)[..., None] / 255.0
    return (rgb * weight + 255.0 * (1.0 - weight) + 0.5).astype(np.uint8)


def encode_image(
    rgb: np.ndarray,
    output_format: str,
    *,
    alpha: np.ndarray | None = None,
    exif: Image.Exif | None = None,
) -> bytes:
    """Encode uint8 sRGB pixels as jpeg (quality 92, progressive), png or webp."""
    if output_format not in OUTPUT_FORMATS:
        raise ValueError(f"output format must be one of {OUTPUT_FORMATS}, not {output_format!r}")
    if alpha is not None and output_format == "jpeg":
        rgb, alpha = _flatten_on_white(rgb, alpha), None
    image = Image.fromarray(rgb, "RGB")
    if alpha is not None:
        image.putalpha(Image.fromarray(alpha, "L"))
    exif_bytes = clean_exif(exif)
    buffer = io.BytesIO()
    options: dict = {"exif": exif_bytes} if exif_bytes else {}
    if output_format == "jpeg":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=True, **options)
    elif output_format == "png":
        image.save(buffer, "PNG", compress_level=PNG_COMPRESS_LEVEL, **options)
    else:
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4, **options)
    return buffer.getvalue()


def make_thumbnail(data: bytes, size: int = 320) -> bytes:
    """A small WebP (long side `size`) of any image the engine accepts."""
    limits = EngineConfig(models={})
    image = open_image(data, limits)
    check_header(image, data, limits)
    try:
        # JPEG can decode straight at a fraction of its size: much faster for big photos.
        image.draft("RGB", (size, size))
        image.load()
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError) as error:
        raise InvalidImage(
            f"The image is damaged or cut short and could not be read ({error})."
        ) from error
    if image.mode.startswith("I"):
        # Pillow would clip 16-bit grey to its first 256 levels; scale it instead.
        levels = np.asarray(image).astype(np.float32) / 257.0
        image = Image.fromarray(np.clip(levels + 0.5, 0, 255).astype(np.uint8), "L")
    image = image.convert("RGBA" if "A" in image.mode or "transparency" in image.info else "RGB")
    image.thumbnail((size, size), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=80, method=4)
    return buffer.getvalue()
