"""Colour v3's own measures, run by `make evaluate` beside the main table (training/evaluate.py):

- confidence: is the engine's calibrated confidence honest on dev_eval? A reliability
  table (bins of predicted confidence -> the share of pixels whose colour really was
  within CONFIDENCE_RADIUS of the truth) and how well it ranks pixels (the share right
  among the least and the most confident fifth), beside the old figure, 1 - entropy;
- spill: pins on composites whose segments are known exactly: a plain "wall" of one
  true colour with a dev_eval photo in front of it as an ellipse; one pin on the wall
  with the wall's colour. Spill is the mean a*b* change on the photo in front (the
  pin should not reach it), fill the mean a*b* error left on the wall; before (the
  network's own spreading, pins fixing only their spot) and after (engine.pins);
- suggestions: one pin with the true colour placed where `ColourAnalysis.suggestions`
  proposes first, against one pin at a random spot (rebalanced AuC over the set).
"""

import math
from pathlib import Path

import cv2
import numpy as np

from colorizer_site.engine import analyze
from colorizer_site.engine.confidence import CONFIDENCE_RADIUS, confidence_map
from colorizer_site.engine.types import ColorizeOptions, ColourHint
from training.color import lab_to_rgb, rgb_to_lab
from training.metrics import SetMetrics, cell_prior_of

CONFIDENCE_BINS = np.linspace(0.0, 1.0, 11)
EDGE_MARGIN = 4  # pixels left out on both sides of a composite's border


def _hex(rgb: np.ndarray) -> str:
    return "#" + "".join(f"{round(float(v)):02x}" for v in rgb)


def confidence_figures(method, labs: list[np.ndarray]) -> dict[str, object]:
    """Reliability of the calibrated confidence and the ranking of both confidences."""
    calibrated, entropy_based, right = [], [], []
    for lab in labs:
        lightness = lab[..., 0]
        prediction = method.predict(lightness)
        ab_grid = prediction.decode(method.temperature)
        shown = method.finish(prediction, ab_grid, lightness)
        height, width = lightness.shape
        size = (width, height)
        grid = confidence_map(prediction.distribution, ab_grid, method.entry.calibration)
        calibrated.append(cv2.resize(grid, size, interpolation=cv2.INTER_LINEAR).ravel())
        plain = prediction.distribution.confidence()
        entropy_based.append(cv2.resize(plain, size, interpolation=cv2.INTER_LINEAR).ravel())
        right.append((np.linalg.norm(shown - lab[..., 1:], axis=-1) <= CONFIDENCE_RADIUS).ravel())
    confidence, old, correct = (np.concatenate(v) for v in (calibrated, entropy_based, right))
    correct = correct.astype(np.float64)
    table = []
    which = np.clip(np.digitize(confidence, CONFIDENCE_BINS) - 1, 0, len(CONFIDENCE_BINS) - 2)
    error = 0.0
    for index in range(len(CONFIDENCE_BINS) - 1):
        chosen = which == index
        if not chosen.any():
            continue
        share, predicted, actual = chosen.mean(), confidence[chosen].mean(), correct[chosen].mean()
        error += share * abs(predicted - actual)
        table.append((CONFIDENCE_BINS[index], share, predicted, actual))

    def ranks(values: np.ndarray) -> tuple[float, float]:
        low, high = np.quantile(values, [0.2, 0.8])
        return float(correct[values <= low].mean()), float(correct[values >= high].mean())

    return {
        "table": table,
        "ece": float(error),
        "share_right": float(correct.mean()),
        "calibrated_low_high": ranks(confidence),
        "entropy_low_high": ranks(old),
    }


def composite(front: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """(RGB, wall mask, pin point): a plain wall of one colour, gently shaded, with
    `front` (a photo) as an ellipse before it."""
    rng = np.random.default_rng(seed)
    height, width = front.shape[:2]
    hue = rng.uniform(0.0, 2 * math.pi)
    chroma = rng.uniform(12.0, 35.0)
    rows = np.linspace(-1.0, 1.0, height, dtype=np.float32)[:, None]
    lab = np.empty((height, width, 3), np.float32)
    lab[..., 0] = rng.uniform(45.0, 80.0) + 6.0 * rows + rng.normal(0.0, 0.8, (height, width))
    lab[..., 1], lab[..., 2] = chroma * math.cos(hue), chroma * math.sin(hue)
    wall = np.clip(np.rint(lab_to_rgb(lab)), 0, 255).astype(np.uint8)
    centre = (int(width * rng.uniform(0.4, 0.6)), int(height * rng.uniform(0.45, 0.65)))
    axes = (int(width * rng.uniform(0.22, 0.32)), int(height * rng.uniform(0.28, 0.38)))
    inside = np.zeros((height, width), np.uint8)
    cv2.ellipse(inside, centre, axes, 0.0, 0.0, 360.0, 1, -1)
    rgb = np.where(inside[..., None] == 1, front, wall)
    # The pin: a wall point at least a tenth of the side from the ellipse.
    distance = cv2.distanceTransform(1 - inside, cv2.DIST_L2, 3)
    distance[[0, -1], :] = distance[:, [0, -1]] = 0.0  # the pin's 3x3 colour stays inside
    candidates = np.argwhere(distance > 0.1 * max(height, width))
    row, column = candidates[rng.integers(len(candidates))]
    return rgb, inside == 0, (int(column), int(row))


def pin_gain(methods: dict, rgbs, labs, prior, hints_of, count: int = 10) -> dict[str, float]:
    """Rebalanced AuC without pins and with `count` true pins (the pins of evaluate's hint
    table, same seeds) per method label."""
    rows = {"automatic": SetMetrics(prior)} | {label: SetMetrics(prior) for label in methods}
    for index, (rgb, lab) in enumerate(zip(rgbs, labs, strict=True)):
        hints = hints_of(rgb, count, index)
        rows["automatic"].add(rgb, lab, next(iter(methods.values())).ab(lab[..., 0]))
        for label, method in methods.items():
            rows[label].add(rgb, lab, method.ab(lab[..., 0], hints))
    return {label: metrics.summary()["rebalanced_auc"] for label, metrics in rows.items()}


def spill_figures(methods: dict, rgbs: list[np.ndarray], labs_of) -> dict[str, dict[str, float]]:
    """Spill and fill of one pin on a wall composite, per method label (before / after)."""
    figures = {label: {"spill": [], "fill": [], "fill_auto": []} for label in methods}
    for index in range(len(rgbs)):
        rgb, wall, (x, y) = composite(rgbs[(index + 1) % len(rgbs)], seed=index)
        lab = labs_of(rgb)
        near = cv2.dilate((~wall).astype(np.uint8), np.ones((2 * EDGE_MARGIN + 1,) * 2, np.uint8))
        front = cv2.erode((~wall).astype(np.uint8), np.ones((2 * EDGE_MARGIN + 1,) * 2, np.uint8))
        wall_inner = near == 0
        colour = _hex(rgb[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3).mean(axis=0))
        pin = ColourHint(x=float(x), y=float(y), color=colour)
        for label, method in methods.items():
            automatic = method.ab(lab[..., 0])
            pinned = method.ab(lab[..., 0], (pin,))
            change = np.linalg.norm(pinned - automatic, axis=-1)
            figures[label]["spill"].append(float(change[front == 1].mean()))
            truth = lab[..., 1:]
            figures[label]["fill"].append(
                float(np.linalg.norm(pinned - truth, axis=-1)[wall_inner].mean())
            )
            figures[label]["fill_auto"].append(
                float(np.linalg.norm(automatic - truth, axis=-1)[wall_inner].mean())
            )
    return {
        label: {key: float(np.mean(values)) for key, values in found.items()}
        for label, found in figures.items()
    }


def suggestion_figures(method, photos, prior, random_hints) -> dict[str, float]:
    """Rebalanced AuC: automatic, one pin at a random spot, one pin at the top suggestion
    (both with the true colour there). `photos` yields (jpeg bytes, rgb, lab, index)."""
    rows = {"automatic": SetMetrics(prior), "random pin": SetMetrics(prior)}
    rows["suggested pin"] = SetMetrics(prior)
    config = method.config
    for data, rgb, lab, index in photos:
        lightness = lab[..., 0]
        rows["automatic"].add(rgb, lab, method.ab(lightness))
        rows["random pin"].add(rgb, lab, method.ab(lightness, random_hints(rgb, 1, index)))
        suggestions = analyze(data, ColorizeOptions(model=method.entry.name), config).suggestions(1)
        if suggestions:
            x, y = suggestions[0].x, suggestions[0].y
            height, width = lightness.shape
            x, y = min(max(x, 1), width - 2), min(max(y, 1), height - 2)
            colour = _hex(rgb[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3).mean(axis=0))
            hints = (ColourHint(x=float(x), y=float(y), color=colour),)
        else:
            hints = ()
        rows["suggested pin"].add(rgb, lab, method.ab(lightness, hints))
    return {label: metrics.summary()["rebalanced_auc"] for label, metrics in rows.items()}


def colour_report(methods: dict, dev: Path, step: int = 1) -> dict[str, dict]:
    """Every measure above on dev_eval (every `step`-th photo): confidence for each method,
    pins, spill and suggestions for the first one (the shipped large, as a rule)."""
    from training.evaluate import Method, load_photos, truth_hints

    names, rgbs, labs = load_photos(dev)
    names, rgbs, labs = names[::step], rgbs[::step], labs[::step]
    prior = cell_prior_of(labs)
    report: dict[str, dict] = {"confidence": {}}
    for label, method in methods.items():
        report["confidence"][label] = confidence_figures(method, labs)
    label, chosen = next(iter(methods.items()))
    before_after = {
        f"{label}, pins before (network and spot)": Method(chosen.entry, spread=False),
        f"{label}, pins spread over their surface": chosen,
    }
    report["pins"] = pin_gain(before_after, rgbs, labs, prior, truth_hints)
    report["spill"] = spill_figures(before_after, rgbs, rgb_to_lab)
    photos = (
        ((dev / name).read_bytes(), rgb, lab, index)
        for index, (name, rgb, lab) in enumerate(zip(names, rgbs, labs, strict=True))
    )
    report["suggestions"] = suggestion_figures(chosen, photos, prior, truth_hints)
    return report


def format_colour_report(report: dict[str, dict]) -> str:
    lines = []
    for label, found in report.get("confidence", {}).items():
        lines += [
            "",
            f"confidence of {label} on dev_eval (share right = colour within "
            f"{CONFIDENCE_RADIUS:g} a*b* units; ECE {found['ece']:.3f}, "
            f"share right overall {found['share_right']:.3f}):",
            "| confidence | share of pixels | mean confidence | share right |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {low:.1f}-{low + 0.1:.1f} | {share:.3f} | {predicted:.3f} | {actual:.3f} |"
            for low, share, predicted, actual in found["table"]
        ]
        calibrated, entropy = found["calibrated_low_high"], found["entropy_low_high"]
        lines.append(
            f"share right in the least / most confident fifth: calibrated {calibrated[0]:.3f} / "
            f"{calibrated[1]:.3f}; 1 - entropy {entropy[0]:.3f} / {entropy[1]:.3f}"
        )
    if "spill" in report:
        lines += [
            "",
            "one pin on a plain wall before a photo (composites of dev_eval):",
            "| method | spill on the photo (a*b*) | wall error automatic | wall error pinned |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {label} | {m['spill']:.2f} | {m['fill_auto']:.2f} | {m['fill']:.2f} |"
            for label, m in report["spill"].items()
        ]
    if "pins" in report:
        lines += [
            "",
            "10 true pins, rebalanced AuC on dev_eval: "
            + ", ".join(f"{label} {value:.2f}" for label, value in report["pins"].items()),
        ]
    if "suggestions" in report:
        found = report["suggestions"]
        lines += [
            "",
            "one true pin, rebalanced AuC on dev_eval: "
            + ", ".join(f"{label} {value:.2f}" for label, value in found.items()),
        ]
    return "\n".join(lines)
