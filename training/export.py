"""Export a checkpoint to the engine's ONNX contract (v2) and record it in models.json.

Contract (docs/models/colorizer.md): inputs "input" float32 [1, 1, H, W], CIELAB L in
0..100, and "hints" float32 [1, 3, H, W] (a*/110, b*/110 and a mask, zeros for
automatic colorization); output "logits" float32 [1, Q, H/4, W/4] over the ab
bins. H and W are dynamic multiples of 32. The bins' ab centres and the hint
scale travel in the file's metadata ("ab_bins", "hint_scale"), so the engine
decodes at any temperature without this package. The export also writes the
compact float16 release checkpoint that later training runs start from.
"""

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
import onnx.helper
import onnx.numpy_helper
import onnxruntime as ort
import torch

from training.models import HINT_SCALE, ShippedColorizer, build_model, count_parameters
from training.release import save_release

REPO = Path(__file__).resolve().parents[1]
WEIGHTS = REPO / "colorizer_site" / "engine" / "weights"
OPSET = 17
SIDE_MULTIPLE = 32  # the encoder's total stride
DEFAULT_INPUT_SIZE = 128  # the training photos' side: objects keep the scale they were learnt at
DEFAULT_TEMPERATURE = 0.38  # Zhang et al.'s choice; `training.evaluate` measures the best
# The shipped `large` is its own network together with the shipped `tiny` network, whose
# distributions the engine averages: on dev_eval the pair beat either alone on PSNR and
# rebalanced AuC (docs/models/colorizer.md). Recorded in models.json as "ensemble_with".
ENSEMBLE_PARTNERS = {"large": ("tiny",)}


def load_colorizer(checkpoint: Path) -> tuple[ShippedColorizer, dict]:
    state = torch.load(checkpoint, map_location="cpu", weights_only=False)
    centres = np.asarray(state["centres"], dtype=np.float32)
    net = build_model(state["model_name"], len(centres), pretrained=False)
    net.load_state_dict({k: v.float() for k, v in state["model"].items()})
    return ShippedColorizer(net).eval(), state


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_onnx(
    colorizer: ShippedColorizer,
    centres: np.ndarray,
    target: Path,
    *,
    float16_storage: bool = False,
) -> None:
    example = (torch.rand(1, 1, 128, 128) * 100, torch.zeros(1, 3, 128, 128))
    target.parent.mkdir(parents=True, exist_ok=True)
    image_axes = {2: "height", 3: "width"}
    with torch.no_grad():
        torch.onnx.export(
            colorizer,
            example,
            str(target),
            input_names=["input", "hints"],
            output_names=["logits"],
            dynamic_axes={
                "input": image_axes,
                "hints": image_axes,
                "logits": {2: "rows", 3: "columns"},
            },
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    describe(target, centres)
    if float16_storage:
        store_weights_as_float16(target)
    check_onnx(colorizer, target, tolerance=0.5 if float16_storage else 0.05)


def describe(target: Path, centres: np.ndarray) -> None:
    """State the output's shape and write the decoding facts into the file's metadata."""
    model = onnx.load(str(target))
    dims = model.graph.output[0].type.tensor_type.shape.dim
    for dim, value in zip(dims, [1, len(centres), "rows", "columns"], strict=True):
        dim.Clear()
        if isinstance(value, int):
            dim.dim_value = value
        else:
            dim.dim_param = value
    metadata = {
        "contract": "colorizer-own-v2",
        "ab_bins": json.dumps(np.round(centres, 3).tolist()),
        "hint_scale": str(HINT_SCALE),
    }
    del model.metadata_props[:]
    for key, value in metadata.items():
        model.metadata_props.add(key=key, value=value)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))


def store_weights_as_float16(target: Path, min_elements: int = 1024) -> None:
    """Halve the file: keep large weight tensors as float16, cast back to float32 in the graph.

    The arithmetic stays float32 (ONNX Runtime folds the casts once, when the
    session is created), so only the weights' rounding changes: a few hundredths of
    a unit of a*/b* at most, far below what a person can see.
    """
    model = onnx.load(str(target))
    graph = model.graph
    casts = []
    for initializer in graph.initializer:
        if (
            initializer.data_type != onnx.TensorProto.FLOAT
            or np.prod(initializer.dims) < min_elements
        ):
            continue
        values = onnx.numpy_helper.to_array(initializer).astype(np.float16)
        name = initializer.name
        initializer.CopyFrom(onnx.numpy_helper.from_array(values, f"{name}__float16"))
        casts.append(
            onnx.helper.make_node("Cast", [f"{name}__float16"], [name], to=onnx.TensorProto.FLOAT)
        )
    # ONNX wants nodes in dependency order: the casts go before everything else.
    original = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + original)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))


def check_onnx(colorizer: ShippedColorizer, target: Path, tolerance: float = 0.05) -> None:
    """The file must agree with PyTorch at several sizes, square and not, with and without hints."""
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    for height, width in [(128, 128), (160, 256), (256, 256)]:
        lightness = rng.uniform(0, 100, (1, 1, height, width)).astype(np.float32)
        hints = np.zeros((1, 3, height, width), dtype=np.float32)
        hints[0, :, 40:43, 60:63] = np.array([0.3, -0.2, 1.0], dtype=np.float32)[:, None, None]
        (got,) = session.run(["logits"], {"input": lightness, "hints": hints})
        with torch.no_grad():
            want = colorizer(torch.from_numpy(lightness), torch.from_numpy(hints)).numpy()
        if got.shape != want.shape or np.abs(got - want).max() > tolerance:
            raise RuntimeError(f"{target} disagrees with PyTorch at {height}x{width}")


def record(name: str, target: Path, params: int, input_size: int | None, extra: dict) -> None:
    """Write the model's entry; without an input size, keep the one measured before (or 128)."""
    manifest_path = target.parent / "models.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    if input_size is None:
        input_size = manifest.get(name, {}).get("input_size", DEFAULT_INPUT_SIZE)
    manifest[name] = {
        "family": "own",
        "file": target.name,
        "sha256": sha256_of(target),
        "input_size": input_size,
        "side_multiple": SIDE_MULTIPLE,
        "params": params,
        **extra,
    }
    manifest_path.write_text(json.dumps(dict(sorted(manifest.items())), indent=2) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--name", help="model name in models.json (default: the checkpoint's)")
    parser.add_argument("--input-size", type=int, help="side the engine runs it at")
    parser.add_argument("--temperature", type=float, default=DEFAULT_TEMPERATURE)
    parser.add_argument("--weights-dir", type=Path, default=WEIGHTS)
    parser.add_argument("--no-release", action="store_true", help="skip the float16 checkpoint")
    parser.add_argument(
        "--float16-storage",
        action="store_true",
        help="store weights as float16 (half the file, float32 arithmetic)",
    )
    args = parser.parse_args(argv)
    colorizer, state = load_colorizer(args.checkpoint)
    name = args.name or state["model_name"]
    target = args.weights_dir / f"{name}.onnx"
    centres = np.asarray(state["centres"], dtype=np.float32)
    export_onnx(colorizer, centres, target, float16_storage=args.float16_storage)
    record(
        name,
        target,
        count_parameters(colorizer),
        args.input_size,
        {
            "temperature": args.temperature,
            "training_minutes": round(state["elapsed"] / 60, 1),
            "training_steps": state["step"],
            **({"weights": "float16"} if args.float16_storage else {}),
            **(
                {"ensemble_with": list(ENSEMBLE_PARTNERS[name])}
                if name in ENSEMBLE_PARTNERS
                else {}
            ),
        },
    )
    print(f"exported {target} ({target.stat().st_size / 1e6:.1f} MB)")
    if not args.no_release:
        print(f"release checkpoint {save_release(state, state['model_name'])}")


if __name__ == "__main__":
    main()
