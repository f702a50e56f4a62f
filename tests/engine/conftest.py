"""Engine fixtures: small ONNX graphs of each family's contract, configs and photos.

The graphs are real ONNX files built with the `onnx` package and run by ONNX
Runtime; their outputs are simple known functions of the input, so a test can
tell whether the engine fed them the right tensor and read back the right one.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from PIL import Image, ImageDraw

from colorizer_site.engine.types import EngineConfig, ModelEntry

# The "own" test graph answers a* = A_SLOPE * (L - 50) and b* = B_VALUE everywhere.
A_SLOPE = 0.3
B_VALUE = 12.0


def _conv_model(
    path: Path,
    *,
    in_channels: int,
    weights: np.ndarray,
    bias: np.ndarray,
    height: int | str,
    width: int | str,
) -> Path:
    """A 1x1 convolution graph: output[c] = sum_k weights[c, k] * input[k] + bias[c]."""
    kernel = numpy_helper.from_array(
        weights.reshape(2, in_channels, 1, 1).astype(np.float32), "kernel"
    )
    offset = numpy_helper.from_array(bias.astype(np.float32), "offset")
    node = helper.make_node("Conv", ["input", "kernel", "offset"], ["output"])
    source = helper.make_tensor_value_info(
        "input", TensorProto.FLOAT, [1, in_channels, height, width]
    )
    result = helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 2, height, width])
    graph = helper.make_graph([node], "contract", [source], [result], initializer=[kernel, offset])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def own_graph(path: Path) -> Path:
    """Own family: [1,1,H,W] L* with dynamic sides."""
    return _conv_model(
        path,
        in_channels=1,
        weights=np.array([[A_SLOPE], [0.0]]),
        bias=np.array([-50.0 * A_SLOPE, B_VALUE]),
        height="H",
        width="W",
    )


def zhang_graph(path: Path, size: int = 256) -> Path:
    """eccv16 / siggraph17: fixed [1,1,S,S] L*; a* = 0.2 L*, b* = -10."""
    return _conv_model(
        path,
        in_channels=1,
        weights=np.array([[0.2], [0.0]]),
        bias=np.array([0.0, -10.0]),
        height=size,
        width=size,
    )


def ddcolor_graph(path: Path, size: int = 64) -> Path:
    """DDColor: [1,3,S,S] grey RGB 0..1; a* = 40 * (R - B) (zero for grey input), b* = 30 * G."""
    return _conv_model(
        path,
        in_channels=3,
        weights=np.array([[40.0, 0.0, -40.0], [0.0, 30.0, 0.0]]),
        bias=np.array([0.0, 0.0]),
        height=size,
        width=size,
    )


# The guided "own" test graph (v2 contract): three bins, logits at a quarter size.
# Gray is always possible; brighter pixels lean to a* = +40; a hint's mask makes
# b* = +40 certain where it lies. Decoding then has known answers.
GUIDED_BINS = np.array([[0.0, 0.0], [40.0, 0.0], [0.0, 40.0]], dtype=np.float32)


def guided_graph(path: Path) -> Path:
    """Own family v2: inputs "input" L* and "hints" [a/110, b/110, mask]; output "logits"."""
    stacked = helper.make_node("Concat", ["input", "hints"], ["stacked"], axis=1)
    weights = np.zeros((3, 4, 1, 1), dtype=np.float32)
    weights[1, 0] = 0.08  # logit of a* = +40: 0.08 L - 4, from -4 (black) to +4 (white)
    weights[2, 3] = 20.0  # logit of b* = +40 under a hint's mask
    kernel = numpy_helper.from_array(weights, "kernel")
    offset = numpy_helper.from_array(np.array([0.0, -4.0, 0.0], dtype=np.float32), "offset")
    conv = helper.make_node("Conv", ["stacked", "kernel", "offset"], ["full"])
    pool = helper.make_node(
        "AveragePool", ["full"], ["logits"], kernel_shape=[4, 4], strides=[4, 4]
    )
    inputs = [
        helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, "H", "W"]),
        helper.make_tensor_value_info("hints", TensorProto.FLOAT, [1, 3, "H", "W"]),
    ]
    output = helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 3, "h", "w"])
    graph = helper.make_graph(
        [stacked, conv, pool], "guided", inputs, [output], initializer=[kernel, offset]
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    for key, value in {"ab_bins": json.dumps(GUIDED_BINS.tolist()), "hint_scale": "110"}.items():
        model.metadata_props.add(key=key, value=value)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


@pytest.fixture
def guided_config(model_dir: Path) -> EngineConfig:
    entry = ModelEntry(
        name="own-guided",
        family="own",
        path=guided_graph(model_dir / "own-guided.onnx"),
        input_size=128,
        side_multiple=32,
        temperature=0.5,
    )
    plain = own_graph(model_dir / "own-plain.onnx")
    plain_entry = ModelEntry(name="own-plain", family="own", path=plain, input_size=64)
    return EngineConfig(models={"tiny": entry, "large": entry, "plain": plain_entry}, threads=1)


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    return folder


@pytest.fixture
def own_entry(model_dir: Path) -> ModelEntry:
    path = own_graph(model_dir / "own-test.onnx")
    return ModelEntry(name="own-test", family="own", path=path, input_size=64)


@pytest.fixture
def config(own_entry: ModelEntry) -> EngineConfig:
    return EngineConfig(models={"tiny": own_entry, "large": own_entry}, threads=1)


def photo(width: int = 96, height: int = 64, *, mode: str = "L") -> Image.Image:
    """A picture with a gradient and shapes, in any Pillow mode."""
    image = Image.linear_gradient("L").resize((width, height))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width // 8, height // 8, width // 2, height // 2), fill=210)
    draw.rectangle((width // 2, height // 3, width - width // 8, height - height // 8), fill=35)
    return image.convert(mode)


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.fixture
def make_photo() -> Callable[..., Image.Image]:
    return photo
