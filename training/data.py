"""Batches of random crops from the decoded cache: L for the input, ab bins for the target."""

import csv
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from training.cache import CACHE_DIR, DATASETS

VALIDATION_PHOTOS = 512  # the cache's last photos, held out to watch the loss and tune T
# Draw weights by the index's category prefix (first match wins; others weigh 1).
# Portraits, people and interiors are what old family photos show and where the
# rejected results were (studio backdrops, walls, dim rooms: docs/models/colorizer.md);
# food and pets almost never appear in them.
CATEGORY_WEIGHTS = (
    ("people", 2.5),
    ("faces", 2.5),
    ("interiors", 2.5),
    ("architecture", 1.5),
    ("city", 1.5),
    ("food", 0.4),
    ("pets", 0.6),
)


def category_weight(category: str) -> float:
    for prefix, weight in CATEGORY_WEIGHTS:
        if category.startswith(prefix):
            return weight
    return 1.0


def sampling_weights(cache_dir: Path = CACHE_DIR, datasets: Path = DATASETS) -> np.ndarray | None:
    """Relative draw weight of each cached photo, from the dataset index's categories."""
    names_path, index_path = cache_dir / "train_names.txt", datasets / "train" / "index.tsv"
    if not names_path.exists() or not index_path.exists():
        return None
    with index_path.open(newline="") as handle:
        category = {row["name"]: row["category"] for row in csv.DictReader(handle, delimiter="\t")}
    names = names_path.read_text().split()
    return np.array([category_weight(category.get(name, "")) for name in names])


def load_cache(cache_dir: Path = CACHE_DIR) -> np.ndarray:
    """uint8 [N, 3, 128, 128], memory-mapped so two training processes share one copy."""
    path = cache_dir / "train_lab.npy"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run `python -m training.cache` first")
    return np.load(path, mmap_mode="r")


def unpack(packed: np.ndarray) -> torch.Tensor:
    """uint8 cache rows [B, 3, H, W] -> float Lab tensor (L 0..100, ab signed)."""
    lab = torch.from_numpy(np.ascontiguousarray(packed)).float()
    lab[:, 0] /= 2.55
    lab[:, 1:] -= 128.0
    return lab


class CropSampler:
    """Random-resized crops with horizontal flips, one crop side per batch.

    Training photos are whole scenes at 128 px; crops of min_crop..128 px resized
    to the output side show objects at several scales, so the model does not
    depend on one run size.
    """

    def __init__(
        self,
        photos: np.ndarray,
        indices: np.ndarray,
        seed: int = 0,
        weights: np.ndarray | None = None,
    ) -> None:
        self.photos = photos
        self.indices = indices
        self.rng = np.random.default_rng(seed)
        self.probabilities = None
        if weights is not None:
            chosen = weights[indices]
            self.probabilities = chosen / chosen.sum()

    def batch(self, size: int, out_side: int, min_crop: int = 48) -> torch.Tensor:
        chosen = np.sort(
            self.rng.choice(self.indices, size=size, replace=False, p=self.probabilities)
        )
        lab = unpack(self.photos[chosen])
        full = lab.shape[-1]
        crop = int(self.rng.integers(min(max(min_crop, 16), full), full + 1))
        crops = []
        for sample in lab:
            top, left = self.rng.integers(0, full - crop + 1, size=2)
            piece = sample[:, top : top + crop, left : left + crop]
            crops.append(piece.flip(-1) if self.rng.random() < 0.5 else piece)
        lab = torch.stack(crops)
        if crop != out_side:
            lab = F.interpolate(
                lab, size=(out_side, out_side), mode="bilinear", align_corners=False, antialias=True
            )
        return lab


def split_indices(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation photo indices (the cache order is the shards' shuffled order)."""
    held_out = min(VALIDATION_PHOTOS, count // 8)
    all_indices = np.arange(count)
    return all_indices[: count - held_out], all_indices[count - held_out :]
