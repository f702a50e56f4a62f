"""Model registry and family adapters, run against real ONNX graphs of each contract."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from colorizer_site.engine import model_registry
from colorizer_site.engine.errors import ModelNotInstalled
from colorizer_site.engine.types import EngineConfig, ModelEntry
from tests.engine.conftest import A_SLOPE, B_VALUE, ddcolor_graph, own_graph, zhang_graph


def _lightness(height: int, width: int) -> np.ndarray:
    return np.tile(np.linspace(0, 100, width, dtype=np.float32), (height, 1))


def test_own_family_keeps_the_aspect_in_multiples_of_16(own_entry: ModelEntry) -> None:
    config = EngineConfig(models={}, threads=1)
    ab = model_registry.predict_ab(_lightness(300, 500), own_entry, config)

    # input_size 64: long side 64, short side 300 * 64 / 500 = 38.4 -> 32 or 48.
    assert ab.shape[1] == 64 and ab.shape[0] % 16 == 0 and ab.shape[2] == 2
    small_l = np.linspace(0, 100, 64)
    assert np.allclose(ab[0, :, 0], A_SLOPE * (small_l - 50), atol=1.0)
    assert np.allclose(ab[..., 1], B_VALUE)


@pytest.mark.parametrize("family", ["eccv16", "siggraph17"])
def test_zhang_families_get_a_fixed_square_input(model_dir: Path, family: str) -> None:
    entry = ModelEntry(
        name=family, family=family, path=zhang_graph(model_dir / f"{family}.onnx"), input_size=256
    )
    lightness = np.full((120, 200), 40.0, np.float32)
    ab = model_registry.predict_ab(lightness, entry, EngineConfig(models={}, threads=1))
    assert ab.shape == (256, 256, 2)
    assert np.allclose(ab[..., 0], 8.0, atol=1e-3) and np.allclose(ab[..., 1], -10.0)


def test_ddcolor_gets_grey_rgb_of_the_lightness(model_dir: Path) -> None:
    entry = ModelEntry(
        name="ddcolor-tiny",
        family="ddcolor",
        path=ddcolor_graph(model_dir / "dd.onnx", 64),
        input_size=64,
    )
    lightness = np.full((50, 80), 53.59, np.float32)  # sRGB grey 128
    ab = model_registry.predict_ab(lightness, entry, EngineConfig(models={}, threads=1))
    assert ab.shape == (64, 64, 2)
    # a* = 40 (R - B) is zero only for neutral input; b* = 30 G reads back the grey level.
    assert np.abs(ab[..., 0]).max() < 1e-4
    assert np.allclose(ab[..., 1], 30 * 128 / 255, atol=0.1)


def test_a_graph_breaking_its_family_contract_is_reported(model_dir: Path) -> None:
    wrong = ModelEntry(
        name="mislabelled",
        family="ddcolor",
        path=own_graph(model_dir / "own.onnx"),
        input_size=64,
    )
    with pytest.raises(model_registry.ModelContractError, match=r"\[1,3,H,W\]"):
        model_registry.session_for(wrong, 1)


def test_missing_model_file_raises_model_not_installed(model_dir: Path) -> None:
    entry = ModelEntry(name="eccv16", family="eccv16", path=model_dir / "nope.onnx", input_size=256)
    with pytest.raises(ModelNotInstalled, match="fetch_models"):
        model_registry.session_for(entry, 1)


def test_checksum_mismatch_is_refused(own_entry: ModelEntry) -> None:
    tampered = ModelEntry(
        name="own-tampered", family="own", path=own_entry.path, input_size=64, sha256="0" * 64
    )
    with pytest.raises(ModelNotInstalled, match="sha256"):
        model_registry.session_for(tampered, 3)
    good = ModelEntry(
        name="own-good",
        family="own",
        path=own_entry.path,
        input_size=64,
        sha256=model_registry.file_sha256(own_entry.path),
    )
    assert model_registry.session_for(good, 3) is not None


def test_not_a_model_file_is_not_installed(model_dir: Path) -> None:
    junk = model_dir / "junk.onnx"
    junk.write_bytes(b"this is not protobuf")
    entry = ModelEntry(name="junk", family="own", path=junk, input_size=64)
    with pytest.raises(ModelNotInstalled, match="could not be loaded"):
        model_registry.session_for(entry, 1)


def test_sessions_are_created_once_even_under_concurrent_first_use(model_dir: Path) -> None:
    model_registry.forget_sessions()
    entry = ModelEntry(
        name="own-race", family="own", path=own_graph(model_dir / "race.onnx"), input_size=64
    )
    sessions: list[object] = []
    start = threading.Barrier(6)

    def use() -> None:
        start.wait()
        sessions.append(model_registry.session_for(entry, 2))

    threads = [threading.Thread(target=use) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sessions) == 6 and all(session is sessions[0] for session in sessions)
    options = sessions[0].get_session_options()
    assert options.intra_op_num_threads == 2


def test_bundled_models_are_read_from_models_json(tmp_path: Path) -> None:
    own_graph(tmp_path / "tiny.onnx")
    (tmp_path / "models.json").write_text(
        json.dumps(
            {
                "tiny": {
                    "family": "own",
                    "file": "tiny.onnx",
                    "sha256": "",
                    "input_size": 192,
                    "params": 123,
                },
                "large": {"family": "own", "file": "large.onnx", "sha256": "ab", "input_size": 320},
            }
        )
    )
    entries = model_registry.bundled_models(tmp_path)
    assert set(entries) == {"own-tiny", "own-large"}
    assert entries["own-tiny"].input_size == 192 and entries["own-tiny"].path.is_file()
    assert entries["own-large"].sha256 == "ab"


def test_catalog_entries_join_and_user_names_map_onto_entries(tmp_path: Path) -> None:
    weights = tmp_path / "weights"
    weights.mkdir()
    (weights / "models.json").write_text(
        json.dumps({"models": {"tiny": {"file": "tiny.onnx", "input_size": 128}}})
    )
    catalog = tmp_path / "catalog.json"
    catalog.write_text(
        json.dumps(
            {"models": {"eccv16": {"family": "eccv16", "file": "e.onnx", "input_size": 256}}}
        )
    )
    available = {
        **model_registry.catalog_models(tmp_path / "fetched", catalog),
        **model_registry.bundled_models(weights),
    }
    chosen = model_registry.choose_models({"tiny": "own-tiny", "large": "eccv16"}, available)
    assert chosen["tiny"].name == "own-tiny"
    assert chosen["large"].family == "eccv16"
    assert chosen["large"].path == tmp_path / "fetched" / "e.onnx"
    with pytest.raises(ModelNotInstalled, match="not a known model"):
        model_registry.choose_models({"large": "ddcolor-huge"}, available)


def test_the_shipped_catalog_describes_every_third_party_family() -> None:
    entries = model_registry.catalog_models(Path("/nonexistent"))
    assert {entry.family for entry in entries.values()} >= {"eccv16", "siggraph17", "ddcolor"}
    assert {"ddcolor-tiny", "ddcolor-large"} <= set(entries)


def test_working_size_rounds_to_multiples_of_16() -> None:
    assert model_registry.working_size(1000, 1000, 256) == (256, 256)
    assert model_registry.working_size(3000, 4000, 256) == (192, 256)
    assert model_registry.working_size(10, 4000, 256) == (16, 256)
