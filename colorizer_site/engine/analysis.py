"""What the model thinks of one photo, for guiding it: alternatives at a point and confidence.

`analyze` runs the model once (with any pins already placed) and keeps its
colour distribution, so a page can ask for the top colours under the cursor or
shade where the model hesitated without running the network again.
"""

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from colorizer_site.engine.color import srgb8_of_lab
from colorizer_site.engine.distribution import ColourDistribution, vividness_of_temperature
from colorizer_site.engine.errors import InvalidOptions
from colorizer_site.engine.model_registry import predict
from colorizer_site.engine.pipeline import checked_lightness
from colorizer_site.engine.types import ColorizeOptions, EngineConfig

# The confidence view's shade: a magenta no photo's colours are mistaken for.
UNSURE_SHADE = (214, 0, 120)
UNSURE_OPACITY = 0.65
UNSURE_MIN_SPREAD = 0.05  # confidence differences below this are not worth a shade


@dataclass(frozen=True)
class Alternative:
    color: str  # "#rrggbb": the colour the pixel would get, at the photo's own lightness
    probability: float  # 0..1, the model's belief in this colour family


@dataclass(frozen=True)
class ColourAnalysis:
    width: int
    height: int
    distribution: ColourDistribution
    lightness: np.ndarray  # L* at the distribution's grid size
    default_vividness: int

    def _cell(self, x: float, y: float) -> tuple[int, int]:
        if not (0 <= x < self.width and 0 <= y < self.height):
            raise InvalidOptions(
                f"({x:g}, {y:g}) is outside the {self.width}x{self.height} photo.", field="point"
            )
        rows, columns = self.distribution.grid_size
        return min(rows - 1, int(y * rows / self.height)), min(
            columns - 1, int(x * columns / self.width)
        )

    def alternatives(self, x: float, y: float, count: int = 5) -> list[Alternative]:
        """The model's most likely distinct colours at a point of the photo, best first."""
        row, column = self._cell(x, y)
        lightness = np.full((1, 1), self.lightness[row, column], dtype=np.float32)
        found = []
        for ab, probability in self.distribution.alternatives(row, column, count):
            rgb = srgb8_of_lab(lightness, ab.reshape(1, 1, 2).astype(np.float32))[0, 0]
            found.append(Alternative("#" + "".join(f"{v:02x}" for v in rgb), probability))
        return found

    def confidence(self, width: int | None = None, height: int | None = None) -> np.ndarray:
        """uint8 map, 255 where the model is sure, at the given size (default: the grid's)."""
        values = np.clip(self.distribution.confidence() * 255.0, 0, 255).astype(np.uint8)
        if width and height:
            values = cv2.resize(values, (width, height), interpolation=cv2.INTER_LINEAR)
        return values

    def unsure_overlay(self, width: int, height: int) -> bytes:
        """A PNG to lay over the photo: transparent where the model is surest, shaded
        (UNSURE_SHADE, up to UNSURE_OPACITY) where it hesitated most.

        Relative to this photo: a half-trained or cautious model can be unsure
        everywhere, and what a person needs is where a pin helps most. A photo whose
        confidence hardly varies gets almost no shade.
        """
        confidence = self.confidence(width, height).astype(np.float32) / 255.0
        low, high = np.percentile(confidence, [2.0, 98.0])
        doubt = np.clip((high - confidence) / max(high - low, UNSURE_MIN_SPREAD), 0.0, 1.0)
        rgba = np.empty((height, width, 4), dtype=np.uint8)
        rgba[..., :3] = UNSURE_SHADE
        rgba[..., 3] = (doubt * UNSURE_OPACITY * 255.0).astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(rgba, "RGBA").save(buffer, "PNG", compress_level=3)
        return buffer.getvalue()


def analyze(data: bytes, options: ColorizeOptions, config: EngineConfig) -> ColourAnalysis:
    """Decode the photo and run its model once; InvalidOptions if the model has no distribution."""
    entry, lightness = checked_lightness(data, options, config)
    height, width = lightness.shape
    prediction = predict(lightness, entry, config, options.hints)
    if prediction.distribution is None:
        raise InvalidOptions(
            f"The model {options.model!r} gives no colour alternatives; choose tiny or large.",
            field="model",
        )
    rows, columns = prediction.distribution.grid_size
    small = cv2.resize(lightness, (columns, rows), interpolation=cv2.INTER_AREA)
    return ColourAnalysis(
        width=width,
        height=height,
        distribution=prediction.distribution,
        lightness=small,
        default_vividness=vividness_of_temperature(entry.temperature or 1.0),
    )
