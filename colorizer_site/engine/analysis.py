"""What the model thinks of one photo, for guiding it: alternatives at a point, confidence,
the reach of a pin and the pins worth placing.

`analyze` runs the model once (with any pins already placed) and keeps its
colour distribution and the photo's surfaces (engine.surfaces), so a page can
ask for the top colours under the cursor, shade where the model hesitated, show
how far a pin would reach or propose where to pin, without running the network
again.
"""

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from colorizer_site.engine.color import srgb8_of_lab
from colorizer_site.engine.confidence import confidence_map
from colorizer_site.engine.distribution import (
    ColourDistribution,
    merged_choices,
    vividness_of_temperature,
)
from colorizer_site.engine.errors import InvalidOptions
from colorizer_site.engine.errors import gettext_noop as _
from colorizer_site.engine.model_registry import predict
from colorizer_site.engine.pipeline import checked_lightness
from colorizer_site.engine.surfaces import Surfaces, find_surfaces
from colorizer_site.engine.types import ColorizeOptions, EngineConfig

# The confidence view's shade: a magenta no photo's colours are mistaken for.
UNSURE_SHADE = (214, 0, 120)
UNSURE_OPACITY = 0.65
UNSURE_MIN_SPREAD = 0.05  # confidence differences below this are not worth a shade
SUGGESTION_MIN_AREA = 0.01  # share of the photo: smaller surfaces are not worth a suggestion
SUGGESTION_ALTERNATIVES = 4


@dataclass(frozen=True)
class Alternative:
    color: str  # "#rrggbb": the colour the pixel would get, at the photo's own lightness
    probability: float  # 0..1, the model's belief in this colour family


@dataclass(frozen=True)
class PinSuggestion:
    """A surface where one pin would help most, and the colours the model hesitates between."""

    x: int  # where to put the pin, photo pixels
    y: int
    outline: list[tuple[int, int]]  # the surface's border, photo pixels, at most 64 points
    area: float  # share of the photo, 0..1
    confidence: float  # calibrated, 0..1: how likely the colour shown there now is right
    alternatives: list[Alternative]  # best first, at most 4


@dataclass(frozen=True)
class ColourAnalysis:
    width: int
    height: int
    distribution: ColourDistribution
    lightness: np.ndarray  # L* at the distribution's grid size
    default_vividness: int
    surfaces: Surfaces
    certainty: np.ndarray  # calibrated confidence at the grid, of the default decoding
    pinned: frozenset[int] = frozenset()  # surfaces that already carry a pin

    def _cell(self, x: float, y: float) -> tuple[int, int]:
        if not (0 <= x < self.width and 0 <= y < self.height):
            raise InvalidOptions(
                _("(%(x)s, %(y)s) is outside the %(width)sx%(height)s photo."),
                field="point",
                x=f"{x:g}",
                y=f"{y:g}",
                width=self.width,
                height=self.height,
            )
        rows, columns = self.distribution.grid_size
        return min(rows - 1, int(y * rows / self.height)), min(
            columns - 1, int(x * columns / self.width)
        )

    def alternatives(self, x: float, y: float, count: int = 5) -> list[Alternative]:
        """The model's most likely distinct colours at a point of the photo, best first."""
        row, column = self._cell(x, y)
        return [
            Alternative(self._colour(self.lightness[row, column], ab), probability)
            for ab, probability in self.distribution.alternatives(row, column, count)
        ]

    def _colour(self, lightness: float, ab: np.ndarray) -> str:
        rgb = srgb8_of_lab(
            np.full((1, 1), lightness, dtype=np.float32), ab.reshape(1, 1, 2).astype(np.float32)
        )[0, 0]
        return "#" + "".join(f"{v:02x}" for v in rgb)

    def reach(self, x: float, y: float) -> list[tuple[int, int]]:
        """The border (photo pixels, at most 64 points) of the surface a pin at (x, y)
        would colour: the same surface the engine spreads the pin over."""
        self._cell(x, y)  # the same refusal for a point off the photo
        return self.surfaces.outline(self.surfaces.label_at(x, y))

    def suggestions(self, count: int = 3) -> list[PinSuggestion]:
        """Up to `count` surfaces where one pin would help most, most helpful first: large
        (area) and where the colour shown is least likely right (calibrated confidence)."""
        surfaces = self.surfaces
        rows, columns = surfaces.labels.shape
        certainty = cv2.resize(self.certainty, (columns, rows), interpolation=cv2.INTER_LINEAR)
        sums = np.bincount(surfaces.labels.ravel(), certainty.ravel(), surfaces.count)
        mean_certainty = sums / np.maximum(surfaces.areas * surfaces.labels.size, 1.0)
        gain = surfaces.areas * (1.0 - mean_certainty)
        order = [
            int(label)
            for label in np.argsort(-gain, kind="stable")
            if surfaces.areas[label] >= SUGGESTION_MIN_AREA and int(label) not in self.pinned
        ]
        probabilities = self.distribution.probabilities()
        grid_rows, grid_columns = self.distribution.grid_size
        found = []
        for label in order[: max(0, count)]:
            mask = surfaces.mask(label).astype(np.float32)
            weights = cv2.resize(mask, (grid_columns, grid_rows), interpolation=cv2.INTER_AREA)
            if weights.sum() <= 0:
                continue
            # The surface's own distribution: its cells' distributions averaged.
            mixture = (probabilities * weights).sum(axis=(1, 2)) / weights.sum()
            x, y = surfaces.anchor(label)
            row, column = self._cell(x, y)
            choices = merged_choices(
                mixture.astype(np.float64), self.distribution.centres, SUGGESTION_ALTERNATIVES
            )
            found.append(
                PinSuggestion(
                    x=x,
                    y=y,
                    outline=surfaces.outline(label),
                    area=float(surfaces.areas[label]),
                    confidence=float(np.clip(mean_certainty[label], 0.0, 1.0)),
                    alternatives=[
                        Alternative(self._colour(self.lightness[row, column], ab), probability)
                        for ab, probability in choices
                    ],
                )
            )
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
            _("The model %(model)s gives no colour alternatives; choose tiny or large."),
            field="model",
            model=repr(options.model),
        )
    rows, columns = prediction.distribution.grid_size
    small = cv2.resize(lightness, (columns, rows), interpolation=cv2.INTER_AREA)
    surfaces = prediction.surfaces or find_surfaces(lightness)
    shown = prediction.decode(entry.temperature)
    return ColourAnalysis(
        width=width,
        height=height,
        distribution=prediction.distribution,
        lightness=small,
        default_vividness=vividness_of_temperature(entry.temperature or 1.0),
        surfaces=surfaces,
        certainty=confidence_map(prediction.distribution, shown, entry.calibration),
        pinned=frozenset(surfaces.label_at(hint.x, hint.y) for hint in options.hints),
    )
