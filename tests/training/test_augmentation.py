"""Old-photo degradations and colour hints: what the training batches are made of."""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="needs the train extra: make test EXTRAS=test,train")

pytestmark = pytest.mark.training

from training.degrade import CLEAN_SHARE, degrade  # noqa: E402
from training.encoder import EfficientNetLite, load_pretrained_state  # noqa: E402
from training.hints import NO_HINT_SHARE, sample_hints  # noqa: E402
from training.models import HINT_SCALE, gray_srgb_of_lightness  # noqa: E402


def _photos(batch: int = 64, side: int = 64) -> torch.Tensor:
    rows = torch.linspace(10, 90, side)[:, None].expand(side, side)
    return rows.expand(batch, 1, side, side).clone()


def test_degraded_lightness_stays_in_range_and_most_photos_change():
    clean = _photos()
    aged = degrade(clean, np.random.default_rng(0))
    assert aged.shape == clean.shape
    assert float(aged.min()) >= 0.0 and float(aged.max()) <= 100.0
    changed = (aged - clean).abs().mean(dim=(1, 2, 3)) > 0.5
    # About three in four photos are aged; the rest stay clean gray conversions.
    assert 0.55 < changed.float().mean() < 0.95
    assert (~changed).sum() >= 0.5 * CLEAN_SHARE * len(clean)


def test_degradation_is_reproducible_from_its_seed():
    clean = _photos(8)
    first = degrade(clean, np.random.default_rng(3))
    second = degrade(clean, np.random.default_rng(3))
    assert torch.equal(first, second)


def test_hints_carry_the_true_colour_under_their_mask():
    ab = torch.zeros(40, 2, 32, 32)
    ab[:, 0], ab[:, 1] = 30.0, -20.0  # one colour everywhere: every hint must say it
    hints = sample_hints(ab, np.random.default_rng(1))
    mask = hints[:, 2] > 0
    assert torch.allclose(hints[:, 0][mask], torch.tensor(30.0 / HINT_SCALE))
    assert torch.allclose(hints[:, 1][mask], torch.tensor(-20.0 / HINT_SCALE))
    assert (hints[:, :2][~mask.unsqueeze(1).expand(-1, 2, -1, -1)] == 0).all()
    without = (~mask.flatten(1).any(dim=1)).float().mean()
    assert abs(float(without) - NO_HINT_SHARE) < 0.25


def test_gray_conversion_matches_srgb_for_black_mid_gray_and_white():
    lightness = torch.tensor([0.0, 53.585, 100.0])
    assert torch.allclose(
        gray_srgb_of_lightness(lightness), torch.tensor([0.0, 0.5, 1.0]), atol=2e-3
    )


def test_encoder_takes_every_pretrained_weight_and_gives_four_scales():
    state = load_pretrained_state("lite0")
    encoder = EfficientNetLite(state)
    result = encoder.load_state_dict(state, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    taps, head = encoder.eval()(torch.zeros(1, 3, 128, 96))
    assert [tuple(t.shape[-2:]) for t in taps] == [(32, 24), (16, 12), (8, 6), (4, 3)]
    assert head.shape[1] == 1280
