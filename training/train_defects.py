"""Train DefectNet on synthetic damage (training/defects.py) on a wall-clock budget, and ship it.

    python -m training.train_defects --minutes 45      # train, checkpoints in checkpoints/defects
    python -m training.train_defects --export PATH.pt  # ONNX + record into the engine's weights

Photos come from the colorizer's decoded cache (their L* only). Each batch is a
random-resized crop, damaged with exact labels; the loss is a weighted binary
cross-entropy plus a soft Dice term, so thin lines (a few hundred pixels of a
photo) weigh as much as the large clean areas. The held-out cache photos give the
validation figures: pixel precision and recall at the shipping threshold, and the
share of pixels marked on undamaged photos, which must stay small.
"""

import argparse
import json
import time
from pathlib import Path

import cv2
import numpy as np
import torch
from torch.nn import functional as F

from training.cache import CACHE_DIR
from training.data import load_cache, split_indices
from training.defect_net import STRIDE, DefectNet, normalize
from training.defects import UNSURE, damage
from training.train import learning_rate, save_checkpoint

CHECKPOINTS = Path(__file__).resolve().parent / "checkpoints" / "defects"
WEIGHTS = Path(__file__).resolve().parents[1] / "colorizer_site" / "engine" / "weights"
SIDE = 128
POS_WEIGHT = 2.0
DICE_WEIGHT = 0.5
THRESHOLD = 0.5  # probability above which a pixel is repaired; tuned by training.evaluate_defects
VALIDATION_PHOTOS = 192
OPSET = 17


def lightness_of(photos: np.ndarray, index: int) -> np.ndarray:
    """float32 L* of one cached photo."""
    return photos[index, 0].astype(np.float32) / 2.55


def sample(photos: np.ndarray, index: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """One random-resized crop of a photo, damaged: (input L*, labels)."""
    lightness = lightness_of(photos, index)
    full = lightness.shape[0]
    crop = int(rng.integers(64, full + 1))
    top, left = rng.integers(0, full - crop + 1, size=2)
    piece = lightness[top : top + crop, left : left + crop]
    if rng.random() < 0.5:
        piece = piece[:, ::-1]
    piece = cv2.resize(np.ascontiguousarray(piece), (SIDE, SIDE), interpolation=cv2.INTER_CUBIC)
    return damage(np.clip(piece, 0, 100), rng)


def batch_of(
    photos: np.ndarray, indices: np.ndarray, size: int, rng: np.random.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    pairs = [sample(photos, int(index), rng) for index in rng.choice(indices, size=size)]
    inputs = torch.from_numpy(np.stack([pair[0] for pair in pairs]))[:, None]
    labels = torch.from_numpy(np.stack([pair[1] for pair in pairs]))[:, None]
    return normalize(inputs), labels


def loss_of(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Weighted cross-entropy plus soft Dice, both blind to UNSURE pixels."""
    target = ((labels > 0) & (labels != UNSURE)).float()
    counted = (labels != UNSURE).float()
    bce = F.binary_cross_entropy_with_logits(
        logits, target, pos_weight=torch.tensor(POS_WEIGHT), weight=counted
    )
    probability = torch.sigmoid(logits) * counted
    overlap = (probability * target).sum()
    dice = 1 - (2 * overlap + 1) / (probability.sum() + target.sum() + 1)
    return bce + DICE_WEIGHT * dice


def validation_set(photos: np.ndarray, indices: np.ndarray) -> tuple[torch.Tensor, ...]:
    """Fixed damage on the held-out photos; every fourth one left undamaged."""
    rng = np.random.default_rng(2024)
    inputs, labels = [], []
    for position, index in enumerate(indices):
        kinds = () if position % 4 == 0 else None
        damaged, label = damage(lightness_of(photos, int(index)), rng, kinds)
        inputs.append(damaged)
        labels.append(label)
    return (
        normalize(torch.from_numpy(np.stack(inputs))[:, None]),
        torch.from_numpy(np.stack(labels))[:, None],
    )


def validate(net: DefectNet, inputs: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
    net.eval()
    with torch.no_grad():
        marked = torch.cat([torch.sigmoid(net(chunk)) > THRESHOLD for chunk in inputs.split(64)])
    net.train()
    damaged, unsure = (labels > 0) & (labels != UNSURE), labels == UNSURE
    true = (marked & damaged).sum().item()
    return {
        "precision": true / max(1, (marked & ~unsure).sum().item()),
        "recall": true / max(1, damaged.sum().item()),
        # Every fourth validation photo is undamaged (validation_set).
        "clean_marked": marked[::4].float().mean().item(),
    }


def train(args: argparse.Namespace) -> Path:
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    photos = load_cache(Path(args.cache))
    train_idx, held_out = split_indices(len(photos))
    inputs, labels = validation_set(photos, held_out[:VALIDATION_PHOTOS])
    net = DefectNet()
    if args.init:
        net.load_state_dict(torch.load(args.init, weights_only=False)["net"])
    optimizer = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    last = out / "last.pt"
    spent, step = 0.0, 0
    if last.exists() and not args.restart:
        state = torch.load(last, weights_only=False)
        net.load_state_dict(state["net"])
        optimizer.load_state_dict(state["optimizer"])
        spent, step = state["spent"], state["step"]
        print(f"resumed at step {step}, {spent / 60:.1f} min spent", flush=True)
    budget = args.minutes * 60.0
    started, saved = time.monotonic() - spent, time.monotonic()
    log = (out / "log.txt").open("a")
    running = 0.0
    while (spent := time.monotonic() - started) < budget:
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(spent / budget, args.lr)
        batch, target = batch_of(photos, train_idx, args.batch, rng)
        loss = loss_of(net(batch), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        step += 1
        running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
        if step % 50 == 0:
            line = f"step {step} min {spent / 60:.1f} loss {running:.4f}"
            if step % 250 == 0:
                figures = validate(net, inputs, labels)
                line += " " + " ".join(f"{key} {value:.4f}" for key, value in figures.items())
            print(line, flush=True)
            log.write(line + "\n")
            log.flush()
        if time.monotonic() - saved > args.save_every * 60:
            save_checkpoint(
                last, net=net.state_dict(), optimizer=optimizer.state_dict(), spent=spent, step=step
            )
            saved = time.monotonic()
    figures = validate(net, inputs, labels)
    line = f"final step {step} min {spent / 60:.1f} " + " ".join(
        f"{key} {value:.4f}" for key, value in figures.items()
    )
    print(line, flush=True)
    log.write(line + "\n")
    final = out / "final.pt"
    save_checkpoint(
        final,
        net=net.state_dict(),
        optimizer=optimizer.state_dict(),
        spent=spent,
        step=step,
        minutes=args.minutes,
        validation=figures,
    )
    save_checkpoint(
        last, net=net.state_dict(), optimizer=optimizer.state_dict(), spent=spent, step=step
    )
    return final


def export(checkpoint: Path, weights: Path = WEIGHTS, threshold: float = THRESHOLD) -> Path:
    """defects.onnx (input `lightness` L*/50-1, output `defect_logits`) and defects.json."""
    state = torch.load(checkpoint, weights_only=False)
    net = DefectNet()
    net.load_state_dict(state["net"])
    net.eval()
    target = weights / "defects.onnx"
    axes = {2: "height", 3: "width"}
    with torch.no_grad():
        torch.onnx.export(
            net,
            (torch.zeros(1, 1, 64, 64),),
            str(target),
            input_names=["lightness"],
            output_names=["defect_logits"],
            dynamic_axes={"lightness": axes, "defect_logits": axes},
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    _check(net, target)
    record = {
        "file": target.name,
        "stride": STRIDE,
        "threshold": threshold,
        "params": sum(p.numel() for p in net.parameters()),
        "training_minutes": state.get("minutes"),
        "training_steps": state.get("step"),
        "validation": state.get("validation"),
    }
    (weights / "defects.json").write_text(json.dumps(record, indent=2) + "\n")
    return target


def _check(net: DefectNet, target: Path) -> None:
    import onnxruntime as ort

    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    sample_input = torch.rand(1, 1, 96, 136) * 2 - 1
    with torch.no_grad():
        want = net(sample_input).numpy()
    got = session.run(None, {"lightness": sample_input.numpy()})[0]
    if got.shape != want.shape or np.abs(got - want).max() > 1e-3:
        raise RuntimeError(f"{target} disagrees with PyTorch")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=45.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=24)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save-every", type=float, default=5.0)
    parser.add_argument("--out", default=str(CHECKPOINTS))
    parser.add_argument("--cache", default=str(CACHE_DIR), help="folder of train_lab.npy")
    parser.add_argument("--restart", action="store_true", help="ignore an existing last.pt")
    parser.add_argument("--init", type=Path, help="start a new run from this checkpoint's weights")
    parser.add_argument("--export", type=Path, help="export this checkpoint and stop")
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    args = parser.parse_args(argv)
    if args.export:
        print(export(args.export, threshold=args.threshold))
        return
    print(train(args))


if __name__ == "__main__":
    main()
