"""The defect network's training data, training loop and export contract."""

import json

import numpy as np
import onnxruntime as ort
import pytest

torch = pytest.importorskip("torch", exc_type=ImportError)

pytestmark = pytest.mark.training

from training import train_defects  # noqa: E402
from training.defect_net import STRIDE, DefectNet, normalize  # noqa: E402
from training.defects import (  # noqa: E402
    KINDS,
    SUBTLE,
    UNSURE,
    VISIBLE,
    damage,
    damage_with_reference,
)


def _scene(side: int = 128) -> np.ndarray:
    rng = np.random.default_rng(3)
    rows = np.linspace(25, 75, side, dtype=np.float32)[:, None]
    scene = np.repeat(rows, side, axis=1) + rng.normal(0, 2, (side, side)).astype(np.float32)
    return np.clip(scene, 0, 100)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_labels_exactly_the_pixels_it_visibly_changed(kind: str) -> None:
    clean = _scene()
    damaged, labels, _ = damage_with_reference(clean, np.random.default_rng(1), (kind,), aged=False)
    change = np.abs(damaged - clean)
    assert KINDS.index(kind) + 1 in labels
    assert np.array_equal((labels > 0) & (labels != UNSURE), change >= VISIBLE)
    assert np.array_equal(labels == UNSURE, (change >= SUBTLE) & (change < VISIBLE))
    assert change[labels == 0].max() < SUBTLE


def test_the_reference_is_the_same_aged_photo_without_the_damage() -> None:
    clean = _scene()
    damaged_photos = 0
    for seed in range(6):
        damaged, labels, reference = damage_with_reference(
            clean, np.random.default_rng(seed), ("crack",)
        )
        undamaged = labels == 0
        if not (labels == KINDS.index("crack") + 1).any():
            continue  # the crack ran outside the frame
        damaged_photos += 1
        # Same aging and grain: apart from the damage (and JPEG blocks near it) they agree.
        assert np.abs(damaged - reference)[undamaged].mean() < 1.0
        assert np.abs(damaged - reference)[(labels > 0) & (labels != UNSURE)].mean() > VISIBLE
    assert damaged_photos >= 3


def test_a_share_of_training_photos_stays_undamaged() -> None:
    rng = np.random.default_rng(0)
    undamaged = sum(not damage(_scene(64), rng)[1].any() for _ in range(80))
    assert 8 <= undamaged <= 36


def test_the_network_keeps_the_photo_size_and_its_loss_falls() -> None:
    torch.manual_seed(0)
    net = DefectNet()
    rng = np.random.default_rng(0)
    pairs = [damage(_scene(64), rng, ("scratch", "dust")) for _ in range(8)]
    inputs = normalize(torch.from_numpy(np.stack([p[0] for p in pairs]))[:, None])
    target = torch.from_numpy(np.stack([p[1] for p in pairs]))[:, None]
    assert net(inputs).shape == inputs.shape
    optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
    losses = []
    for _ in range(25):
        loss = train_defects.loss_of(net(inputs), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0] * 0.8


def test_training_run_checkpoints_and_exports_the_engine_contract(synthetic_cache, tmp_path):
    out = tmp_path / "run"
    args = [
        "--minutes", "0.05", "--threads", "1", "--batch", "4",
        "--cache", str(synthetic_cache), "--out", str(out),
    ]  # fmt: skip
    train_defects.main(args)
    assert (out / "final.pt").exists() and (out / "last.pt").exists()

    weights = tmp_path / "weights"
    weights.mkdir()
    target = train_defects.export(out / "final.pt", weights, threshold=0.6)
    record = json.loads((weights / "defects.json").read_text())
    assert record["file"] == "defects.onnx" and record["threshold"] == 0.6
    assert record["stride"] == STRIDE and record["params"] > 10_000
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["lightness"]
    logits = session.run(None, {"lightness": np.zeros((1, 1, 48, 80), np.float32)})[0]
    assert logits.shape == (1, 1, 48, 80)
