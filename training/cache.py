"""Decode the training shards once into one compact CIELAB array, so epochs do no JPEG work.

Layout of `training/cache/train_lab.npy`: uint8 [N, 3, 128, 128] holding
round(L * 2.55), a + 128 and b + 128 (a, b clipped to -128..127). One unit of a
or b is far below what anyone sees, and the whole set fits in 1.7 GB of RAM.
"""

import argparse
import io
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from training.color import rgb_to_lab

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
CACHE_DIR = Path(__file__).resolve().parent / "cache"
SIDE = 128


def encode_lab(lab: np.ndarray) -> np.ndarray:
    """float Lab [H, W, 3] -> uint8 [3, H, W] in the cache's layout."""
    out = np.empty((3, *lab.shape[:2]), dtype=np.uint8)
    out[0] = np.clip(np.rint(lab[..., 0] * 2.55), 0, 255)
    out[1:] = np.clip(np.rint(lab[..., 1:] + 128.0), 0, 255).transpose(2, 0, 1)
    return out


def decode_lab(packed: np.ndarray) -> np.ndarray:
    """uint8 [..., 3, H, W] cache layout -> float32 L (0..100) and ab, same layout."""
    out = packed.astype(np.float32)
    out[..., 0, :, :] /= 2.55
    out[..., 1:, :, :] -= 128.0
    return out


def _photo_lab(data: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    if image.size != (SIDE, SIDE):
        image = image.resize((SIDE, SIDE), Image.Resampling.BICUBIC)
    return encode_lab(rgb_to_lab(np.asarray(image)))


def _decode_shard(shard: Path) -> tuple[list[str], np.ndarray]:
    with zipfile.ZipFile(shard) as archive:
        names = sorted(n for n in archive.namelist() if n.endswith(".jpg"))
        packed = np.stack([_photo_lab(archive.read(n)) for n in names])
    return names, packed


def build_cache(datasets: Path = DATASETS, cache_dir: Path = CACHE_DIR, workers: int = 2) -> Path:
    shards = sorted((datasets / "train").glob("train-*.zip"))
    if not shards:
        raise SystemExit(f"no training shards under {datasets / 'train'}")
    cache_dir.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(_decode_shard, shards))
    names = [n for part_names, _ in parts for n in part_names]
    packed = np.concatenate([p for _, p in parts])
    target = cache_dir / "train_lab.npy"
    np.save(target, packed)
    (cache_dir / "train_names.txt").write_text("\n".join(names) + "\n")
    print(f"cached {len(names)} photos -> {target} ({packed.nbytes / 1e9:.2f} GB)")
    return target


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    build_cache(args.datasets, workers=args.workers)
