"""Synthetic damage on the lightness of photos, with exact masks, for the defect network.

Old prints and negatives arrive with thin scratches, long branching cracks (the
folded-paper kind among them), dust specks and fibres, torn corners and emulsion
blotches. Each is drawn here on clean L* with random shape, width and brightness,
and its label records exactly the pixels it visibly changed (more than
VISIBLE L* units), so a scratch that crosses a patch of its own brightness is not
asked of the network. Aging (tone, softness) happens before the damage and grain
and JPEG blocking after it, as on a real scan. About a quarter of the photos stay
undamaged, so the network also learns what to leave alone.

Labels: 0 clean, then KINDS in order (1 scratch .. 5 blotch), and UNSURE for
pixels the damage moved too little to be sure of under the grain.
"""

import cv2
import numpy as np

KINDS = ("scratch", "crack", "dust", "tear", "blotch")
# A pixel counts as damaged when the defect moved it by at least this many L* units;
# one moved by SUBTLE..VISIBLE is labelled UNSURE: grain hides it, so neither marking
# it nor leaving it is wrong, and training ignores it.
VISIBLE = 10.0
SUBTLE = 4.0
UNSURE = 255
UNDAMAGED_SHARE = 0.25


def _walk(
    rng: np.random.Generator,
    start: np.ndarray,
    angle: float,
    steps: int,
    step: float,
    turn: float,
    jitter: float,
) -> np.ndarray:
    """Points of a random walk: the heading bends slowly by `turn` per step, and each
    step also wobbles by `jitter` around it without the wobble adding up, so a jagged
    crack still goes somewhere instead of curling."""
    points = [start]
    heading = angle
    drift = rng.normal(0.0, turn)
    for _ in range(steps):
        heading += drift
        drift = 0.9 * drift + rng.normal(0.0, turn * 0.3)
        direction = heading + rng.normal(0.0, jitter)
        points.append(points[-1] + step * np.array([np.cos(direction), np.sin(direction)]))
    return np.array(points)


def _polyline(canvas: np.ndarray, points: np.ndarray, width: int) -> None:
    # Sub-pixel anti-aliased drawing: coordinates in 1/16 px.
    shifted = np.round(points * 16).astype(np.int32)
    cv2.polylines(canvas, [shifted], False, 255, max(1, width), cv2.LINE_AA, shift=4)


def _target_value(rng: np.random.Generator, bright_share: float) -> float:
    """Bright (emulsion or paper showing) or dark (dirt, ink) damage."""
    if rng.random() < bright_share:
        return float(rng.uniform(80.0, 100.0))
    return float(rng.uniform(0.0, 22.0))


def _modulation(rng: np.random.Generator, shape: tuple[int, int], low: float) -> np.ndarray:
    """A slow field in low..1: damage strength that fades in and out along its length."""
    coarse = rng.uniform(low, 1.0, (4, 4)).astype(np.float32)
    return cv2.resize(coarse, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC).clip(low, 1.0)


def _scratches(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    height, width = shape
    side = max(height, width)
    canvas = np.zeros(shape, np.uint8)
    for _ in range(int(rng.integers(1, 7))):
        # Film scratches run along the frame; print scratches go any way.
        angle = np.pi / 2 + rng.normal(0, 0.08) if rng.random() < 0.35 else rng.uniform(0, np.pi)
        start = rng.uniform(-0.1, 1.1, 2) * (width, height)
        length = rng.uniform(0.3, 1.4) * side
        steps = max(4, int(length / 4))
        points = _walk(rng, start, angle, steps, 4.0, 0.006, 0.05)
        # Start anywhere along the line so it crosses the photo, not only leaves it.
        points -= (points[steps // 2] - start) * rng.uniform(0, 1)
        _polyline(canvas, points, int(rng.choice([1, 1, 1, 2, 2, 3])))
    return canvas


def _cracks(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    height, width = shape
    side = max(height, width)
    canvas = np.zeros(shape, np.uint8)
    folded = rng.random() < 0.4
    trunks = 1 if folded else int(rng.integers(1, 3))
    for _ in range(trunks):
        start = rng.uniform(0.0, 1.0, 2) * (width, height)
        angle = rng.uniform(0, 2 * np.pi)
        # A fold runs straight across the whole print; a crack wanders and branches.
        jitter, turn = (0.1, 0.003) if folded else (0.6, 0.02)
        length = rng.uniform(1.0, 1.6) * side if folded else rng.uniform(0.5, 1.3) * side
        steps = max(4, int(length / 3))
        trunk = _walk(rng, start, angle, steps, 3.0, turn, jitter)
        trunk -= (trunk[steps // 2] - start) if folded else 0
        width_px = int(rng.choice([1, 1, 2, 2, 3]))
        _polyline(canvas, trunk, width_px)
        for index in range(2, len(trunk) - 2):
            if rng.random() < 0.06:
                side_angle = rng.choice([-1, 1]) * rng.uniform(0.3, 1.1)
                heading = np.arctan2(*(trunk[index + 1] - trunk[index])[::-1])
                branch = _walk(
                    rng,
                    trunk[index],
                    heading + side_angle,
                    int(rng.integers(3, max(4, steps // 3))),
                    3.0,
                    0.03,
                    0.6,
                )
                _polyline(canvas, branch, max(1, width_px - 1))
    return canvas


def _dust(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    height, width = shape
    canvas = np.zeros(shape, np.uint8)
    area_scale = height * width / (256 * 256)
    for _ in range(int(rng.integers(5, 120) * area_scale) + 1):
        centre = rng.uniform(0, 1, 2) * (width, height)
        # Mostly specks of a pixel or two, a few larger spots.
        radius = min(7.0, rng.pareto(2.2) * 0.8 + 0.5)
        axes = np.array([radius, radius * rng.uniform(0.5, 1.0)])
        cv2.ellipse(
            canvas,
            tuple(np.round(centre * 16).astype(int)),
            tuple(np.maximum(np.round(axes * 16), 8).astype(int)),
            float(rng.uniform(0, 180)),
            0,
            360,
            255,
            -1,
            cv2.LINE_AA,
            4,
        )
    for _ in range(int(rng.integers(0, 6) * area_scale)):
        # Fibres and hairs: short curly lines.
        start = rng.uniform(0, 1, 2) * (width, height)
        _polyline(canvas, _walk(rng, start, rng.uniform(0, 6.3), 8, 2.0, 0.15, 0.3), 1)
    return canvas


def _tear(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    height, width = shape
    canvas = np.zeros(shape, np.uint8)
    corner = np.array([rng.choice([0, width - 1]), rng.choice([0, height - 1])], float)
    reach = rng.uniform(0.12, 0.4, 2) * (width, height)
    inward = np.where(corner > 0, -1.0, 1.0)
    along_x = corner + np.array([inward[0] * reach[0], 0.0])
    along_y = corner + np.array([0.0, inward[1] * reach[1]])
    # A ragged edge between the two points where the tear meets the frame.
    edge = [along_x + (along_y - along_x) * t for t in np.linspace(0, 1, 14)]
    edge = [point + rng.normal(0, 0.025 * max(height, width), 2) for point in edge]
    polygon = np.array([corner, along_x, *edge, along_y])
    cv2.fillPoly(canvas, [np.round(polygon * 16).astype(np.int32)], 255, cv2.LINE_AA, 4)
    return canvas


def _blotches(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    height, width = shape
    canvas = np.zeros(shape, np.float32)
    for _ in range(int(rng.integers(1, 5))):
        radius = rng.uniform(0.02, 0.09) * max(height, width)
        centre = rng.uniform(0, 1, 2) * (width, height)
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        distance = np.hypot((xs - centre[0]) / radius, (ys - centre[1]) / radius)
        # An irregular outline: the radius wobbles with a smooth noise field.
        wobble = _modulation(rng, shape, 0.0) * 0.8
        canvas = np.maximum(canvas, np.clip((1.3 + wobble - distance) * 3.0, 0, 1))
    return np.round(canvas * 255).astype(np.uint8)


_DRAW = {
    "scratch": (_scratches, 0.65),
    "crack": (_cracks, 0.8),
    "dust": (_dust, 0.55),
    "tear": (_tear, 0.7),
    "blotch": (_blotches, 0.6),
}


def _age(lightness: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Faded or contrasty tone and soft focus, applied before the damage."""
    norm = np.clip(lightness / 100.0, 0, 1) ** rng.uniform(0.7, 1.4)
    low, high = rng.uniform(0.0, 0.2), rng.uniform(0.75, 1.0)
    out = (low + norm * (high - low)) * 100.0
    if rng.random() < 0.5:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.4, 1.4))
    return out.astype(np.float32)


def _finish(lightness: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scan softness, grain and JPEG on top of the damage, as the user's file has them."""
    out = lightness
    if rng.random() < 0.4:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.3, 0.7))
    if rng.random() < 0.7:
        grain = rng.normal(0, rng.uniform(0.5, 5.0), out.shape).astype(np.float32)
        if rng.random() < 0.5:
            grain = cv2.GaussianBlur(grain, (0, 0), 0.7) * 1.8
        out = out + grain
    out = np.clip(out, 0, 100)
    if rng.random() < 0.3:
        image = np.round(out * 2.55).astype(np.uint8)
        quality = int(rng.integers(30, 85))
        _, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        out = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE).astype(np.float32) / 2.55
    return out.astype(np.float32)


def damage(
    lightness: np.ndarray,
    rng: np.random.Generator,
    kinds: tuple[str, ...] | None = None,
    aged: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    damaged, labels, _ = damage_with_reference(lightness, rng, kinds, aged)
    return damaged, labels


def damage_with_reference(
    lightness: np.ndarray,
    rng: np.random.Generator,
    kinds: tuple[str, ...] | None = None,
    aged: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Damaged L* (float32, 0..100) and its label map (uint8, 0 = clean, i+1 = KINDS[i],
    UNSURE = too faint to tell).

    `kinds=None` draws a random mix (or nothing, UNDAMAGED_SHARE of the time);
    `kinds=()` leaves the photo undamaged but still aged and grainy. The third
    array is the same photo aged and finished with the same grain but undamaged:
    what a perfect repair would give back.
    """
    shape = lightness.shape
    out = _age(lightness.astype(np.float32), rng) if aged else lightness.astype(np.float32)
    undamaged = out.copy()
    strongest = np.zeros(shape, np.float32)
    strongest_kind = np.zeros(shape, np.uint8)
    if kinds is None:
        kinds = ()
        if rng.random() >= UNDAMAGED_SHARE:
            count = 1 + int(rng.random() < 0.4)
            kinds = tuple(rng.choice(KINDS, size=count, replace=False, p=_KIND_WEIGHTS))
    for kind in kinds:
        draw, bright_share = _DRAW[kind]
        # Dust comes twice: dark dirt and bright pinholes on the same print.
        for _ in range(2 if kind == "dust" else 1):
            alpha = draw(rng, shape).astype(np.float32) / 255.0
            if kind in ("scratch", "crack", "dust"):
                alpha *= _modulation(rng, shape, 0.35) * rng.uniform(0.6, 1.0)
            elif kind == "blotch":
                alpha *= rng.uniform(0.35, 0.8)
            change = alpha * (_target_value(rng, bright_share) - out)
            out = out + change
            # Overlapping damage: the pixel belongs to the kind that moved it most.
            stronger = np.abs(change) > strongest
            strongest_kind[stronger] = KINDS.index(kind) + 1
            strongest = np.maximum(strongest, np.abs(change))
    moved = np.abs(out - undamaged)
    labels = np.where(moved >= VISIBLE, strongest_kind, 0).astype(np.uint8)
    labels[(moved >= SUBTLE) & (moved < VISIBLE)] = UNSURE
    if not aged:
        return out, labels, undamaged
    state = rng.bit_generator.state
    twin = np.random.default_rng(0)
    twin.bit_generator.state = state
    reference = _finish(undamaged, twin)
    return _finish(out, rng), labels, reference


# Thin damage is what users complain about most; tears are rarer.
_KIND_WEIGHTS = np.array([0.27, 0.27, 0.24, 0.08, 0.14])
