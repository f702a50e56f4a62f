"""The own models shipped in the repository: present, intact, on contract, and colourful."""

import hashlib
import json
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest
from PIL import Image, ImageDraw, ImageFilter

WEIGHTS = Path(__file__).resolve().parents[2] / "colorizer_site" / "engine" / "weights"
LIMITS = {"tiny": 2_000_000, "large": 25_000_000}  # parameters, from the model card
MAX_FILE_BYTES = 50 * 1024 * 1024
# Mean CIELAB chroma of the colorized test photo must beat painting the training set's
# mean colour everywhere (chroma 6.8); gray output has 0. The shipped models give 10 to 23.
MIN_MEAN_CHROMA = 7.0


def manifest() -> dict:
    return json.loads((WEIGHTS / "models.json").read_text())


def session(name: str) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    path = WEIGHTS / manifest()[name]["file"]
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def landscape_photo(width: int = 320, height: int = 240) -> Image.Image:
    """A gray photo of a smooth sky over textured grass and a tree line, drawn with Pillow."""
    image = Image.linear_gradient("L").rotate(180).resize((width, height))
    image = image.point(lambda v: 150 + v // 3)  # bright, even sky
    draw = ImageDraw.Draw(image)
    rng = np.random.default_rng(3)
    horizon = int(height * 0.55)
    for x in range(0, width, 6):  # a ragged tree line
        top = horizon - int(rng.integers(10, 40))
        draw.ellipse((x - 10, top, x + 14, horizon + 10), fill=int(rng.integers(45, 70)))
    grass = rng.normal(105, 18, (height - horizon, width)).clip(0, 255).astype(np.uint8)
    image.paste(Image.fromarray(grass), (0, horizon))
    return image.filter(ImageFilter.GaussianBlur(0.8))


def lab_of(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)


def rgb_of(lab: np.ndarray) -> np.ndarray:
    return np.clip(cv2.cvtColor(lab.astype(np.float32), cv2.COLOR_LAB2RGB) * 255.0, 0, 255)


@pytest.mark.parametrize("name", ["tiny", "large"])
def test_model_file_matches_its_manifest_entry(name):
    entry = manifest()[name]
    path = WEIGHTS / entry["file"]
    assert entry["family"] == "own"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    assert path.stat().st_size <= MAX_FILE_BYTES
    assert 0 < entry["params"] <= LIMITS[name]
    assert entry["input_size"] % 16 == 0


@pytest.mark.parametrize("name", ["tiny", "large"])
def test_model_has_the_documented_io_contract(name):
    model = session(name)
    (source,) = model.get_inputs()
    (result,) = model.get_outputs()
    assert (source.name, source.type) == ("input", "tensor(float)")
    assert (result.name, result.type) == ("output", "tensor(float)")
    assert source.shape[:2] == [1, 1] and all(isinstance(d, str) for d in source.shape[2:])
    assert result.shape[:2] == [1, 2]
    for height, width in [(128, 128), (256, 256), (160, 224)]:
        lightness = np.full((1, 1, height, width), 50.0, np.float32)
        (ab,) = model.run(["output"], {"input": lightness})
        assert ab.shape == (1, 2, height, width) and ab.dtype == np.float32


@pytest.mark.parametrize("name", ["tiny", "large"])
def test_model_colorizes_a_gray_photo_and_keeps_its_lightness(name):
    gray = np.asarray(landscape_photo().convert("RGB"))
    lightness = lab_of(gray)[..., 0]
    size = manifest()[name]["input_size"]
    small = cv2.resize(lightness, (size, size), interpolation=cv2.INTER_AREA)
    (ab,) = session(name).run(["output"], {"input": small[None, None]})
    ab = cv2.resize(ab[0].transpose(1, 2, 0), gray.shape[1::-1], interpolation=cv2.INTER_LINEAR)
    assert np.isfinite(ab).all() and np.abs(ab).max() < 128

    colour = rgb_of(np.dstack([lightness, ab]))
    back = lab_of(colour)
    chroma = np.hypot(back[..., 1], back[..., 2])
    assert chroma.mean() > MIN_MEAN_CHROMA
    # Only a and b come from the model: the photo's lightness survives, up to
    # 8-bit rounding and the few colours that fall outside sRGB.
    assert np.abs(back[..., 0] - lightness).mean() < 1.5
    # The sky and the grass are not given one and the same colour.
    horizon = int(gray.shape[0] * 0.55)
    sky, meadow = ab[: horizon // 2].mean(axis=(0, 1)), ab[horizon + 20 :].mean(axis=(0, 1))
    assert np.hypot(*(sky - meadow)) > 5.0
