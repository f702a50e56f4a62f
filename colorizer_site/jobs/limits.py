"""How large a photo each way in may send: the one home of the size limits.

The pages (single photos and batches) and `/api/v1/colorize` take flatbed scans up to
COLORIZER_MAX_IMAGE_PIXELS (60 megapixels by default: a 600 dpi scan of an A4
page is 35); the engine colours them at full resolution a strip at a time. The
task dialect keeps the limits it publishes, PicWish's 4096x4096 and 20 MB, so
programs written against that contract see the same refusals.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext

from colorizer_site.engine import formats


class Surface(StrEnum):
    PAGES = "pages"
    V1 = "v1"  # /api/v1/colorize
    TASKS = "tasks"  # the task (PicWish-compatible) dialect


@dataclass(frozen=True)
class InputLimits:
    max_pixels: int
    max_side: int
    max_bytes: int

    def describe(self) -> str:
        """The limits in a sentence's words: "up to 60 megapixels and 100 MB"."""
        if self.max_pixels == self.max_side * self.max_side:
            size = gettext("%(side)s x %(side)s pixels") % {"side": self.max_side}
        else:
            size = gettext("%(count)s megapixels") % {"count": f"{self.max_pixels / 1e6:g}"}
        return gettext("up to %(size)s and %(bytes)s MB") % {
            "size": size,
            "bytes": f"{self.max_bytes / 1_048_576:g}",
        }

    def stored(self) -> dict[str, int]:
        """As kept with a job, so its worker checks the photo by the limits it came in under."""
        return asdict(self)


TASK_DIALECT_LIMITS = InputLimits(max_pixels=4096 * 4096, max_side=4096, max_bytes=20 * 1024 * 1024)
# The v1 dialect's published file size (text inputs are fetched or decoded to at most this).
V1_FILE_LIMIT_BYTES = 25 * 1024 * 1024


def limits_for(surface: Surface) -> InputLimits:
    """The limits of one way in; pages and v1 follow the COLORIZER_MAX_* settings."""
    if surface == Surface.TASKS:
        return TASK_DIALECT_LIMITS
    pages = InputLimits(
        max_pixels=settings.COLORIZER_MAX_IMAGE_PIXELS,
        max_side=settings.COLORIZER_MAX_IMAGE_SIDE,
        max_bytes=settings.COLORIZER_MAX_UPLOAD_BYTES,
    )
    if surface == Surface.V1:
        return replace(pages, max_bytes=V1_FILE_LIMIT_BYTES)
    return pages


def stored_limits(input_meta: dict) -> InputLimits:
    """The limits a job was submitted under (older jobs: the pages' limits, with any
    larger file size they were promised)."""
    stored = input_meta.get("limits")
    if stored:
        return InputLimits(**stored)
    pages = limits_for(Surface.PAGES)
    return replace(pages, max_bytes=max(pages.max_bytes, input_meta.get("max_bytes") or 0))


def accepted_formats_sentence() -> str:
    """The accepted formats in the reader's words: "JPEG, PNG, WebP, TIFF, BMP, SGI or HEIC"
    (the engine's table, joined in the active language)."""
    labels = formats.input_labels()
    return gettext("%(formats)s or %(last)s") % {
        "formats": ", ".join(labels[:-1]),
        "last": labels[-1],
    }
