"""Make clean lightness look like a scanned old print, so the model learns on what users upload.

Real old photos reach the network with grain, soft focus, faded or crushed
tones, shifted tone curves, vignetting, uneven exposure, JPEG blocking, dust and
hairline scratches. Each is applied to the input L only; the target colour stays
the clean photo's, so the model learns to see through the damage instead of
painting it (a faded, low-contrast input is what produced whole-photo sepia
washes before).
"""

import cv2
import numpy as np
import torch
from torch.nn import functional as F

CLEAN_SHARE = 0.25  # photos left as plain gray conversions of modern colour photos


def _gaussian_blur(x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """Per-image Gaussian blur of [B, 1, H, W] with sigma [B] (0 = unchanged)."""
    radius = int(max(1, torch.ceil(sigma.max() * 2.5).item()))
    offsets = torch.arange(-radius, radius + 1, dtype=x.dtype)
    safe = sigma.clamp_min(1e-3)[:, None]
    kernel = torch.exp(-(offsets[None, :] ** 2) / (2 * safe**2))
    kernel = kernel / kernel.sum(dim=1, keepdim=True)
    identity = (offsets == 0).to(x.dtype)[None, :].expand_as(kernel)
    kernel = torch.where((sigma > 0.05)[:, None], kernel, identity)
    batch = x.shape[0]
    padded = F.pad(x, (radius, radius, radius, radius), mode="replicate")
    # One grouped convolution per axis: each image gets its own kernel.
    grouped = padded.reshape(1, batch, *padded.shape[-2:])
    rows = F.conv2d(grouped, kernel[:, None, None, :], groups=batch)
    both = F.conv2d(rows, kernel[:, None, :, None], groups=batch)
    return both.reshape_as(x)


def _low_frequency_field(
    batch: int, side: tuple[int, int], rng: np.random.Generator
) -> torch.Tensor:
    """Smooth random fields in -1..1, [B, 1, H, W]: uneven exposure, stains, fading."""
    coarse = torch.from_numpy(rng.uniform(-1, 1, (batch, 1, 3, 3)).astype(np.float32))
    return F.interpolate(coarse, size=side, mode="bicubic", align_corners=True).clamp(-1, 1)


def _vignette(batch: int, side: tuple[int, int], strength: torch.Tensor) -> torch.Tensor:
    height, width = side
    ys = torch.linspace(-1, 1, height)[:, None]
    xs = torch.linspace(-1, 1, width)[None, :]
    radius2 = (ys**2 + xs**2) / 2
    return 1.0 - strength[:, None, None, None] * radius2[None, None]


def _jpeg(lightness: torch.Tensor, quality: int) -> torch.Tensor:
    image = lightness.clamp(0, 100).mul(2.55).round().to(torch.uint8).numpy()
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        return lightness
    decoded = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    return torch.from_numpy(decoded.astype(np.float32) / 2.55)


def _dust_and_scratches(lightness: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    """Specks and hairlines drawn on one [H, W] image, bright (emulsion lost) or dark (dirt)."""
    image = lightness.numpy().copy()
    height, width = image.shape
    mask = np.zeros_like(image, dtype=np.uint8)
    for _ in range(int(rng.integers(0, 25))):
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.circle(mask, centre, int(rng.integers(0, 2)), 255, -1)
    for _ in range(int(rng.integers(0, 4))):
        start = rng.uniform(0, 1, 2) * (width, height)
        direction = rng.normal(size=2)
        direction /= np.linalg.norm(direction) + 1e-6
        length = rng.uniform(0.2, 1.0) * max(width, height)
        points = [start + direction * length * t + rng.normal(0, 1.5, 2) for t in (0, 0.5, 1)]
        cv2.polylines(mask, [np.array(points, dtype=np.int32)], False, 255, 1)
    if mask.any():
        value = 95.0 if rng.random() < 0.6 else 8.0
        alpha = (mask.astype(np.float32) / 255.0) * rng.uniform(0.4, 1.0)
        image = image * (1 - alpha) + value * alpha
    return torch.from_numpy(image)


def degrade(lightness: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    """Randomly aged copy of L [B, 1, H, W] (0..100); about a quarter stay clean."""
    batch, _, height, width = lightness.shape
    out = lightness.clone()
    aged = torch.from_numpy(rng.random(batch) >= CLEAN_SHARE)

    def pick(probability: float) -> torch.Tensor:
        return aged & torch.from_numpy(rng.random(batch) < probability)

    def per_image(low: float, high: float) -> torch.Tensor:
        return torch.from_numpy(rng.uniform(low, high, batch).astype(np.float32))

    # Soft focus and camera shake, before the grain that sits on top of the print.
    blur = torch.where(pick(0.5), per_image(0.3, 1.6), torch.zeros(batch))
    if bool((blur > 0).any()):
        out = _gaussian_blur(out, blur)
    # Tone: gamma, an S- or flattening curve, then fading or crushing of the range.
    norm = (out / 100.0).clamp(0, 1)
    gamma = torch.where(pick(0.6), per_image(0.6, 1.6), torch.ones(batch))
    norm = norm ** gamma[:, None, None, None]
    curve = torch.where(pick(0.4), per_image(-0.6, 0.6), torch.zeros(batch))[:, None, None, None]
    s_shape = norm + curve * norm * (1 - norm) * (2 * norm - 1) * 2
    norm = s_shape.clamp(0, 1)
    low = torch.where(pick(0.5), per_image(0.0, 0.3), torch.zeros(batch))[:, None, None, None]
    high = torch.where(pick(0.5), per_image(0.65, 1.0), torch.ones(batch))[:, None, None, None]
    crush = pick(0.2)[:, None, None, None]
    # Crushed prints clip shadows and highlights; faded ones compress into the middle.
    stretched = ((norm - low) / (high - low).clamp_min(0.2)).clamp(0, 1)
    faded = low + norm * (high - low)
    norm = torch.where(crush, stretched, faded)
    # Uneven exposure and vignetting: slow multiplicative fields.
    exposure = torch.where(pick(0.35), per_image(0.05, 0.25), torch.zeros(batch))
    norm = norm * (
        1 + exposure[:, None, None, None] * _low_frequency_field(batch, (height, width), rng)
    )
    vignette = torch.where(pick(0.3), per_image(0.1, 0.6), torch.zeros(batch))
    norm = norm * _vignette(batch, (height, width), vignette)
    out = norm.clamp(0, 1) * 100.0
    # Film grain: fine or clumped, stronger in the mid-tones.
    grain = torch.where(pick(0.6), per_image(1.0, 7.0), torch.zeros(batch))
    if bool((grain > 0).any()):
        noise = torch.from_numpy(rng.normal(size=out.shape).astype(np.float32))
        clumped = torch.from_numpy(rng.random(batch) < 0.5)
        noise = torch.where(
            clumped[:, None, None, None],
            _gaussian_blur(noise, torch.full((batch,), 0.7)) * 1.8,
            noise,
        )
        midtones = 0.5 + 2.0 * (out / 100.0) * (1 - out / 100.0)
        out = out + grain[:, None, None, None] * midtones * noise
    out = out.clamp(0, 100)
    for index in torch.nonzero(pick(0.35)).flatten().tolist():
        out[index, 0] = _dust_and_scratches(out[index, 0], rng)
    for index in torch.nonzero(pick(0.3)).flatten().tolist():
        out[index, 0] = _jpeg(out[index, 0], int(rng.integers(15, 70)))
    return out.clamp(0, 100)
