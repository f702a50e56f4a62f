"""Turning untrusted bytes into pixels, or a typed error that says why not.

Everything is decided from the bytes, never from a file name: Pillow is asked to
identify the data among the allowed formats only, and the header's size is
checked before a single pixel is decoded, so a decompression bomb costs a few
hundred bytes of reading.
"""

import io
import warnings
from dataclasses import dataclass, field, replace

import numpy as np
from PIL import Image, ImageCms, UnidentifiedImageError

from colorizer_site.engine import formats
from colorizer_site.engine.errors import ImageTooLarge, InvalidImage, UnsupportedFormat
from colorizer_site.engine.errors import gettext_noop as _
from colorizer_site.engine.types import EngineConfig, ImageInfo

# Pillow's format names, from the one format table.
BASE_FORMATS = formats.BASE_PILLOW_NAMES

_heif_state: dict[str, bool] = {}


def allowed_formats() -> tuple[str, ...]:
    """The formats Pillow may identify; HEIC joins when pillow-heif is importable."""
    if "registered" not in _heif_state:
        try:
            import pillow_heif

            pillow_heif.register_heif_opener()
            _heif_state["registered"] = True
        except ImportError:
            _heif_state["registered"] = False
    return (*BASE_FORMATS, "HEIF") if _heif_state["registered"] else BASE_FORMATS


@dataclass
class DecodedImage:
    """Pixels ready for the pipeline: one of `gray` (H, W) or `rgb` (H, W, 3).

    The arrays are uint8, or uint16 for 16-bit grey input, whose extra
    precision the luminance keeps. `alpha` is kept for PNG and WebP output.
    """

    info: ImageInfo
    gray: np.ndarray | None = None
    rgb: np.ndarray | None = None
    alpha: np.ndarray | None = None
    exif: Image.Exif | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return self.info.width

    @property
    def height(self) -> int:
        return self.info.height


def open_image(data: bytes, config: EngineConfig) -> Image.Image:
    if not data:
        raise InvalidImage(_("The file is empty."))
    if len(data) > config.max_bytes:
        raise ImageTooLarge(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            size=f"{len(data) / 1_048_576:.1f}",
            limit=f"{config.max_bytes / 1_048_576:.0f}",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=list(allowed_formats()))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow refuses these itself, from the header, before decoding anything.
        raise ImageTooLarge(
            _(
                "The image has far too many pixels; the limit is %(side)s pixels a side "
                "and %(megapixels)s megapixels."
            ),
            side=config.max_side,
            megapixels=f"{config.max_pixels / 1e6:.1f}",
        ) from error
    except UnidentifiedImageError as error:
        raise UnsupportedFormat(
            _("This is not an image in a supported format (%(formats)s)."),
            formats=formats.input_formats_sentence(),
        ) from error
    except (OSError, ValueError, SyntaxError) as error:
        raise InvalidImage(
            _("The image is damaged or cut short and could not be read (%(error)s)."),
            error=str(error),
        ) from error


def check_header(image: Image.Image, data: bytes, config: EngineConfig) -> ImageInfo:
    width, height = image.size
    if width < 1 or height < 1:
        raise InvalidImage(_("The image has no pixels."))
    if width > config.max_side or height > config.max_side or width * height > config.max_pixels:
        raise ImageTooLarge(
            _(
                "The image is %(width)sx%(height)s pixels; the limit is %(side)s pixels a side "
                "and %(megapixels)s megapixels."
            ),
            width=width,
            height=height,
            side=config.max_side,
            megapixels=f"{config.max_pixels / 1e6:.1f}",
        )
    frames = getattr(image, "n_frames", 1)
    if frames > 1 and image.format != "MPO":
        label = formats.label(image.format or "")
        raise InvalidImage(
            _(
                "The %(label)s file holds %(frames)s frames (an animation or several pages); "
                "send a single still image."
            ),
            label=label,
            frames=frames,
        )
    return ImageInfo(
        format=image.format or "",
        width=width,
        height=height,
        mode=image.mode,
        bytes=len(data),
    )


def probe_image(data: bytes, config: EngineConfig) -> ImageInfo:
    """Identify and size-check an image from its header, without decoding the pixels."""
    image = open_image(data, config)
    try:
        info = check_header(image, data, config)
        try:
            turn = _orientation_transpose(image.getexif())
        except (OSError, ValueError, SyntaxError):
            turn = None  # decode_image drops a broken EXIF block the same way
        return replace(info, quarter_turned=turn in _QUARTER_TURNS)
    finally:
        image.close()


_QUARTER_TURNS = (
    Image.Transpose.TRANSPOSE,
    Image.Transpose.ROTATE_270,
    Image.Transpose.TRANSVERSE,
    Image.Transpose.ROTATE_90,
)


def _orientation_transpose(exif: Image.Exif) -> Image.Transpose | None:
    return {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(exif.get(0x0112, 1))


_SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(image: Image.Image, notes: list[str]) -> Image.Image:
    """Convert through the embedded ICC profile, so a print-ready CMYK or wide-gamut
    photo keeps its tones; without a profile Pillow's formulas stand in."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if ImageCms.getProfileDescription(source).strip().lower().startswith("srgb"):
            return image
        converted = ImageCms.profileToProfile(
            image,
            source,
            _SRGB_PROFILE,
            outputMode="RGB",
            renderingIntent=ImageCms.Intent.PERCEPTUAL,
        )
        if image.mode == "L":
            # A grey profile maps onto sRGB's neutral axis; stay single-channel.
            converted = converted.convert("L")
    except (ImageCms.PyCMSError, OSError, ValueError):
        notes.append(_("The embedded colour profile could not be used; it was ignored."))
        return image
    notes.append(_("Converted from the embedded colour profile to sRGB."))
    return converted


def decode_image(data: bytes, config: EngineConfig) -> DecodedImage:
    """Fully decode an image that passes `probe_image`'s checks."""
    image = open_image(data, config)
    info = check_header(image, data, config)
    notes: list[str] = []
    try:
        image.load()
    except (OSError, ValueError, SyntaxError) as error:
        raise InvalidImage(
            _("The image data is damaged or cut short (%(error)s); try saving it again."),
            error=str(error),
        ) from error
    try:
        exif = image.getexif()
    except (OSError, ValueError, SyntaxError):
        # A broken EXIF block is no reason to refuse the photo; it is dropped.
        exif = Image.Exif()
        notes.append(_("The EXIF metadata was damaged and has been dropped."))
    turn = _orientation_transpose(exif)
    if turn is not None:
        image = image.transpose(turn)
        notes.append(_("Rotated upright according to the EXIF orientation."))
    decoded = DecodedImage(info=info, exif=exif, notes=notes)

    mode = image.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit grey: keep every level; "I" is how some TIFF and PNG readers hand it over.
        values = np.asarray(image)
        decoded.gray = np.clip(values, 0, 65535).astype(np.uint16, copy=False)
        notes.append(_("16-bit input: luminance kept at full precision."))
        return decoded
    if mode == "F":
        values = np.asarray(image, dtype=np.float32)
        scale = 65535.0 if float(values.max(initial=0.0)) <= 1.0 else 65535.0 / 255.0
        decoded.gray = np.clip(values * scale, 0, 65535).astype(np.uint16)
        return decoded
    if "A" in mode or "transparency" in image.info:
        with_alpha = image.convert("LA" if mode in ("L", "LA", "La", "1") else "RGBA")
        decoded.alpha = np.asarray(with_alpha.getchannel("A"))
        image = with_alpha.convert("L" if with_alpha.mode == "LA" else "RGB")
        notes.append(_("Transparency kept for PNG and WebP output, white behind it for JPEG."))
    elif mode == "1":
        image = image.convert("L")
    elif mode == "CMYK":
        converted = _to_srgb(image, notes)
        image = converted if converted.mode == "RGB" else image.convert("RGB")
        image.info.pop("icc_profile", None)
        notes.append(_("CMYK input converted to RGB."))
    elif mode not in ("L", "RGB"):
        try:
            image = image.convert("RGB")
        except (ValueError, OSError) as error:
            raise UnsupportedFormat(
                _("Images in colour mode %(mode)s are not supported."), mode=mode
            ) from error
    image = _to_srgb(image, notes)
    if image.mode == "L":
        decoded.gray = np.asarray(image)
    else:
        decoded.rgb = np.asarray(image)
    return decoded
