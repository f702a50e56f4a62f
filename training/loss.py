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
