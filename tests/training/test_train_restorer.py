"""Restore mode's training (training/train_restorer.py) on a small synthetic cache: the
pairs, both fits, and weights the engine's small networks load and run."""

from __future__ import annotations

import numpy as np
import pytest

from colorizer_site.engine.photo_kind import KINDS
from colorizer_site.engine.photo_stats import QUANTILES, features, restorer_features
from colorizer_site.engine.small_network import Network
from training import gate_table, small_nets, train_restorer
from training.data import load_cache

pytestmark = pytest.mark.training


def test_pairs_fits_and_saved_weights_work_in_the_engine(synthetic_cache, tmp_path):
    cache = load_cache(synthetic_cache)
    rng = np.random.default_rng(0)
    train = train_restorer.make_pairs(cache, np.arange(48), rng)
    valid = train_restorer.make_pairs(cache, np.arange(48, 64), np.random.default_rng(1))
    small = train_restorer.clean_rgb(cache[0])
    assert train["inputs"].shape == (48, len(restorer_features(small)))
    assert train["targets"].shape == (48, 3 * len(QUANTILES) + 1)
    assert set(train["conditions"]) <= set(train_restorer.CONDITIONS)

    restorer = train_restorer.fit_restorer(train, valid, rng, epochs=3)
    path = tmp_path / "restorer.npz"
    np.savez(path, **{name: value.astype(np.float32) for name, value in restorer.items()})
    output = Network.load(path, what="test")(restorer_features(small))
    assert output.shape == (3 * len(QUANTILES) + 1,) and np.isfinite(output).all()

    gate = train_restorer.fit_gate(train, valid, rng, epochs=3)
    path = tmp_path / "restore_gate.npz"
    small_nets.save_weights(path, gate)
    assert Network.load(path, what="test")(restorer_features(small)).shape == (2,)
    assert set(train_restorer.faded_classes(train)) <= {0, 1}

    kinds = train_restorer.make_detector_set(cache, np.arange(12), rng)
    assert sorted(set(kinds["kinds"])) == list(range(len(KINDS)))
    detector = train_restorer.fit_detector(kinds, kinds, rng, epochs=3)
    path = tmp_path / "photo_kind.npz"
    np.savez(path, **{name: value.astype(np.float32) for name, value in detector.items()})
    assert Network.load(path, what="test")(features(small)).shape == (len(KINDS),)


def test_a_tile_pair_is_the_same_window_of_both_photos():
    rng = np.random.default_rng(3)
    clean = rng.random((60, 90, 3)).astype(np.float32)
    faded = clean * 0.5
    for _ in range(20):
        tile_clean, tile_faded = train_restorer.tile_of(clean, faded, rng)
        assert tile_clean.shape == tile_faded.shape
        assert tile_clean.shape in ((60, 90, 3), (40, 60, 3))
        assert np.allclose(tile_faded, tile_clean * 0.5)


def test_cross_entropy_gradient_matches_a_finite_difference():
    rng = np.random.default_rng(5)
    logits, classes = rng.normal(size=(4, 3)), np.array([0, 2, 1, 2])
    _, gradient = small_nets.cross_entropy(logits, classes)
    nudged = logits.copy()
    nudged[1, 2] += 1e-5
    numeric = (
        small_nets.cross_entropy(nudged, classes)[0] - small_nets.cross_entropy(logits, classes)[0]
    ) / 1e-5
    assert abs(numeric - gradient[1, 2]) < 1e-4


def test_the_gate_table_scores_every_rule_from_restorations_at_five_strengths(synthetic_cache):
    cache = load_cache(synthetic_cache)
    photos = [
        np.clip(np.rint(train_restorer.clean_rgb(cache[index]) * 255), 0, 255).astype(np.uint8)
        for index in range(2)
    ]
    rows = gate_table.measure(photos)
    assert rows and all(len(row["distances"]) == len(gate_table.STRENGTHS) for row in rows)
    assert all(0.0 <= row["gate"] <= 1.0 for row in rows)

    table = gate_table.rule_table(rows)
    assert set(table) == set(gate_table.RULES)
    assert {row["condition"] for row in rows} >= {"none", "cyan_loss"}
    # Restoring nothing leaves a good photo exactly as it was; a cast is worth removing.
    assert table["not at all"]["good"] == 0.0
    assert table["all the way"]["faded"] < table["not at all"]["faded"]
    assert all(
        0.0 <= good <= 1.0 and 0.0 <= faded <= 1.0
        for good, faded in gate_table.call_table(rows).values()
    )
