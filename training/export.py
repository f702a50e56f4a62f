"""Export a checkpoint to the engine's ONNX contract and record it in models.json.

Contract: input "input" float32 [1, 1, H, W], CIELAB L in 0..100; output
"output" float32 [1, 2, H, W], CIELAB a, b. H and W are dynamic (multiples of
16). Bin decoding (annealed mean) and the upsampling back to H x W happen inside
the graph, so the engine needs nothing from this package.
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

from training.bins import ANNEAL_T
from training.models import AnnealedMeanColorizer, build_model, count_parameters

REPO = Path(__file__).resolve().parents[1]
WEIGHTS = REPO / "colorizer_site" / "engine" / "weights"
OPSET = 17
DEFAULT_INPUT_SIZE = 128  # the training photos' side: objects keep the scale they were learnt at


def load_colorizer(
    checkpoint: Path | list[Path], temperature: float = ANNEAL_T
) -> AnnealedMeanColorizer:
    """One checkpoint, or several (same bins) for an ensemble."""
    nets, centres = [], None
    for path in checkpoint if isinstance(checkpoint, list) else [checkpoint]:
        state = torch.load(path, map_location="cpu", weights_only=False)
        centres = torch.from_numpy(np.asarray(state["centres"], dtype=np.float32))
        net = build_model(state["model_name"], len(centres))
        net.load_state_dict(state["model"])
        nets.append(net)
    return AnnealedMeanColorizer(nets, centres, temperature).eval()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_onnx(
    colorizer: AnnealedMeanColorizer, target: Path, *, float16_storage: bool = False
) -> None:
    example = torch.rand(1, 1, 128, 128) * 100
    target.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            colorizer,
            (example,),
            str(target),
            input_names=["input"],
            output_names=["output"],
            dynamic_axes={"input": {2: "height", 3: "width"}, "output": {2: "height", 3: "width"}},
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    declare_output_shape(target)
    if float16_storage:
        store_weights_as_float16(target)
    check_onnx(colorizer, target, tolerance=0.5 if float16_storage else 0.05)


def declare_output_shape(target: Path) -> None:
    """The exporter names the output's dims after the Resize node; state the contract instead."""
    model = onnx.load(str(target))
    dims = model.graph.output[0].type.tensor_type.shape.dim
    for dim, value in zip(dims, [1, 2, "height", "width"], strict=True):
        dim.Clear()
        if isinstance(value, int):
            dim.dim_value = value
        else:
            dim.dim_param = value
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


def check_onnx(colorizer: AnnealedMeanColorizer, target: Path, tolerance: float = 0.05) -> None:
    """The file must agree with PyTorch at several sizes, square and not."""
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    for height, width in [(128, 128), (160, 256), (256, 256)]:
        lightness = np.random.default_rng(0).uniform(0, 100, (1, 1, height, width))
        lightness = lightness.astype(np.float32)
        (got,) = session.run(["output"], {"input": lightness})
        with torch.no_grad():
            want = colorizer(torch.from_numpy(lightness)).numpy()
        if got.shape != (1, 2, height, width) or np.abs(got - want).max() > tolerance:
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
        "params": params,
        **extra,
    }
    manifest_path.write_text(json.dumps(dict(sorted(manifest.items())), indent=2) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--name", help="model name in models.json (default: the checkpoint's)")
    parser.add_argument("--input-size", type=int, help="side the engine runs it at")
    parser.add_argument("--temperature", type=float, default=ANNEAL_T)
    parser.add_argument("--weights-dir", type=Path, default=WEIGHTS)
    parser.add_argument(
        "--float16-storage",
        action="store_true",
        help="store weights as float16 (half the file, float32 arithmetic)",
    )
    args = parser.parse_args(argv)
    colorizer = load_colorizer(args.checkpoint, args.temperature)
    state = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    name = args.name or state["model_name"]
    target = args.weights_dir / f"{name}.onnx"
    export_onnx(colorizer, target, float16_storage=args.float16_storage)
    record(
        name,
        target,
        count_parameters(colorizer.nets),
        args.input_size,
        {
            "temperature": args.temperature,
            "training_minutes": round(state["elapsed"] / 60, 1),
            "training_steps": state["step"],
            **({"weights": "float16"} if args.float16_storage else {}),
        },
    )
    print(f"exported {target} ({target.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
