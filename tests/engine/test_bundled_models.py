"""The own models shipped in the repository: present, intact, on contract, and colourful."""

import hashlib
import io
import json
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest
from PIL import Image, ImageDraw, ImageFilter

from colorizer_site.engine import ColorizeOptions, ColourHint, EngineConfig, colorize
from colorizer_site.engine.model_registry import bundled_models

WEIGHTS = Path(__file__).resolve().parents[2] / "colorizer_site" / "engine" / "weights"
MAX_PARAMETERS = 12_000_000  # with float16 storage both files stay far under 40 MB
MAX_FILE_BYTES = 40 * 1024 * 1024
# Mean CIELAB chroma of the colorized test photo must beat painting the training set's
# mean colour everywhere (chroma 6.8); gray output has 0.
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


def colorized(name: str, image: Image.Image, **options) -> np.ndarray:
    """The engine's own path: the photo through colorize() with the bundled model, as Lab."""
    config = EngineConfig(models={name: bundled_models(WEIGHTS)[f"own-{name}"]}, threads=2)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    result = colorize(
        buffer.getvalue(), ColorizeOptions(model=name, output_format="png", **options), config
    )
    return lab_of(np.asarray(Image.open(io.BytesIO(result.data)).convert("RGB")).astype(float))


@pytest.mark.parametrize("name", ["tiny", "large"])
def test_model_file_matches_its_manifest_entry(name):
    entry = manifest()[name]
    path = WEIGHTS / entry["file"]
    assert entry["family"] == "own"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
    assert path.stat().st_size <= MAX_FILE_BYTES
    assert 0 < entry["params"] <= MAX_PARAMETERS
    assert entry["side_multiple"] == 32 and entry["input_size"] % 32 == 0
    assert 0.1 <= entry["temperature"] <= 1.0


@pytest.mark.parametrize("name", ["tiny", "large"])
def test_model_has_the_documented_io_contract(name):
    model = session(name)
    source, hints = model.get_inputs()
    (result,) = model.get_outputs()
    assert (source.name, source.type, hints.name) == ("input", "tensor(float)", "hints")
    assert (result.name, result.type) == ("logits", "tensor(float)")
    assert source.shape[:2] == [1, 1] and hints.shape[:2] == [1, 3]
    bins = json.loads(model.get_modelmeta().custom_metadata_map["ab_bins"])
    assert result.shape[:2] == [1, len(bins)] and all(len(centre) == 2 for centre in bins)
    for height, width in [(128, 128), (256, 256), (160, 224)]:
        feed = {
            "input": np.full((1, 1, height, width), 50.0, np.float32),
            "hints": np.zeros((1, 3, height, width), np.float32),
        }
        (logits,) = model.run(["logits"], feed)
        assert logits.shape == (1, len(bins), height // 4, width // 4)
        assert np.isfinite(logits).all()


@pytest.mark.parametrize("name", ["tiny", "large"])
def test_model_colorizes_a_gray_photo_and_keeps_its_lightness(name):
    gray = landscape_photo()
    lightness = lab_of(np.asarray(gray.convert("RGB")).astype(float))[..., 0]
    back = colorized(name, gray)
    ab = back[..., 1:]

    chroma = np.hypot(back[..., 1], back[..., 2])
    assert chroma.mean() > MIN_MEAN_CHROMA
    # Only a and b come from the model: the photo's lightness survives, up to
    # 8-bit rounding and the few colours that fall outside sRGB.
    assert np.abs(back[..., 0] - lightness).mean() < 1.5
    # The sky and the grass are not given one and the same colour. (On this drawing the
    # v2 networks tell them apart by only about 6 a*b* units, both bluish; pooling each
    # surface's distribution calms the grass to about 3 for the large pair.)
    horizon = int(gray.height * 0.55)
    sky, meadow = ab[: horizon // 2].mean(axis=(0, 1)), ab[horizon + 20 :].mean(axis=(0, 1))
    assert np.hypot(*(sky - meadow)) > 2.0


def pin_colour_unlike(ab: np.ndarray) -> str:
    """Of a blue and an orange, the one farther from the colour the model chose by itself."""
    candidates = {"#3a6ea5": np.array([-3.0, -33.0]), "#c87832": np.array([24.0, 50.0])}
    return max(candidates, key=lambda colour: np.hypot(*(candidates[colour] - ab)))


@pytest.mark.parametrize("name", ["tiny", "large"])
def test_a_pin_on_the_meadow_recolours_that_region(name):
    gray = landscape_photo()
    before = colorized(name, gray)
    near = (slice(185, 215), slice(145, 175))
    colour = pin_colour_unlike(before[near][..., 1:].mean(axis=(0, 1)))
    after = colorized(name, gray, hints=(ColourHint(x=160.0, y=200.0, color=colour),))
    want = lab_of(np.array([[[int(colour[i : i + 2], 16) for i in (1, 3, 5)]]], float))[0, 0, 1:]
    # Around the pin the meadow moves most of the way to the pin's colour...
    distance_before = np.hypot(*(before[near][..., 1:].mean(axis=(0, 1)) - want))
    distance_after = np.hypot(*(after[near][..., 1:].mean(axis=(0, 1)) - want))
    assert distance_after < 0.5 * distance_before
    # ...while far up in the sky the colour hardly changes.
    far = (slice(0, 30), slice(0, 60))
    assert np.abs(after[far][..., 1:] - before[far][..., 1:]).mean() < 6.0
    # The lightness is the photo's, pin or not.
    assert np.abs(after[..., 0] - before[..., 0]).mean() < 0.5


def test_large_runs_its_own_network_with_tinys():
    # The shipped large averages two networks; tiny's weights ship once, in tiny.onnx.
    entries = bundled_models(WEIGHTS)
    assert manifest()["large"]["ensemble_with"] == ["tiny"]
    assert [partner.path for partner in entries["own-large"].partners] == [entries["own-tiny"].path]
    assert entries["own-tiny"].partners == ()
