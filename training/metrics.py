"""The colorization metrics, computed over a whole evaluation set.

Defined under "How quality is measured" in docs/models/colorizer.md.
"""

from dataclasses import dataclass, field

import numpy as np

from training.color import lab_to_rgb, rgb_to_lab

THRESHOLDS = np.arange(0, 151)  # ab error thresholds of the AuC, inclusive
GRID_LOW, GRID_STEP, GRID_CELLS = -110.0, 10.0, 22  # 10x10 ab grid over [-110, 110)


def compose_rgb(lightness: np.ndarray, ab: np.ndarray) -> np.ndarray:
    """L [H, W, 1] and ab [H, W, 2] -> uint8 RGB [H, W, 3]."""
    rgb = lab_to_rgb(np.concatenate([lightness, ab], axis=-1))
    return np.rint(rgb).astype(np.uint8)


def colourfulness(rgb: np.ndarray) -> float:
    """Hasler and Suesstrunk (2003) on float RGB 0..255 [H, W, 3]."""
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    rg = r - g
    yb = (r + g) / 2 - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def psnr(output: np.ndarray, truth: np.ndarray) -> float:
    mse = np.mean((output.astype(np.float64) - truth.astype(np.float64)) ** 2)
    return float(10 * np.log10(255.0**2 / max(mse, 1e-10)))


def ab_grid_cell(ab: np.ndarray) -> np.ndarray:
    """[..., 2] ab -> flat index of its cell on the rebalancing's 22x22 grid."""
    cells = np.clip(np.floor((ab - GRID_LOW) / GRID_STEP), 0, GRID_CELLS - 1).astype(np.int64)
    return cells[..., 0] * GRID_CELLS + cells[..., 1]


@dataclass
class SetMetrics:
    """Accumulates one method's outputs over a set; pooled histograms make AuC exact and cheap."""

    cell_prior: np.ndarray  # pixel frequency of each ground-truth ab cell over the whole set
    psnrs: list[float] = field(default_factory=list)
    colour_out: list[float] = field(default_factory=list)
    colour_truth: list[float] = field(default_factory=list)
    error_hist: np.ndarray = field(default_factory=lambda: np.zeros(len(THRESHOLDS)))
    weighted_hist: np.ndarray = field(default_factory=lambda: np.zeros(len(THRESHOLDS)))
    pixels: int = 0
    weight_total: float = 0.0

    def add(self, truth_rgb: np.ndarray, truth_lab: np.ndarray, predicted_ab: np.ndarray) -> None:
        """truth [H, W, 3] (RGB uint8 and its Lab), prediction [H, W, 2].

        The output is the 8-bit RGB image of true L with predicted ab, and every
        metric reads that image (its ab too), which is what reproduces the datasets'
        published gray and mean-colour figures to the last digit.
        """
        output_rgb = compose_rgb(truth_lab[..., :1], predicted_ab)
        self.psnrs.append(psnr(output_rgb, truth_rgb))
        self.colour_out.append(colourfulness(output_rgb))
        self.colour_truth.append(colourfulness(truth_rgb))
        output_ab = rgb_to_lab(output_rgb)[..., 1:]
        error = np.linalg.norm(output_ab - truth_lab[..., 1:], axis=-1).ravel()
        # Errors above 150 count for no threshold; ceil puts error e under thresholds >= e.
        bucket = np.ceil(error).astype(np.int64)
        keep = bucket <= THRESHOLDS[-1]
        weights = 1.0 / self.cell_prior[ab_grid_cell(truth_lab[..., 1:]).ravel()]
        self.error_hist += np.bincount(bucket[keep], minlength=len(THRESHOLDS))
        self.weighted_hist += np.bincount(
            bucket[keep], weights=weights[keep], minlength=len(THRESHOLDS)
        )
        self.pixels += error.size
        self.weight_total += float(weights.sum())

    def summary(self) -> dict[str, float]:
        auc = np.cumsum(self.error_hist).mean() / self.pixels * 100
        rebalanced = np.cumsum(self.weighted_hist).mean() / self.weight_total * 100
        return {
            "psnr": float(np.mean(self.psnrs)),
            "auc": float(auc),
            "rebalanced_auc": float(rebalanced),
            "colourfulness_ratio": float(np.mean(self.colour_out) / np.mean(self.colour_truth)),
        }


def cell_prior_of(truth_labs: list[np.ndarray]) -> np.ndarray:
    """Pixel frequency of each ab grid cell over a set's ground truths (zero-safe)."""
    counts = np.zeros(GRID_CELLS * GRID_CELLS)
    for lab in truth_labs:
        counts += np.bincount(ab_grid_cell(lab[..., 1:]).ravel(), minlength=counts.size)
    return np.maximum(counts / counts.sum(), 1e-12)


def cast_share(ab: np.ndarray) -> float:
    """How much of a picture's colour is one photo-wide tint: |mean ab| / mean chroma.

    1 for a uniform wash (sepia, orange, pink), near 0 for colours that vary
    around neutral; real colour photos are measured beside it (the truth row of
    `make evaluate`). Near-gray outputs (mean chroma under 1) count as 0.
    """
    flat = ab.reshape(-1, 2).astype(np.float64)
    chroma = float(np.hypot(flat[:, 0], flat[:, 1]).mean())
    if chroma < 1.0:
        return 0.0
    return float(np.hypot(*flat.mean(axis=0)) / chroma)
