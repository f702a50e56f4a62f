"""A quick, reduced-size colorization for adjusting colours: the pins and vividness of a
full run, on a copy of the photo whose long side is `max_side`.

Everything a full run does to colour happens here too (the model with its hints,
decoding at the chosen vividness, edge-following upsampling, exact pins), so what
a person sees while placing pins is what "Apply" will give, only smaller.
"""

import cv2
import numpy as np

from colorizer_site.engine.color import srgb8_of_lab
from colorizer_site.engine.encoding import encode_image
from colorizer_site.engine.formats import OUTPUT_CONTENT_TYPES as CONTENT_TYPES
from colorizer_site.engine.model_registry import predict
from colorizer_site.engine.pipeline import checked_lightness, decode_colour, full_size_ab
from colorizer_site.engine.types import ColorizeOptions, ColorizeResult, ColourHint, EngineConfig

# Long sides a preview may have: 512 on the job page, 256 where speed matters more.
PREVIEW_SIZES = (256, 512)
DEFAULT_PREVIEW_SIZE = 512


def reduced(lightness: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    """L* shrunk so its long side is at most `max_side`, and the scale applied."""
    height, width = lightness.shape
    scale = min(1.0, max_side / max(height, width))
    if scale == 1.0:
        return lightness, 1.0
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(lightness, size, interpolation=cv2.INTER_AREA), scale


def preview(
    data: bytes, options: ColorizeOptions, config: EngineConfig, max_side: int
) -> ColorizeResult:
    """A JPEG of the photo colorized with `options`' model, hints and vividness, its long
    side at most `max_side`. Hints are in the full photo's pixels, as for `colorize`."""
    entry, lightness = checked_lightness(data, options, config)
    small, scale = reduced(lightness, max_side)
    rows, columns = small.shape
    hints = tuple(
        ColourHint(
            x=min(columns - 1.0, hint.x * scale),
            y=min(rows - 1.0, hint.y * scale),
            color=hint.color,
        )
        for hint in options.hints
    )
    prediction = predict(small, entry, config, hints)
    ab_grid = decode_colour(prediction, entry, options.vividness)
    ab = full_size_ab(prediction, ab_grid, small, hints)
    rgb = srgb8_of_lab(small, ab)
    output = encode_image(rgb, "jpeg")
    return ColorizeResult(
        data=output,
        format="jpeg",
        content_type=CONTENT_TYPES["jpeg"],
        width=columns,
        height=rows,
        model=entry.name,
        stages=["decode", "colorize", "encode"],
    )
