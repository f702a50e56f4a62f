"""Reading the own models' colour distribution: vividness, confidence and alternatives.

The own models (v2) give, for each cell of a grid at a quarter of their working
size, logits over a few hundred ab bins (Zhang, Isola and Efros 2016). Decoding
them here rather than inside the ONNX graph lets every request choose its own
vividness from one file:

- the annealed mean, softmax(logits / T) then the expected bin centre: T = 1 is
  the plain mean (safe, muted), small T approaches the most likely colour (vivid,
  sometimes wrong); "vividness" 0..100 maps onto T;
- confidence, 1 minus the normalized entropy of the distribution: near 1 where
  the model is sure ("sky is blue"), near 0 where it hesitates (a dress);
- the top alternatives at a point: the most probable colours, with nearby bins
  merged so that three shades of the same blue count as one choice.
"""

import math
from dataclasses import dataclass

import numpy as np

VIVIDNESS_MIN_T = 1.0  # vividness 0: the plain mean of the distribution
VIVIDNESS_MAX_T = 0.12  # vividness 100: close to the single most likely colour
ALTERNATIVE_MERGE_DISTANCE = 18.0  # ab units within which bins count as one colour


def temperature_of_vividness(vividness: float) -> float:
    """Vividness 0..100 -> annealing temperature, geometric between the two ends."""
    share = min(100.0, max(0.0, float(vividness))) / 100.0
    return math.exp(
        math.log(VIVIDNESS_MIN_T) + share * (math.log(VIVIDNESS_MAX_T) - math.log(VIVIDNESS_MIN_T))
    )


def vividness_of_temperature(temperature: float) -> int:
    """The vividness whose temperature is closest to `temperature` (models.json stores T)."""
    span = math.log(VIVIDNESS_MAX_T) - math.log(VIVIDNESS_MIN_T)
    share = (math.log(max(temperature, 1e-6)) - math.log(VIVIDNESS_MIN_T)) / span
    return round(min(1.0, max(0.0, share)) * 100)


def _softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Softmax over the first axis of [Q, h, w] logits."""
    scaled = logits / temperature
    scaled = scaled - scaled.max(axis=0, keepdims=True)
    np.exp(scaled, out=scaled)
    scaled /= scaled.sum(axis=0, keepdims=True)
    return scaled


@dataclass(frozen=True)
class ColourDistribution:
    """Bin logits [Q, h, w] of one photo and the bins' ab centres [Q, 2]."""

    logits: np.ndarray
    centres: np.ndarray

    @property
    def grid_size(self) -> tuple[int, int]:
        return self.logits.shape[1], self.logits.shape[2]

    def annealed_mean(self, temperature: float) -> np.ndarray:
        """a*, b* [h, w, 2] float32 at the grid's size."""
        probabilities = _softmax(self.logits.astype(np.float32), temperature)
        quantity, height, width = probabilities.shape
        ab = self.centres.T @ probabilities.reshape(quantity, -1)
        return np.ascontiguousarray(ab.reshape(2, height, width).transpose(1, 2, 0))

    def confidence(self) -> np.ndarray:
        """[h, w] float32 in 0..1: 1 - entropy / log(Q)."""
        probabilities = _softmax(self.logits.astype(np.float32))
        entropy = -(probabilities * np.log(np.clip(probabilities, 1e-12, None))).sum(axis=0)
        return (1.0 - entropy / math.log(len(self.centres))).astype(np.float32)

    def probabilities(self) -> np.ndarray:
        """[Q, h, w] float32: the distribution itself (T = 1)."""
        return _softmax(self.logits.astype(np.float32))

    def mass_near(self, ab: np.ndarray, radius: float) -> np.ndarray:
        """[h, w] float32: the model's own belief that the true colour lies within `radius`
        a*b* units of `ab` [h, w, 2] (the colour shown): the raw form of its confidence."""
        probabilities = self.probabilities().reshape(len(self.centres), -1)
        points = ab.reshape(-1, 2).astype(np.float32)
        # |c - p|^2 = |c|^2 - 2 c.p + |p|^2, one small matrix product for every bin and cell.
        squared = (
            (self.centres**2).sum(axis=1)[:, None]
            - 2.0 * (self.centres @ points.T)
            + (points**2).sum(axis=1)[None, :]
        )
        mass = np.where(squared <= radius * radius, probabilities, 0.0).sum(axis=0)
        return mass.reshape(ab.shape[:2]).astype(np.float32)

    def alternatives(self, row: int, column: int, count: int = 5) -> list[tuple[np.ndarray, float]]:
        """The `count` most likely distinct colours at a grid cell: (ab [2], probability)."""
        probabilities = _softmax(
            self.logits[:, row : row + 1, column : column + 1].astype(np.float64)
        )
        return merged_choices(probabilities[:, 0, 0], self.centres, count)


def merged_choices(
    probabilities: np.ndarray, centres: np.ndarray, count: int
) -> list[tuple[np.ndarray, float]]:
    """The `count` most likely distinct colours of one distribution [Q], bins within
    ALTERNATIVE_MERGE_DISTANCE of a chosen one merged into it: (ab [2], probability)."""
    remaining = np.ones(len(probabilities), dtype=bool)
    choices: list[tuple[np.ndarray, float]] = []
    while len(choices) < count and remaining.any():
        best = int(np.argmax(np.where(remaining, probabilities, -1.0)))
        distance = np.linalg.norm(centres - centres[best], axis=1)
        group = remaining & (distance <= ALTERNATIVE_MERGE_DISTANCE)
        weight = float(probabilities[group].sum())
        # The group's colour is its probability-weighted centre: one shade, well placed.
        ab = (centres[group] * probabilities[group, None]).sum(axis=0) / max(weight, 1e-12)
        choices.append((ab.astype(np.float32), weight))
        remaining &= ~group
    return choices
