"""Does a redrawn face stay the same person, with its own texture and no seam?

Measured on L* at the photo's own scale, inside the detector's face box:

- identity: SSIM between input and output over the face, leaving out the eye and
  mouth bands (where a sharper result rightly differs most); 1 = unchanged;
- texture: fine detail (Laplacian spread) of the output over the input's on the
  same region; well under 1 is the waxy, airbrushed look, far over 1 is
  oversharpened grain;
- seam: the largest jump of the output-minus-input difference between
  neighbouring pixels around the worked crop's edge, in L*; a visible seam would
  show as a jump there.
"""

import cv2
import numpy as np


def ssim_map(first: np.ndarray, second: np.ndarray, sigma: float = 1.5) -> np.ndarray:
    """Per-pixel SSIM of two L* images (0..100 scale)."""
    c1, c2 = (0.01 * 100) ** 2, (0.03 * 100) ** 2
    first, second = first.astype(np.float64), second.astype(np.float64)

    def blur(image: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(image, (0, 0), sigma)

    mean_1, mean_2 = blur(first), blur(second)
    var_1 = blur(first * first) - mean_1**2
    var_2 = blur(second * second) - mean_2**2
    covariance = blur(first * second) - mean_1 * mean_2
    return ((2 * mean_1 * mean_2 + c1) * (2 * covariance + c2)) / (
        (mean_1**2 + mean_2**2 + c1) * (var_1 + var_2 + c2)
    )


def skin_region(box: tuple[int, int, int, int], shape: tuple[int, int]) -> np.ndarray:
    """Boolean mask of the face box without its eye band and mouth."""
    x, y, w, h = box
    mask = np.zeros(shape, bool)
    mask[y : y + h, x : x + w] = True
    mask[y + int(0.22 * h) : y + int(0.52 * h), x : x + w] = False
    mask[y + int(0.66 * h) : y + int(0.9 * h), x + int(0.25 * w) : x + int(0.75 * w)] = False
    return mask


def face_figures(
    before: np.ndarray,
    after: np.ndarray,
    box: tuple[int, int, int, int],
    crop: tuple[int, int, int, int],
) -> dict[str, float]:
    """identity, texture and seam of one face; `before`/`after` are whole-photo L*."""
    region = skin_region(box, before.shape)
    identity = float(ssim_map(before, after)[region].mean())
    detail_before = cv2.Laplacian(before.astype(np.float32), cv2.CV_32F)[region].std()
    detail_after = cv2.Laplacian(after.astype(np.float32), cv2.CV_32F)[region].std()
    difference = after.astype(np.float32) - before.astype(np.float32)
    x0, y0, x1, y1 = crop
    ring = np.zeros(before.shape, bool)
    ring[max(0, y0 - 2) : y1 + 2, max(0, x0 - 2) : x1 + 2] = True
    ring[y0 + 2 : y1 - 2, x0 + 2 : x1 - 2] = False
    jumps = np.maximum(
        np.abs(np.diff(difference, axis=0, append=difference[-1:])),
        np.abs(np.diff(difference, axis=1, append=difference[:, -1:])),
    )
    return {
        "identity": identity,
        "texture": float(detail_after / max(detail_before, 1e-6)),
        "seam": float(jumps[ring].max()),
    }
