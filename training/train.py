"""Train one model on a wall-clock budget, with checkpoints and resume.

The learning rate and the crop size follow the fraction of the budget spent,
not a step count, so a run on a busy shared CPU still ends on time with a fully
decayed learning rate. `python -m training.train --model tiny --minutes 75`.

A run starts from the ImageNet encoder (`--init imagenet`), from the released
model's own weights (`--init shipped`, the float16 checkpoint beside the ONNX
file, so a later run continues improving it), or from any checkpoint path.
Inputs are aged like old prints (training/degrade.py) and half the photos carry
random colour hints from their own colours (training/hints.py).
"""

import argparse
import math
import shutil
import time
from pathlib import Path

import numpy as np
import torch

from training.bins import ColourBins
from training.cache import CACHE_DIR
from training.data import CropSampler, load_cache, sampling_weights, split_indices, unpack
from training.degrade import degrade
from training.hints import empty_hints, sample_hints
from training.loss import RebalancedBinLoss, surface_consistency
from training.models import SPECS, GuidedColorNet, build_model, count_parameters
from training.release import load_release

CHECKPOINTS = Path(__file__).resolve().parent / "checkpoints"
BINS_PATH = CACHE_DIR / "bins.npz"
WARMUP = 0.03  # fraction of the budget spent ramping the learning rate up
FINAL_PHASE = 0.6  # from here on, crops of 104..128 px at 128: the scale the product runs at
ENCODER_LR_SHARE = 0.3  # the pretrained encoder moves slower than the new decoder
# Weight of the surface-consistency term (training/loss.py) beside the cross-entropy
# (about 1.9 at the start; the term itself about 0.1); 0 trains as v2 did.
CONSISTENCY_WEIGHT = 1.0


def colour_bins(photos: np.ndarray, path: Path = BINS_PATH) -> ColourBins:
    """Bins and rebalancing weights from training pixels, computed once, kept by the cache."""
    if path.exists():
        return ColourBins.load(path)
    rng = np.random.default_rng(1)
    train_idx, _ = split_indices(len(photos))
    sample = np.sort(rng.choice(train_idx, size=min(3000, len(train_idx)), replace=False))
    ab = unpack(photos[sample])[:, 1:, ::4, ::4]
    bins = ColourBins.from_training_ab(ab.permute(0, 2, 3, 1).reshape(-1, 2).numpy())
    path.parent.mkdir(parents=True, exist_ok=True)
    bins.save(path)
    return bins


def snapshot_name(minute_mark: float) -> str:
    if float(minute_mark).is_integer():
        return f"min{int(minute_mark):03d}.pt"
    return f"min{minute_mark:g}.pt"


def learning_rate(progress: float, peak: float) -> float:
    if progress < WARMUP:
        return peak * progress / WARMUP
    cosine = 0.5 * (1 + math.cos(math.pi * min(1.0, (progress - WARMUP) / (1 - WARMUP))))
    return peak * (0.01 + 0.99 * cosine)


def validation_loss(net, loss_fn, photos, indices, batch: int = 64) -> float:
    """Automatic colorization of clean held-out photos: the figure hints must not worsen."""
    net.eval()
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(indices), batch):
            lab = unpack(photos[indices[start : start + batch]])
            hints = empty_hints(len(lab), *lab.shape[-2:])
            total += loss_fn(net(lab[:, :1], hints), lab[:, 1:]).item() * len(lab)
    set_training_mode(net)
    return total / len(indices)


def set_training_mode(net: GuidedColorNet) -> None:
    """Train mode, except the frozen encoder stages, whose BatchNorm keeps ImageNet's statistics."""
    net.train()
    for module in net.frozen_modules():
        module.eval()


def initial_weights(net: GuidedColorNet, init: str, model: str) -> str:
    """Load the starting weights named by --init; returns a line for the log."""
    if init == "imagenet":
        return "encoder from ImageNet (efficientnet-" + SPECS[model].encoder + ")"
    state = load_release(model) if init == "shipped" else torch.load(init, weights_only=False)
    weights = state["model"]
    net.load_state_dict({k: v.float() for k, v in weights.items()})
    return f"all weights from {init} ({state.get('elapsed', 0) / 60:.0f} min trained before)"


def optimizer_for(net: GuidedColorNet, lr: float) -> torch.optim.Optimizer:
    for param in net.frozen_parameters():
        param.requires_grad_(False)
    encoder = [p for p in net.encoder.parameters() if p.requires_grad]
    encoder_ids = {id(p) for p in net.encoder.parameters()}
    decoder = [p for p in net.parameters() if id(p) not in encoder_ids]
    return torch.optim.AdamW(
        [
            {"params": encoder, "lr_share": ENCODER_LR_SHARE},
            {"params": decoder, "lr_share": 1.0},
        ],
        lr=lr,
        weight_decay=1e-4,
    )


def save_checkpoint(path: Path, **state) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)  # a crash mid-write never leaves a truncated checkpoint behind


def train(args: argparse.Namespace) -> Path:
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    photos = load_cache(args.cache_dir)
    bins = colour_bins(photos, args.cache_dir / "bins.npz")
    train_idx, val_idx = split_indices(len(photos))
    if args.limit:
        train_idx, val_idx = train_idx[: args.limit], val_idx[: max(8, args.limit // 8)]
    net = build_model(args.model, len(bins.centres))
    loss_fn = RebalancedBinLoss(bins)
    optimizer = optimizer_for(net, args.lr)
    run_dir = args.out / args.model
    run_dir.mkdir(parents=True, exist_ok=True)
    last = run_dir / "last.pt"
    elapsed, step, snapshots_done = 0.0, 0, set()
    if last.exists() and not args.fresh:
        state = torch.load(last, weights_only=False)
        net.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        elapsed, step = state["elapsed"], state["step"]
        snapshots_done = set(state.get("snapshots", []))
        print(f"resumed {last} at step {step}, {elapsed / 60:.1f} min", flush=True)
    else:
        print(initial_weights(net, args.init, args.model), flush=True)
    print(
        f"{args.model}: {count_parameters(net):,} parameters, {len(bins.centres)} bins, "
        f"{len(train_idx)} training photos, budget {args.minutes} min",
        flush=True,
    )
    weights = sampling_weights(args.cache_dir)
    sampler = CropSampler(photos, train_idx, seed=args.seed + step, weights=weights)
    augment_rng = np.random.default_rng(args.seed + 7919 * step + 1)
    budget = args.minutes * 60.0
    last_save = time.monotonic()
    running = None
    set_training_mode(net)
    while elapsed < budget:
        tick = time.monotonic()
        progress = elapsed / budget
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(progress, args.lr) * group["lr_share"]
        if progress < FINAL_PHASE:
            lab = sampler.batch(args.batch, args.crop, min_crop=72)
        else:
            lab = sampler.batch(max(4, args.batch * 3 // 4), 128, min_crop=104)
        lightness = degrade(lab[:, :1], augment_rng)
        hints = sample_hints(lab[:, 1:], augment_rng)
        logits = net(lightness, hints)
        loss = loss_fn(logits, lab[:, 1:])
        if args.consistency:
            loss = loss + args.consistency * surface_consistency(logits, lab[:, :1], lab[:, 1:])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        step += 1
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        elapsed += time.monotonic() - tick
        threads_file = run_dir / "threads"
        if step % 50 == 0 and threads_file.exists():
            # Lets an operator hand this run a freed core without stopping it.
            wanted = int(threads_file.read_text().strip() or args.threads)
            if wanted != torch.get_num_threads():
                torch.set_num_threads(wanted)
                print(f"now on {wanted} threads", flush=True)
        if step % args.log_every == 0:
            print(
                f"step {step} {elapsed / 60:.1f} min lr {optimizer.param_groups[1]['lr']:.2e} "
                f"loss {running:.4f}",
                flush=True,
            )
        minute_mark = int(elapsed // (args.snapshot_every * 60)) * args.snapshot_every
        done = elapsed >= budget
        if (
            done
            or time.monotonic() - last_save > args.save_every * 60
            or (minute_mark > 0 and minute_mark not in snapshots_done)
        ):
            val = validation_loss(net, loss_fn, photos, val_idx[:256])
            print(f"checkpoint step {step} {elapsed / 60:.1f} min val_loss {val:.4f}", flush=True)
            state = {
                "model": net.state_dict(),
                "optimizer": optimizer.state_dict(),
                "model_name": args.model,
                "step": step,
                "elapsed": elapsed,
                "val_loss": val,
                "centres": bins.centres,
                "prior": bins.prior,
                "weights": bins.weights,
            }
            if minute_mark > 0 and minute_mark not in snapshots_done:
                snapshots_done.add(minute_mark)
                state["snapshots"] = sorted(snapshots_done)
                save_checkpoint(last, **state)
                shutil.copyfile(last, run_dir / snapshot_name(minute_mark))
            else:
                state["snapshots"] = sorted(snapshots_done)
                save_checkpoint(last, **state)
            last_save = time.monotonic()
    shutil.copyfile(last, run_dir / "final.pt")
    print(f"finished {args.model} at step {step}, {elapsed / 60:.1f} min", flush=True)
    return run_dir / "final.pt"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", choices=sorted(SPECS), default="tiny")
    parser.add_argument("--minutes", type=float, default=60.0, help="training-time budget")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--crop", type=int, default=96, help="side of the early training crops")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument(
        "--init",
        default="imagenet",
        help="imagenet, shipped (continue the released model) or a checkpoint path",
    )
    parser.add_argument(
        "--consistency",
        type=float,
        default=CONSISTENCY_WEIGHT,
        help="weight of the surface-consistency term (0 to train without it)",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=0, help="use only this many photos")
    parser.add_argument("--save-every", type=float, default=5.0, help="minutes between checkpoints")
    parser.add_argument(
        "--snapshot-every",
        type=float,
        default=15.0,
        help="minutes between kept snapshots (quality vs training time)",
    )
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR)
    parser.add_argument("--out", type=Path, default=CHECKPOINTS)
    parser.add_argument("--fresh", action="store_true", help="ignore an existing checkpoint")
    return parser.parse_args(argv)


if __name__ == "__main__":
    train(parse_args())
