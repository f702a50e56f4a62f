"""Restore mode in the engine: faded prints improve, good photos stay, monochrome stays mono.

The photos are real ones (scikit-image's public-domain samples, only the files are read)
faded by the project's own fading models, the same ones the restorer was measured on.
"""

from __future__ import annotations

import io
from importlib import resources

import cv2
import numpy as np
import pytest
from PIL import Image
from skimage.color import deltaE_ciede2000

from colorizer_site import engine
from colorizer_site.engine import ColorizeOptions, EngineConfig, photo_kind, restoration
from colorizer_site.engine.color import lab_of_rgb
from colorizer_site.engine.photo_stats import restorer_features, thumbnail
from tests.engine.test_scratches import _branching_crack
from training import fading

SAMPLES = ("astronaut", "coffee", "chelsea")


def sample(name: str, side: int = 256) -> np.ndarray:
    """uint8 sRGB of a scikit-image sample photo, its long side `side`."""
    with (resources.files("skimage") / "data" / f"{name}.png").open("rb") as handle:
        image = Image.open(handle).convert("RGB")
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
        return np.asarray(image)


def as_uint8(rgb: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(rgb * 255.0), 0, 255).astype(np.uint8)


def png(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def restored(rgb: np.ndarray, **options) -> tuple[np.ndarray, engine.ColorizeResult]:
    result = engine.colorize(
        png(rgb),
        ColorizeOptions(mode="restore", output_format="png", **options),
        EngineConfig(models={}),
    )
    return np.asarray(Image.open(io.BytesIO(result.data)).convert("RGB")), result


def delta_e(first: np.ndarray, second: np.ndarray) -> float:
    return float(deltaE_ciede2000(lab_of_rgb(first), lab_of_rgb(second)).mean())


def chroma(rgb: np.ndarray) -> np.ndarray:
    lab = lab_of_rgb(rgb)
    return np.hypot(lab[..., 1], lab[..., 2])


# Each kind at a middling strength of the range the restorer was trained on.
FADES = {
    "cyan_loss": lambda rgb, rng: fading.cyan_loss(rgb, 0.5, 0.2),
    "yellowing": lambda rgb, rng: fading.yellowing(rgb, 0.45),
    "overall": lambda rgb, rng: fading.overall(rgb, black=0.15, white=0.9, desaturate=0.4),
    # Cyan loss strong on one side of the print, mild on the other.
    "uneven": lambda rgb, rng: (
        rgb
        + (0.2 + 0.8 * fading.smooth_field(rgb.shape[:2], rng)[..., None])
        * (fading.cyan_loss(rgb, 0.6) - rgb)
    ),
}


@pytest.mark.parametrize("kind", fading.KINDS)
def test_each_fading_kind_is_improved(kind: str) -> None:
    before, after = [], []
    for number, name in enumerate(SAMPLES):
        clean = sample(name)
        faded = as_uint8(FADES[kind](clean / 255.0, np.random.default_rng(number)))
        out, result = restored(faded)
        before.append(delta_e(faded, clean))
        after.append(delta_e(out, clean))
        assert result.mode == "restore" and result.photo_kind in ("faded", "colour")
    # Closer to the unfaded photos on the whole, and none of them made visibly worse: a
    # brown still life yellowed is close to its own colours, and restore gives it back a
    # little more contrast than it had (about 0.6 ΔE00 further; docs/models/restorer.md).
    assert np.mean(after) < 0.8 * np.mean(before), (before, after)
    assert all(made < faded + 1.0 for faded, made in zip(before, after, strict=True))


@pytest.mark.parametrize("name", SAMPLES)
def test_a_photo_in_good_condition_is_left_nearly_as_it_is(name: str) -> None:
    clean = sample(name)
    out, _ = restored(clean)
    assert delta_e(out, clean) < 2.0


@pytest.mark.parametrize("kind", fading.KINDS)
def test_the_gate_is_surer_of_a_faded_copy_than_of_the_photo_itself(kind: str) -> None:
    for number, name in enumerate(SAMPLES):
        clean = sample(name)
        faded = as_uint8(FADES[kind](clean / 255.0, np.random.default_rng(number)))
        faded_p = photo_kind.faded_probability(restorer_features(thumbnail(faded)))
        clean_p = photo_kind.faded_probability(restorer_features(thumbnail(clean)))
        assert faded_p > clean_p, (name, faded_p, clean_p)


def test_a_black_and_white_photo_stays_monochrome_with_its_tones_repaired() -> None:
    gray = fading.gray(sample("astronaut") / 255.0, np.random.default_rng(0))
    washed = as_uint8(fading.overall(gray, black=0.22, white=0.8, desaturate=0.0))
    out, result = restored(washed)

    assert chroma(out).max() < 4.0  # still black and white
    before, after = lab_of_rgb(washed)[..., 0], lab_of_rgb(out)[..., 0]
    assert np.percentile(after, 1) < np.percentile(before, 1) - 10  # blacks are black again
    assert np.percentile(after, 99) > np.percentile(before, 99) + 5
    assert result.photo_kind == "bw"
    assert any("black and white" in note and "colorize" in note for note in result.notes)


def test_a_grey_file_in_restore_mode_is_repaired_and_stays_grey() -> None:
    gray = (sample("coffee").mean(axis=2) * 0.5 + 60).astype(np.uint8)  # flat and grey
    buffer = io.BytesIO()
    Image.fromarray(gray, "L").save(buffer, "PNG")
    result = engine.colorize(
        buffer.getvalue(), ColorizeOptions(mode="restore"), EngineConfig(models={})
    )
    out = np.asarray(Image.open(io.BytesIO(result.data)).convert("RGB"))
    assert result.photo_kind == "bw" and chroma(out).max() < 4.0
    assert np.ptp(out.mean(axis=2)) > 1.5 * np.ptp(gray.astype(float))


@pytest.mark.parametrize("tone", fading.TONES)
def test_a_toned_print_keeps_its_tone_and_gets_its_contrast_back(tone: str) -> None:
    rng = np.random.default_rng(1)
    print_ = fading.toned(sample("astronaut") / 255.0, tone, rng)
    washed = as_uint8(0.2 + 0.65 * print_)
    out, result = restored(washed)

    assert result.photo_kind == "toned"
    assert any("toned" in note and "colorize" in note for note in result.notes)
    source, made = lab_of_rgb(washed), lab_of_rgb(out)
    # One hue, the print's own: the mean a*, b* keep their direction.
    source_hue = np.arctan2(source[..., 2].mean(), source[..., 1].mean())
    made_hue = np.arctan2(made[..., 2].mean(), made[..., 1].mean())
    assert abs(np.angle(np.exp(1j * (made_hue - source_hue)))) < 0.3
    assert (
        np.ptp(np.percentile(made[..., 0], [1, 99]))
        > np.ptp(np.percentile(source[..., 0], [1, 99])) + 15
    )


def test_vividness_scales_the_restored_chroma() -> None:
    faded = as_uint8(fading.fade(sample("coffee") / 255.0, "overall", np.random.default_rng(2)))
    muted, _ = restored(faded, vividness=0)
    plain, _ = restored(faded)
    vivid, _ = restored(faded, vividness=100)
    assert chroma(muted).mean() < 0.8 * chroma(plain).mean()
    assert chroma(vivid).mean() > 1.2 * chroma(plain).mean()


def test_scratch_repair_works_on_a_restored_colour_photo() -> None:
    clean = sample("coffee", 384)
    faded = as_uint8(fading.yellowing(clean / 255.0, 0.4))
    coverage = _branching_crack(faded.shape[:2])[..., None] / 255.0
    cracked = (faded * (1 - coverage) + 250.0 * coverage).astype(np.uint8)
    crack = coverage[..., 0] > 0.25

    repaired, result = restored(cracked, clean_scratches=True)
    left, _ = restored(cracked)

    assert result.stages == ["decode", "clean_scratches", "restore", "encode"]
    assert "clean_scratches" not in result.unchanged_addons
    assert delta_e(repaired[crack][None], clean[crack][None]) < 0.6 * delta_e(
        left[crack][None], clean[crack][None]
    )


def test_restore_mode_refuses_pins_and_unknown_modes() -> None:
    data = png(sample("chelsea", 64))
    with pytest.raises(engine.InvalidOptions) as refused:
        engine.colorize(
            data,
            ColorizeOptions(mode="restore", hints=(engine.ColourHint(1, 1, "#ff0000"),)),
            EngineConfig(models={}),
        )
    assert refused.value.field == "hints"
    with pytest.raises(engine.InvalidOptions) as unknown:
        engine.colorize(data, ColorizeOptions(mode="repaint"), EngineConfig(models={}))
    assert unknown.value.field == "mode" and "colorize or restore" in str(unknown.value)


def test_the_tiles_shares_cover_every_pixel_once() -> None:
    centres = (np.arange(restoration.TILE_GRID) + 0.5) / restoration.TILE_GRID
    for side in (7, 256, 1001):
        shares = restoration._tent_weights(side, centres)
        assert shares.shape == (restoration.TILE_GRID, side)
        assert np.allclose(shares.sum(axis=0), 1.0) and shares.min() >= 0.0


def test_local_curves_follow_a_cast_that_changes_across_the_print() -> None:
    # Cyan loss strong on the left, none on the right: the whole photo's curves can only
    # take half of it out everywhere; with the tiles' the left side comes back further.
    clean = sample("astronaut")
    ramp = np.linspace(1.0, 0.0, clean.shape[1], dtype=np.float32)[None, :, None]
    faded = as_uint8(
        clean / 255.0 + ramp * (fading.cyan_loss(clean / 255.0, 0.7, 0.2) - clean / 255.0)
    )
    faded_q, restored_q, _ = restoration.predict(thumbnail(faded))
    global_only = cv2.LUT(faded, restoration.curve_tables(faded_q, restored_q))
    local, _ = restoration.restore_colour(faded, None, strength=1.0)
    left = slice(0, clean.shape[1] // 3)
    assert delta_e(local[:, left], clean[:, left]) < delta_e(global_only[:, left], clean[:, left])
    assert delta_e(local, clean) < delta_e(faded, clean) - 1.0


def test_a_photo_without_a_cast_comes_through_the_tiles_nearly_unchanged() -> None:
    clean = sample("astronaut")
    tables = np.tile(np.arange(256, dtype=np.uint8)[None, :, None], (1, 1, 3))
    tiles = np.broadcast_to(tables, (restoration.TILE_GRID, restoration.TILE_GRID, 1, 256, 3))
    centres = (np.arange(restoration.TILE_GRID) + 0.5) / restoration.TILE_GRID
    out = restoration.apply_local_curves(clean, tables, np.ascontiguousarray(tiles), centres)
    assert np.abs(out.astype(int) - clean.astype(int)).max() <= 1
