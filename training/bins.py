"""The quantized ab space of Zhang, Isola and Efros (ECCV 2016), derived here from sRGB itself.

Bins are the points of a grid of step 10 in (a, b) whose cell (centre +- 5)
holds at least one sRGB colour at some lightness. Zhang et al. count 313 such
bins from a looser gamut; exact sRGB through our conversion gives fewer (about
260), which only trims classes no photo can produce.
"""

import functools
from dataclasses import dataclass

import numpy as np
import torch

from training.color import rgb_to_lab

GRID = 10.0
PRIOR_SIGMA = 5.0  # ab units, Gaussian smoothing of the empirical prior
REBALANCE_LAMBDA = 0.5
SOFT_NEIGHBOURS = 5
SOFT_SIGMA = 5.0
ANNEAL_T = 0.38


@functools.cache
def in_gamut_bins(step: int = 4) -> np.ndarray:
    """float32 [Q, 2] ab centres of the grid cells reached by sRGB colours.

    Sampling every 4th level of each channel finds the same cells as every level.
    """
    levels = np.arange(0, 256, step, dtype=np.uint8)
    levels = np.union1d(levels, [255]).astype(np.uint8)
    r, g, b = np.meshgrid(levels, levels, levels, indexing="ij")
    lab = rgb_to_lab(np.stack([r, g, b], axis=-1).reshape(-1, 3))
    cells = np.unique(np.rint(lab[:, 1:] / GRID).astype(np.int32), axis=0)
    return (cells * GRID).astype(np.float32)


def empirical_prior(ab: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Probability of each bin over ab pixels [N, 2], nearest-bin counting, smoothed."""
    counts = np.zeros(len(centres), dtype=np.float64)
    for chunk in np.array_split(ab, max(1, len(ab) // 200_000)):
        d2 = ((chunk[:, None, :] - centres[None, :, :]) ** 2).sum(-1)
        np.add.at(counts, d2.argmin(1), 1)
    prior = counts / counts.sum()
    # Smooth over the ab plane: every bin gets a Gaussian-weighted mix of its neighbours.
    d2 = ((centres[:, None, :] - centres[None, :, :]) ** 2).sum(-1)
    kernel = np.exp(-d2 / (2 * PRIOR_SIGMA**2))
    smoothed = kernel @ prior
    return (smoothed / smoothed.sum()).astype(np.float32)


def rebalancing_weights(prior: np.ndarray, lam: float = REBALANCE_LAMBDA) -> np.ndarray:
    """w proportional to ((1 - lam) p + lam / Q)^-1, scaled so that E_p[w] = 1."""
    weights = 1.0 / ((1 - lam) * prior + lam / len(prior))
    return (weights / (prior * weights).sum()).astype(np.float32)


@dataclass
class ColourBins:
    centres: np.ndarray  # [Q, 2]
    prior: np.ndarray  # [Q]
    weights: np.ndarray  # [Q]

    @classmethod
    def from_training_ab(cls, ab: np.ndarray) -> "ColourBins":
        centres = in_gamut_bins().copy()
        prior = empirical_prior(ab, centres)
        return cls(centres, prior, rebalancing_weights(prior))

    def save(self, path) -> None:
        np.savez(path, centres=self.centres, prior=self.prior, weights=self.weights)

    @classmethod
    def load(cls, path) -> "ColourBins":
        data = np.load(path)
        return cls(data["centres"], data["prior"], data["weights"])


def soft_encode(ab: torch.Tensor, centres: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """ab [B, 2, H, W] -> soft targets [B, Q, H, W] over the 5 nearest bins, and nearest bin ids."""
    batch, _, height, width = ab.shape
    flat = ab.permute(0, 2, 3, 1).reshape(-1, 2)
    d2 = torch.cdist(flat, centres).pow(2)
    near_d2, near_idx = d2.topk(SOFT_NEIGHBOURS, dim=1, largest=False)
    near_w = torch.softmax(-near_d2 / (2 * SOFT_SIGMA**2), dim=1)
    target = torch.zeros_like(d2).scatter_(1, near_idx, near_w)
    target = target.reshape(batch, height, width, -1).permute(0, 3, 1, 2)
    return target, near_idx[:, 0].reshape(batch, height, width)
