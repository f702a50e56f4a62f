"""The decode-time colour steps on real arrays: surfaces, pooling, calm colour, calibration."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from colorizer_site.engine.confidence import calibrated, calmed
from colorizer_site.engine.distribution import ColourDistribution
from colorizer_site.engine.model_registry import bundled_models, file_sha256
from colorizer_site.engine.pooling import coherent
from colorizer_site.engine.surfaces import find_surfaces

CENTRES = np.array([[0.0, 0.0], [40.0, 0.0], [0.0, 40.0], [-40.0, 0.0]], dtype=np.float32)


def backdrop_and_figure() -> np.ndarray:
    """L* of a plain grey backdrop (left) and a dark figure (right), with grain."""
    lightness = np.full((192, 256), 60.0, np.float32)
    lightness[:, 160:] = 25.0
    return lightness + np.random.default_rng(0).normal(0.0, 0.6, lightness.shape).astype(np.float32)


def blotchy_logits(rows: int = 48, columns: int = 64) -> np.ndarray:
    """Each cell of the backdrop sure of a different colour at random: blotches."""
    rng = np.random.default_rng(1)
    logits = np.zeros((len(CENTRES), rows, columns), np.float32)
    choice = rng.integers(1, 4, (rows, columns))
    for index in range(1, 4):
        logits[index][choice == index] = 1.5
    logits[:, :, 40:] = 0.0
    logits[1, :, 40:] = 6.0  # the figure: surely a* = +40
    return logits


def test_surfaces_split_a_backdrop_from_the_figure_in_front() -> None:
    surfaces = find_surfaces(backdrop_and_figure())
    backdrop, figure = surfaces.label_at(40, 100), surfaces.label_at(220, 100)
    assert backdrop != figure
    assert surfaces.plain[backdrop] > 0.8
    assert abs(surfaces.areas[backdrop] - 160 / 256) < 0.05


def test_pooling_gives_a_plain_surface_one_colour_and_keeps_its_neighbour() -> None:
    lightness = backdrop_and_figure()
    raw = ColourDistribution(blotchy_logits(), CENTRES)
    pooled = coherent(raw, find_surfaces(lightness))

    before, after = raw.annealed_mean(0.5), pooled.annealed_mean(0.5)

    spread_before = before[:, 4:36].reshape(-1, 2).std(axis=0).sum()
    spread_after = after[:, 4:36].reshape(-1, 2).std(axis=0).sum()
    assert spread_after < 0.6 * spread_before
    assert after[:, 44:, 0].mean() > 30.0  # the figure stays a* = +40


def test_a_pins_cells_keep_their_own_distribution() -> None:
    lightness = backdrop_and_figure()
    raw = ColourDistribution(blotchy_logits(), CENTRES)
    keep = np.zeros((192, 256), np.float32)
    keep[80:84, 80:84] = 1.0  # a pin at grid cell (20, 20)
    pooled = coherent(raw, find_surfaces(lightness), keep=keep)
    assert np.allclose(pooled.annealed_mean(0.5)[20, 20], raw.annealed_mean(0.5)[20, 20], atol=0.5)


def test_a_doubtful_large_plain_surface_comes_out_calm() -> None:
    lightness = backdrop_and_figure()
    surfaces = find_surfaces(lightness)
    logits = np.zeros((len(CENTRES), 48, 64), np.float32)
    logits[1, :, :40] = 0.5  # the backdrop: a weak lean to a* = +40 (doubtful)
    logits[1, :, 40:] = 8.0  # the figure: certain
    distribution = ColourDistribution(logits, CENTRES)
    ab = distribution.annealed_mean(0.5)

    calm = calmed(ab, distribution, surfaces)

    assert np.hypot(*calm[:, 4:36].mean(axis=(0, 1))) < 0.8 * np.hypot(
        *ab[:, 4:36].mean(axis=(0, 1))
    )
    assert np.allclose(calm[:, 44:], ab[:, 44:], atol=1.0)


def test_calibration_maps_raw_confidence_monotonically() -> None:
    mapping = ((0.0, 0.2), (0.5, 0.6), (1.0, 0.9))
    values = calibrated(np.array([0.0, 0.25, 0.5, 1.0]), mapping)
    assert np.allclose(values, [0.2, 0.4, 0.6, 0.9])
    assert np.allclose(calibrated(np.array([0.3, 1.4]), ()), [0.3, 1.0])


def test_a_calibration_fitted_for_other_weights_is_not_used(tmp_path: Path) -> None:
    weights = tmp_path / "tiny.onnx"
    weights.write_bytes(b"not really a network")
    points = [[0.0, 0.1], [1.0, 0.8]]

    def entry_with(sha256: str):
        record = {
            "file": "tiny.onnx",
            "sha256": file_sha256(weights),
            "calibration": {"radius": 20.0, "sha256": sha256, "points": points},
        }
        (tmp_path / "models.json").write_text(json.dumps({"tiny": record}))
        return bundled_models(tmp_path)["own-tiny"]

    assert entry_with(file_sha256(weights)).calibration == ((0.0, 0.1), (1.0, 0.8))
    assert entry_with("0" * 64).calibration == ()
