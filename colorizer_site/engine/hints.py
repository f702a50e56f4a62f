"""Colour hints ("this dress was blue") and vividness: parsing, checking and rasterizing.

A hint is a point in the input photo's pixel coordinates and an sRGB colour; the
model only takes the colour's a*, b* (the photo keeps its own lightness). Hints
reach the network as the map it was trained with (training/hints.py): a*/110,
b*/110 and a mask, set on a small square patch around each point at the
network's working size.
"""

import json
import re
from collections.abc import Iterable

import numpy as np

from colorizer_site.engine.color import lab_of_rgb
from colorizer_site.engine.errors import InvalidOptions
from colorizer_site.engine.errors import gettext_noop as _
from colorizer_site.engine.types import ColourHint

MAX_HINTS = 32
HINT_HALF_SIDE = 1  # 3x3 patches at the working size, the middle of the trained sizes
VIVIDNESS_RANGE = (0, 100)
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def parse_hints(text: str | None) -> tuple[ColourHint, ...]:
    """JSON `[{"x": 120, "y": 48, "color": "#3a6ea5"}, …]` -> hints; InvalidOptions says why not."""
    if text is None or not text.strip():
        return ()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidOptions(
            _("hints is not valid JSON (%(error)s)."), field="hints", error=error.msg
        ) from error
    if not isinstance(document, list):
        raise InvalidOptions(
            _('hints must be a JSON array of {"x", "y", "color"} objects.'), field="hints"
        )
    return check_hints(document)


def check_hints(items: Iterable[object]) -> tuple[ColourHint, ...]:
    """Validate already-decoded hint objects (dicts or ColourHint)."""
    hints: list[ColourHint] = []
    for position, item in enumerate(items, start=1):
        if isinstance(item, ColourHint):
            hints.append(item)
            continue
        if not isinstance(item, dict) or set(item) != {"x", "y", "color"}:
            raise InvalidOptions(
                _('hint %(position)s must be an object with exactly "x", "y" and "color".'),
                field="hints",
                position=position,
            )
        x, y, colour = item["x"], item["y"], item["color"]
        numbers = all(
            isinstance(value, int | float) and not isinstance(value, bool) for value in (x, y)
        )
        if not numbers or not all(np.isfinite([x, y])):
            raise InvalidOptions(
                _("hint %(position)s: x and y must be numbers."), field="hints", position=position
            )
        if not isinstance(colour, str) or not _HEX_COLOUR.match(colour):
            raise InvalidOptions(
                _('hint %(position)s: color must be "#rrggbb", not %(colour)s.'),
                field="hints",
                position=position,
                colour=repr(colour),
            )
        hints.append(ColourHint(x=float(x), y=float(y), color=colour.lower()))
    if len(hints) > MAX_HINTS:
        raise InvalidOptions(
            _("at most %(limit)s hints are allowed; %(count)s were given."),
            field="hints",
            limit=MAX_HINTS,
            count=len(hints),
        )
    return tuple(hints)


def check_hints_inside(hints: tuple[ColourHint, ...], width: int, height: int) -> None:
    """Every point must fall on the photo (coordinates in its pixels, as displayed)."""
    for position, hint in enumerate(hints, start=1):
        if not (0 <= hint.x < width and 0 <= hint.y < height):
            raise InvalidOptions(
                _("hint %(position)s at (%(x)s, %(y)s) is outside the %(width)sx%(height)s photo."),
                field="hints",
                position=position,
                x=f"{hint.x:g}",
                y=f"{hint.y:g}",
                width=width,
                height=height,
            )


def check_vividness(vividness: int | None) -> None:
    low, high = VIVIDNESS_RANGE
    if vividness is None:
        return
    if (
        isinstance(vividness, bool)
        or not isinstance(vividness, int)
        or not low <= vividness <= high
    ):
        raise InvalidOptions(
            _("vividness must be a whole number from %(low)s to %(high)s."),
            field="vividness",
            low=low,
            high=high,
        )


def ab_of_hex(colour: str) -> np.ndarray:
    """a*, b* of an sRGB "#rrggbb" colour."""
    rgb = np.array([[[int(colour[i : i + 2], 16) for i in (1, 3, 5)]]], dtype=np.uint8)
    return lab_of_rgb(rgb)[0, 0, 1:]


def hint_map(
    hints: tuple[ColourHint, ...],
    photo_size: tuple[int, int],
    working_size: tuple[int, int],
    scale: float,
) -> np.ndarray:
    """float32 [1, 3, h, w] map at the working size (h, w) for a photo of (height, width);
    `scale` is the model's a*, b* units per map unit (in its ONNX metadata)."""
    height, width = photo_size
    rows, columns = working_size
    out = np.zeros((1, 3, rows, columns), dtype=np.float32)
    for hint in hints:
        row = min(rows - 1, int(hint.y * rows / height))
        column = min(columns - 1, int(hint.x * columns / width))
        window = (
            slice(max(0, row - HINT_HALF_SIDE), row + HINT_HALF_SIDE + 1),
            slice(max(0, column - HINT_HALF_SIDE), column + HINT_HALF_SIDE + 1),
        )
        a, b = ab_of_hex(hint.color) / scale
        out[0, 0][window], out[0, 1][window], out[0, 2][window] = a, b, 1.0
    return out


PIN_RADIUS_SHARE = 0.012  # of the photo's long side: the spot a pin fixes exactly
PIN_TONE_SIGMA = 8.0  # L* units: the fix stays on the pinned object, not across an edge


def apply_pins(
    ab: np.ndarray, lightness: np.ndarray, hints: tuple[ColourHint, ...], first_row: int = 0
) -> np.ndarray:
    """Make each pin's own spot exactly its colour (a*, b* in place, full size).

    The network spreads a pin over the region it belongs to, but as a guess: a
    person who picked a colour expects to see that colour where they clicked. A
    soft spot around the point, limited to pixels of similar lightness, takes
    the pin's a*, b*; the network's colour fades in around it.

    `ab` may be a strip of the photo's rows starting at `first_row` (`lightness` is
    always the whole photo): each pin touches only the part of its spot in the strip.
    """
    height, width = lightness.shape
    last_row = first_row + ab.shape[0]
    radius = max(3.0, max(height, width) * PIN_RADIUS_SHARE)
    reach = int(3 * radius)
    for hint in hints:
        row, column = min(height - 1, int(hint.y)), min(width - 1, int(hint.x))
        top, bottom = max(first_row, row - reach), min(last_row, row + reach + 1)
        if top >= bottom:
            continue
        left, right = max(0, column - reach), min(width, column + reach + 1)
        rows = np.arange(top, bottom, dtype=np.float32)[:, None] - row
        columns = np.arange(left, right, dtype=np.float32)[None, :] - column
        spatial = np.exp(-(rows**2 + columns**2) / (2 * radius**2))
        tone = lightness[top:bottom, left:right] - lightness[row, column]
        weight = (spatial * np.exp(-(tone**2) / (2 * PIN_TONE_SIGMA**2)))[..., None]
        window = ab[top - first_row : bottom - first_row, left:right]
        window *= 1.0 - weight
        window += weight * ab_of_hex(hint.color)
    return ab
