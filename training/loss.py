"""Class-rebalanced multinomial cross-entropy over ab bins (Zhang, Isola and Efros 2016)."""

import torch
from torch import nn
from torch.nn import functional as F

from training.bins import ColourBins, soft_encode


class RebalancedBinLoss(nn.Module):
    """Soft-encoded targets at the logits' resolution, each pixel weighted by the
    rarity of its nearest bin, so that grey-brown averages stop being the safe answer."""

    def __init__(self, bins: ColourBins) -> None:
        super().__init__()
        self.register_buffer("centres", torch.from_numpy(bins.centres))
        self.register_buffer("weights", torch.from_numpy(bins.weights))

    def targets(self, ab: torch.Tensor, side: tuple[int, int]) -> tuple[torch.Tensor, torch.Tensor]:
        """ab [B, 2, H, W] -> (soft targets [B, Q, h, w], pixel weights [B, h, w])."""
        if ab.shape[-2:] != side:
            ab = F.adaptive_avg_pool2d(ab, side)
        soft, nearest = soft_encode(ab, self.centres)
        return soft, self.weights[nearest]

    def forward(self, logits: torch.Tensor, ab: torch.Tensor) -> torch.Tensor:
        soft, pixel_weights = self.targets(ab, tuple(logits.shape[-2:]))
        cross_entropy = -(soft * F.log_softmax(logits, dim=1)).sum(dim=1)
        return (pixel_weights * cross_entropy).mean()


# Neighbouring cells this many cells apart are compared: 1 catches speckle, 3 the
# blotches a few cells wide that made studio backdrops multi-coloured in v2.
CONSISTENCY_OFFSETS = (1, 3)
CONSISTENCY_SIGMA_L = 2.5  # L* units: a step larger than this is an edge
CONSISTENCY_SIGMA_AB = 6.0  # a*b* units: the true colours differ, so may the prediction


def surface_consistency(
    logits: torch.Tensor, lightness: torch.Tensor, ab: torch.Tensor
) -> torch.Tensor:
    """How much the predicted distribution changes between cells of one surface.

    Two cells count as one surface when both the clean lightness and the true colour
    agree there, so the term never asks for one colour across a real edge; it asks
    that a plain backdrop or wall be predicted as one distribution (total variation
    distance between neighbours, 0 when equal, 1 when disjoint), whatever that is.
    """
    side = tuple(logits.shape[-2:])
    light = F.adaptive_avg_pool2d(lightness, side)
    colour = F.adaptive_avg_pool2d(ab, side)
    probabilities = F.softmax(logits, dim=1)
    total = logits.new_zeros(())
    for offset in CONSISTENCY_OFFSETS:
        for dy, dx in ((0, offset), (offset, 0)):
            here = (slice(None), slice(None), slice(0, side[0] - dy), slice(0, side[1] - dx))
            there = (slice(None), slice(None), slice(dy, None), slice(dx, None))
            step_l = (light[there] - light[here]).abs()[:, 0]
            step_ab = (colour[there] - colour[here]).norm(dim=1)
            same_surface = torch.exp(-step_l / CONSISTENCY_SIGMA_L - step_ab / CONSISTENCY_SIGMA_AB)
            distance = 0.5 * (probabilities[there] - probabilities[here]).abs().sum(dim=1)
            total = total + (same_surface * distance).sum() / same_surface.sum().clamp_min(1.0)
    return total / (2 * len(CONSISTENCY_OFFSETS))
