"""Clarity boost: the real Real-ESRGAN x4plus network through ncnn, on small inputs."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from colorizer_site import engine
from colorizer_site.engine import clarity
from colorizer_site.engine.errors import ImageTooLarge
from colorizer_site.engine.types import ColorizeOptions, EngineConfig
from tests.engine.conftest import encoded, photo


def drawn_face(side: int = 128) -> np.ndarray:
    """A schematic face (hair, brows, eyes, nose, mouth) that the Haar cascade finds."""
    image = np.full((side, side), 170, np.uint8)
    middle = side // 2

    def part(center: tuple[float, float], axes: tuple[float, float], level: int) -> None:
        cv2.ellipse(
            image,
            (round(center[0]), round(center[1])),
            (max(1, round(axes[0])), max(1, round(axes[1]))),
            0,
            0,
            360,
            level,
            -1,
        )

    part((middle, middle), (side * 0.30, side * 0.40), 200)
    part((middle, middle - side * 0.42), (side * 0.32, side * 0.12), 50)
    for direction in (-1, 1):
        eye_x, eye_y = middle + direction * side * 0.12, middle - side * 0.08
        part((eye_x, eye_y - side * 0.06), (side * 0.07, side * 0.015), 70)
        part((eye_x, eye_y), (side * 0.06, side * 0.03), 240)
        part((eye_x, eye_y), (side * 0.025, side * 0.025), 30)
    part((middle, middle + side * 0.06), (side * 0.03, side * 0.06), 150)
    part((middle, middle + side * 0.2), (side * 0.09, side * 0.025), 90)
    gray = cv2.GaussianBlur(image, (5, 5), 0)
    return np.repeat(gray[..., None], 3, axis=-1)


def test_the_weights_come_from_the_installed_wheel() -> None:
    param, weights = clarity.model_files()
    assert param.name == "realesrgan-x4plus.param" and param.parent.name == "models"
    assert weights.stat().st_size > 10_000_000


def test_upscale_x4_quadruples_and_keeps_the_colours() -> None:
    patch = np.zeros((24, 24, 3), np.uint8)
    patch[:, :12] = (200, 60, 40)
    patch[:, 12:] = (30, 90, 180)
    upscaled = clarity.upscale_x4(patch, threads=2)
    assert upscaled.shape == (96, 96, 3) and upscaled.dtype == np.uint8
    left = upscaled[8:-8, 8:40].reshape(-1, 3).mean(axis=0)
    right = upscaled[8:-8, 56:88].reshape(-1, 3).mean(axis=0)
    assert np.abs(left - (200, 60, 40)).max() < 20
    assert np.abs(right - (30, 90, 180)).max() < 20


def test_tiles_join_without_visible_seams() -> None:
    strip = cv2.resize(np.asarray(photo(64, 16, mode="RGB")), (300, 12))
    tiled = clarity.upscale_x4(strip, threads=2)  # 300 px > one 256 px tile
    whole = clarity._run_network(strip, threads=2)
    assert tiled.shape == whole.shape == (48, 1200, 3)
    assert np.abs(tiled.astype(int) - whole.astype(int)).mean() < 2.0


def test_a_face_is_redrawn_and_the_rest_left_alone() -> None:
    canvas = np.full((200, 320, 3), 120, np.uint8)
    canvas[30:158, 20:148] = drawn_face(128)
    faces = clarity.detect_faces(canvas)
    assert len(faces) == 1

    result, count, note = clarity.remaster_faces(canvas, threads=2)
    assert count == 1
    assert note == "Clarity boost: 1 face redrawn with Real-ESRGAN x4plus."
    changed = np.argwhere(np.abs(result.astype(int) - canvas.astype(int)).max(axis=-1) > 2)
    assert changed.size > 0
    x, y, w, h = faces[0]
    margin = 0.3 * max(w, h) + 1
    assert changed[:, 0].min() >= y - margin and changed[:, 0].max() <= y + h + margin
    assert changed[:, 1].min() >= x - margin and changed[:, 1].max() <= x + w + margin
    assert np.array_equal(result[:, 220:], canvas[:, 220:])


def test_no_face_leaves_the_image_unchanged_and_says_so() -> None:
    landscape = np.asarray(photo(160, 120, mode="RGB"))
    result, count, note = clarity.remaster_faces(landscape, threads=2)
    assert count == 0
    assert np.array_equal(result, landscape)
    assert "no faces found" in note


def test_whole_image_mode_is_capped() -> None:
    with pytest.raises(ImageTooLarge, match="256x256"):
        clarity.remaster_whole_image(np.zeros((300, 300, 3), np.uint8))
    small = np.asarray(photo(24, 20, mode="RGB"))
    assert clarity.remaster_whole_image(small, threads=2).shape == small.shape


def test_pipeline_runs_the_clarity_stage_on_faces(config: EngineConfig) -> None:
    data = encoded(Image.fromarray(drawn_face(128)), "PNG")
    result = engine.colorize(data, ColorizeOptions("tiny", face_remaster=True), config)
    assert result.stages == ["decode", "colorize", "face_remaster", "encode"]
    assert "1 face redrawn" in " ".join(result.notes)
    assert result.unchanged_addons == []
    assert Image.open(io.BytesIO(result.data)).size == (128, 128)


def test_pipeline_notes_when_no_face_was_found(config: EngineConfig) -> None:
    data = encoded(photo(), "PNG")
    result = engine.colorize(data, ColorizeOptions("tiny", face_remaster=True), config)
    assert "face_remaster" in result.stages
    assert "no faces found, the image is unchanged" in " ".join(result.notes)


def _astronaut() -> np.ndarray:
    """A real portrait: scikit-image's astronaut photo (NASA, public domain)."""
    from importlib import resources

    path = resources.files("skimage") / "data" / "astronaut.png"
    return np.asarray(Image.open(path).convert("RGB"))


def test_a_real_face_stays_the_same_person_with_its_colours_and_texture() -> None:
    from colorizer_site.engine.color import lab_of_rgb
    from training.face_quality import face_figures

    portrait = _astronaut()
    faces = clarity.detect_faces(portrait)
    assert len(faces) == 1
    result, count, _ = clarity.remaster_faces(portrait, threads=2)
    assert count == 1

    before, after = lab_of_rgb(portrait), lab_of_rgb(result)
    (x0, y0, x1, y1) = clarity.face_boxes(faces, *portrait.shape[:2])[0]
    # Only the lightness is redrawn: the colours of the face stay as they were.
    chroma_shift = np.abs(after[y0:y1, x0:x1, 1:] - before[y0:y1, x0:x1, 1:])
    assert np.percentile(chroma_shift, 99) < 4.0
    # Nothing outside the worked crop moves.
    outside = np.ones(portrait.shape[:2], bool)
    outside[y0:y1, x0:x1] = False
    assert np.array_equal(result[outside], portrait[outside])

    figures = face_figures(before[..., 0], after[..., 0], faces[0], (x0, y0, x1, y1))
    assert figures["identity"] > 0.85  # SSIM outside eyes and mouth
    assert 0.8 < figures["texture"] < 1.6  # neither waxy nor oversharpened
    assert figures["seam"] < 2.0  # L*: no step at the crop's edge
