"""Random colour hints taken from the ground truth, as a user's pins would give them.

Following Zhang et al. 2017, a hint is a small square patch carrying the true
mean a*, b* of that patch, plus a mask channel. The number of hints per photo
follows a geometric law (most photos get a few, some a few dozen), and a good
share of photos get none, so the same network stays a good automatic colorizer.
"""

import numpy as np
import torch

from training.models import HINT_SCALE

NO_HINT_SHARE = 0.5
MEAN_HINTS = 8.0
MAX_HINTS = 32
PATCH_HALF_SIDES = (0, 1, 2)  # patches of 1, 3 and 5 px at the training size


def empty_hints(batch: int, height: int, width: int) -> torch.Tensor:
    return torch.zeros(batch, 3, height, width)


def sample_hints(ab: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    """ab [B, 2, H, W] -> hint map [B, 3, H, W]: a/110, b/110 and mask, zero without a hint."""
    batch, _, height, width = ab.shape
    hints = empty_hints(batch, height, width)
    for index in range(batch):
        if rng.random() < NO_HINT_SHARE:
            continue
        count = min(MAX_HINTS, int(rng.geometric(1.0 / MEAN_HINTS)))
        for _ in range(count):
            half = int(rng.choice(PATCH_HALF_SIDES))
            y = int(rng.integers(half, height - half))
            x = int(rng.integers(half, width - half))
            window = (slice(y - half, y + half + 1), slice(x - half, x + half + 1))
            mean_ab = ab[index, :, window[0], window[1]].mean(dim=(1, 2))
            hints[index, :2, window[0], window[1]] = (mean_ab / HINT_SCALE)[:, None, None]
            hints[index, 2, window[0], window[1]] = 1.0
    return hints
