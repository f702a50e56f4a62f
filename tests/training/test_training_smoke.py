"""Training learns on synthetic photos, checkpoints, resumes, warm-starts and exports."""

import json

import numpy as np
import onnxruntime as ort
import pytest

# Training needs the `train` extra (PyTorch); CI installs it, and under CI a skip fails.
torch = pytest.importorskip("torch", reason="needs the train extra: make test EXTRAS=test,train")

pytestmark = pytest.mark.training

from training import train as train_module  # noqa: E402
from training.bins import ColourBins, soft_encode  # noqa: E402
from training.data import CropSampler, load_cache, split_indices  # noqa: E402
from training.export import check_onnx, export_onnx  # noqa: E402
from training.hints import empty_hints  # noqa: E402
from training.loss import RebalancedBinLoss  # noqa: E402
from training.models import SPECS, ShippedColorizer, build_model, count_parameters  # noqa: E402
from training.release import save_release  # noqa: E402

# Both model files must stay under 40 MB as float32 (docs/models/colorizer.md).
MAX_PARAMETERS = 10_000_000


def test_loss_goes_down_on_synthetic_photos(synthetic_cache):
    torch.manual_seed(0)
    photos = load_cache(synthetic_cache)
    bins = train_module.colour_bins(photos, synthetic_cache / "bins.npz")
    train_idx, _ = split_indices(len(photos))
    sampler = CropSampler(photos, train_idx, seed=0)
    net = build_model("tiny", len(bins.centres))
    loss_fn = RebalancedBinLoss(bins)
    optimizer = train_module.optimizer_for(net, 3e-3)
    train_module.set_training_mode(net)
    fixed = sampler.batch(8, 64)
    hints = empty_hints(8, 64, 64)
    losses = []
    for _ in range(10):
        loss = loss_fn(net(fixed[:, :1], hints), fixed[:, 1:])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert np.mean(losses[-3:]) < 0.8 * np.mean(losses[:3])


def test_frozen_encoder_stages_keep_their_imagenet_weights(synthetic_cache):
    photos = load_cache(synthetic_cache)
    bins = train_module.colour_bins(photos, synthetic_cache / "bins.npz")
    net = build_model("tiny", len(bins.centres))
    optimizer = train_module.optimizer_for(net, 1e-2)
    train_module.set_training_mode(net)
    stem_before = net.encoder._conv_stem.weight.detach().clone()
    head_before = net.head.weight.detach().clone()
    lab = CropSampler(photos, np.arange(8), seed=1).batch(4, 64)
    loss = RebalancedBinLoss(bins)(net(lab[:, :1], empty_hints(4, 64, 64)), lab[:, 1:])
    loss.backward()
    optimizer.step()
    assert torch.equal(net.encoder._conv_stem.weight, stem_before)
    assert not torch.equal(net.head.weight, head_before)


def test_soft_targets_are_distributions_centred_on_the_true_colour():
    bins = ColourBins.from_training_ab(np.random.default_rng(0).normal(0, 20, (2000, 2)))
    centres = torch.from_numpy(bins.centres)
    # Two pixels: (a, b) = (12, -31) and (0, 0).
    ab = torch.tensor([[[12.0], [0.0]], [[-31.0], [0.0]]]).unsqueeze(0)
    soft, nearest = soft_encode(ab, centres)
    assert torch.allclose(soft.sum(dim=1), torch.ones(1, 2, 1))
    assert (soft > 0).sum(dim=1).eq(5).all()
    assert centres[nearest[0, 0, 0]].tolist() == [10.0, -30.0]
    # The expected colour of the soft target lies close to the true colour.
    expected = torch.einsum("q,qc->c", soft[0, :, 0, 0], centres)
    assert torch.dist(expected, torch.tensor([12.0, -31.0])) < 3.0


def test_rebalancing_favours_rare_colours():
    rng = np.random.default_rng(0)
    ab = np.concatenate([rng.normal(0, 3, (5000, 2)), rng.normal([60, 60], 3, (50, 2))])
    bins = ColourBins.from_training_ab(ab.astype(np.float32))
    grey = np.argmin(np.abs(bins.centres).sum(1))
    vivid = np.argmin(np.abs(bins.centres - [60, 60]).sum(1))
    assert bins.weights[vivid] > 3 * bins.weights[grey]
    assert np.isclose((bins.prior * bins.weights).sum(), 1.0, atol=1e-4)


def _train_argv(cache, out, minutes: str, *extra: str) -> list[str]:
    return [
        "--model",
        "tiny",
        "--minutes",
        minutes,
        "--batch",
        "4",
        "--crop",
        "32",
        "--threads",
        "1",
        "--cache-dir",
        str(cache),
        "--out",
        str(out),
        "--log-every",
        "1000",
        "--snapshot-every",
        "0.02",
        *extra,
    ]


def test_train_writes_checkpoints_and_resumes(synthetic_cache, tmp_path):
    out = tmp_path / "checkpoints"
    final = train_module.train(train_module.parse_args(_train_argv(synthetic_cache, out, "0.05")))
    first = torch.load(final, weights_only=False)
    assert first["step"] > 0 and np.isfinite(first["val_loss"])
    assert (out / "tiny" / "min0.02.pt").exists()  # snapshots for quality vs training time
    resumed = train_module.train(train_module.parse_args(_train_argv(synthetic_cache, out, "0.1")))
    second = torch.load(resumed, weights_only=False)
    assert second["step"] > first["step"]
    assert second["elapsed"] >= 0.1 * 60


def test_a_new_run_can_start_from_the_released_weights(synthetic_cache, tmp_path):
    out = tmp_path / "first"
    final = train_module.train(train_module.parse_args(_train_argv(synthetic_cache, out, "0.03")))
    release = save_release(torch.load(final, weights_only=False), "tiny", tmp_path / "release")
    released = torch.load(release, weights_only=False)
    assert all(
        v.dtype == torch.float16 for v in released["model"].values() if v.is_floating_point()
    )
    assert "optimizer" not in released  # compact: weights, bins and the training record only

    net = build_model("tiny", len(released["centres"]), pretrained=False)
    line = train_module.initial_weights(net, str(release), "tiny")
    assert "all weights from" in line
    head = released["model"]["head.weight"].float()
    assert torch.allclose(net.head.weight, head)

    warm = train_module.train(
        train_module.parse_args(
            _train_argv(synthetic_cache, tmp_path / "second", "0.03", "--init", str(release))
        )
    )
    assert torch.load(warm, weights_only=False)["step"] > 0


def test_model_sizes_stay_within_the_product_limits():
    assert count_parameters(build_model("tiny", 261)) <= MAX_PARAMETERS
    assert count_parameters(build_model("large", 261)) <= MAX_PARAMETERS
    assert count_parameters(build_model("tiny", 261)) < count_parameters(build_model("large", 261))
    assert set(SPECS) == {"tiny", "large"}


def test_export_has_the_engine_contract(tmp_path):
    centres = ColourBins.from_training_ab(
        np.random.default_rng(0).normal(0, 30, (3000, 2)).astype(np.float32)
    ).centres
    colorizer = ShippedColorizer(build_model("tiny", len(centres))).eval()
    target = tmp_path / "tiny.onnx"
    export_onnx(colorizer, centres, target)  # raises if ONNX Runtime and PyTorch disagree
    check_onnx(colorizer, target)
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["input", "hints"]
    assert [o.name for o in session.get_outputs()] == ["logits"]
    metadata = session.get_modelmeta().custom_metadata_map
    assert np.allclose(json.loads(metadata["ab_bins"]), centres, atol=1e-3)
    assert float(metadata["hint_scale"]) == 110.0
    feed = {
        "input": np.full((1, 1, 64, 96), 50, np.float32),
        "hints": np.zeros((1, 3, 64, 96), np.float32),
    }
    (logits,) = session.run(None, feed)
    assert logits.shape == (1, len(centres), 16, 24)
