"""Pixels back to bytes: the result file (with its provenance) and the gallery thumbnail."""

import io
from struct import error as StructError

import numpy as np
from PIL import Image, ImageOps
from PIL.PngImagePlugin import PngInfo

from colorizer_site.engine.decoding import check_header, open_image
from colorizer_site.engine.errors import InvalidImage
from colorizer_site.engine.errors import gettext_noop as _
from colorizer_site.engine.provenance import PNG_XMP_KEY, SOFTWARE_TAG, Provenance
from colorizer_site.engine.types import OUTPUT_FORMATS, EngineConfig

JPEG_QUALITY = 92
WEBP_QUALITY = 90
# zlib level 3 is within a few percent of level 6's size on photos at a third of the time.
PNG_COMPRESS_LEVEL = 3

GPS_IFD = 0x8825
ORIENTATION = 0x0112
# Which EXIF tags survive into results: camera and date, never position.
_DROPPED_TAGS = (GPS_IFD, ORIENTATION)


def clean_exif(exif: Image.Exif | None, software: str = "") -> bytes:
    """EXIF for the result: no GPS block, orientation already applied to the pixels, and
    `software` (when given) as the program that wrote the file."""
    if (exif is None or len(exif) == 0) and not software:
        return b""
    exif = exif if exif is not None else Image.Exif()
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
    if software:
        kept[SOFTWARE_TAG] = software
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
    provenance: Provenance | None = None,
) -> bytes:
    """Encode uint8 sRGB pixels as jpeg (quality 92, progressive), png or webp, with the
    source's EXIF (less GPS) and, given `provenance`, the XMP packet that says what made it."""
    if output_format not in OUTPUT_FORMATS:
        raise ValueError(f"output format must be one of {OUTPUT_FORMATS}, not {output_format!r}")
    if alpha is not None and output_format == "jpeg":
        rgb, alpha = _flatten_on_white(rgb, alpha), None
    image = Image.fromarray(rgb, "RGB")
    if alpha is not None:
        image.putalpha(Image.fromarray(alpha, "L"))
    software = provenance.software if provenance is not None else ""
    xmp = provenance.xmp() if provenance is not None else b""
    return _save(image, output_format, exif=clean_exif(exif, software), xmp=xmp)


def convert_result(data: bytes, output_format: str) -> bytes:
    """A result file re-encoded in another output format, its EXIF and XMP carried over."""
    if output_format not in OUTPUT_FORMATS:
        raise ValueError(f"output format must be one of {OUTPUT_FORMATS}, not {output_format!r}")
    with Image.open(io.BytesIO(data)) as source:
        source.load()
        xmp = source.info.get("xmp") or source.info.get(PNG_XMP_KEY) or b""
        exif = source.getexif()
        if "A" not in source.mode:
            image = source.convert("RGB")
        elif output_format == "jpeg":
            rgba = np.asarray(source.convert("RGBA"))
            image = Image.fromarray(_flatten_on_white(rgba[..., :3], rgba[..., 3]), "RGB")
        else:
            image = source.convert("RGBA")
    if isinstance(xmp, str):
        xmp = xmp.encode("utf-8")
    exif_bytes = exif.tobytes() if len(exif) else b""
    return _save(image, output_format, exif=exif_bytes, xmp=xmp)


def _save(image: Image.Image, output_format: str, *, exif: bytes, xmp: bytes) -> bytes:
    buffer = io.BytesIO()
    options: dict = {"exif": exif} if exif else {}
    if output_format == "jpeg":
        if xmp:
            options["xmp"] = xmp
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=True, **options)
    elif output_format == "png":
        if xmp:
            # Pillow writes PNG's XMP only as a text chunk under Adobe's key.
            info = PngInfo()
            info.add_itxt(PNG_XMP_KEY, xmp.decode("utf-8"))
            options["pnginfo"] = info
        image.save(buffer, "PNG", compress_level=PNG_COMPRESS_LEVEL, **options)
    else:
        if xmp:
            options["xmp"] = xmp
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4, **options)
    return buffer.getvalue()


def make_thumbnail(data: bytes, size: int = 320, config: EngineConfig | None = None) -> bytes:
    """A small WebP (long side `size`) of any image the engine accepts (under `config`'s
    limits; the engine's defaults without one)."""
    limits = config or EngineConfig(models={})
    image = open_image(data, limits)
    check_header(image, data, limits)
    try:
        # JPEG can decode straight at a fraction of its size: much faster for big photos.
        image.draft("RGB", (size, size))
        image.load()
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError) as error:
        raise InvalidImage(
            _("The image is damaged or cut short and could not be read (%(error)s)."),
            error=str(error),
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
