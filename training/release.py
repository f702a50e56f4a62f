"""The released weights in a compact form that training can start from again.

Each shipped ONNX file has a float16 copy of its network's state dict beside the
training code (`training/release/<model>.pt`, about half the size of a float32
checkpoint). `make train MODEL=… INIT=shipped` starts from it, so a run on a
fresh machine continues improving the released model instead of starting over;
the ONNX file itself holds BatchNorm folded into the convolutions, which cannot
be trained further.
"""

from pathlib import Path

import torch

RELEASE_DIR = Path(__file__).resolve().parent / "release"


def release_path(model: str, release_dir: Path = RELEASE_DIR) -> Path:
    return release_dir / f"{model}.pt"


def save_release(checkpoint: dict, model: str, release_dir: Path = RELEASE_DIR) -> Path:
    """Keep the weights (float16), bins and training record of a checkpoint; drop the optimizer."""
    compact = {
        "model": {
            key: value.half() if value.is_floating_point() else value
            for key, value in checkpoint["model"].items()
        },
        **{
            key: checkpoint[key]
            for key in ("model_name", "step", "elapsed", "centres", "prior", "weights")
        },
    }
    target = release_path(model, release_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    torch.save(compact, target)
    return target


def load_release(model: str, release_dir: Path = RELEASE_DIR) -> dict:
    path = release_path(model, release_dir)
    if not path.exists():
        raise SystemExit(f"no released weights for {model!r} at {path}: use --init imagenet")
    state = torch.load(path, map_location="cpu", weights_only=False)
    if state.get("model_name") != model:
        raise SystemExit(f"{path} holds {state.get('model_name')!r}, not {model!r}")
    return state
