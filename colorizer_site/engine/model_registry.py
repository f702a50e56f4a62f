"""The model registry: which ONNX files exist, how each family is fed, and one
cached ONNX Runtime session per model.

Families (docs/engine.md, "Model registry"):

- `own`: the project's models (docs/models/colorizer.md). v2: inputs "input" [1,1,H,W]
  L* 0..100 and "hints" [1,3,H,W] (a*/s, b*/s, mask), H and W multiples of 32;
  output "logits" [1,Q,H/4,W/4] over ab bins whose centres and hint scale s are
  in the file's metadata ("ab_bins", "hint_scale"), decoded by
  engine.distribution. A graph with a [1,2,H,W] a*b* output also works (no
  vividness, confidence or hints).
- `eccv16`, `siggraph17` (Zhang et al.): the same tensors at a fixed 256x256.
- `ddcolor`: input [1,3,S,S] RGB 0..1 of the grey image, output [1,2,S,S] a*, b*.

Every family gives a*, b* at (a fraction of) the model's working size; the
pipeline upsamples them and merges them with the photo's own full-resolution L*.
"""

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from colorizer_site.engine.color import gray_rgb_of_lightness
from colorizer_site.engine.confidence import calmed
from colorizer_site.engine.distribution import ColourDistribution
from colorizer_site.engine.errors import EngineError, ModelNotInstalled
from colorizer_site.engine.hints import hint_map
from colorizer_site.engine.pooling import coherent
from colorizer_site.engine.surfaces import Surfaces, find_surfaces
from colorizer_site.engine.types import ColourHint, EngineConfig, ModelEntry

FAMILIES = ("own", "eccv16", "siggraph17", "ddcolor")
WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
CATALOG_PATH = Path(__file__).resolve().parent / "catalog.json"
SIDE_MULTIPLE = 16

_sessions: dict[tuple[str, int], ort.InferenceSession] = {}
_sessions_lock = threading.Lock()


class ModelContractError(EngineError):
    """The ONNX file does not take or give the tensors its family promises."""

    code = "model_contract"


def _entry_from_record(name: str, record: Mapping, directory: Path) -> ModelEntry:
    family = record.get("family", "own")
    if family not in FAMILIES:
        raise ValueError(f"model {name!r}: unknown family {family!r}")
    return ModelEntry(
        name=name,
        family=family,
        path=directory / record["file"],
        input_size=int(record.get("input_size", 256)),
        sha256=record.get("sha256", "") or "",
        side_multiple=int(record.get("side_multiple", SIDE_MULTIPLE)),
        temperature=record.get("temperature"),
        calibration=_calibration(record, directory),
    )


def _calibration(record: Mapping, directory: Path) -> tuple[tuple[float, float], ...]:
    """The confidence mapping fitted for this very weights file (training/calibrate.py);
    none when it was fitted for other weights (a re-exported model), so a stale mapping
    never claims to know how right a new network is."""
    calibration = record.get("calibration") or {}
    sha256 = record.get("sha256", "")
    if not calibration or (sha256 and calibration.get("sha256") != sha256):
        return ()
    return tuple((float(raw), float(share)) for raw, share in calibration.get("points", ()))


def bundled_models(weights_dir: Path = WEIGHTS_DIR) -> dict[str, ModelEntry]:
    """The own models described by weights/models.json, named "own-<key>".

    The file maps a key (e.g. "tiny") to {family, file, sha256, input_size,
    params}; a missing file means no bundled models (yet).
    """
    index = weights_dir / "models.json"
    if not index.is_file():
        return {}
    document = json.loads(index.read_text())
    records = document.get("models", document) if isinstance(document, dict) else {}
    entries: dict[str, ModelEntry] = {}
    for key, record in records.items():
        if not isinstance(record, Mapping) or "file" not in record:
            continue
        family = record.get("family", "own")
        name = key if key.startswith(f"{family}-") else f"{family}-{key}"
        entries[name] = _entry_from_record(name, record, weights_dir)
    for key, record in records.items():
        partners = record.get("ensemble_with", ()) if isinstance(record, Mapping) else ()
        if partners:
            name = f"own-{key}"
            members = tuple(entries[f"own-{partner}"] for partner in partners)
            entries[name] = replace(entries[name], partners=members)
    return entries


def catalog_models(models_dir: Path, catalog_path: Path = CATALOG_PATH) -> dict[str, ModelEntry]:
    """Third-party entries of the catalog, pointing where fetch_models puts them."""
    if not catalog_path.is_file():
        return {}
    document = json.loads(catalog_path.read_text())
    return {
        name: _entry_from_record(name, record, models_dir)
        for name, record in document.get("models", {}).items()
    }


def available_models(models_dir: Path, weights_dir: Path = WEIGHTS_DIR) -> dict[str, ModelEntry]:
    """Bundled and third-party entries by name; a third-party file may be absent."""
    return {**catalog_models(models_dir), **bundled_models(weights_dir)}


def choose_models(
    choices: Mapping[str, str], available: Mapping[str, ModelEntry]
) -> dict[str, ModelEntry]:
    """The names users pick ("tiny", "large") mapped to entries, plus every entry
    under its own name, which is what EngineConfig.models holds."""
    chosen = dict(available)
    for public_name, entry_name in choices.items():
        if entry_name not in available:
            known = ", ".join(sorted(available)) or "none"
            raise ModelNotInstalled(
                f"Model {public_name!r} is set to {entry_name!r}, which is not a known model "
                f"(known: {known})."
            )
        chosen[public_name] = available[entry_name]
    return chosen


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def session_options(threads: int) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Spinning threads wait for work by burning CPU; on a worker that shares its
    # cores (web server, other jobs) that made the large model 1.8x slower.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


def session_for(entry: ModelEntry, threads: int) -> ort.InferenceSession:
    """The cached session of `entry`, created (and its checksum verified) on first use."""
    key = (str(entry.path), threads)
    session = _sessions.get(key)
    if session is not None:
        return session
    with _sessions_lock:
        session = _sessions.get(key)
        if session is not None:
            return session
        if not entry.path.is_file():
            raise ModelNotInstalled(
                f"The model {entry.name!r} is not installed (no file at {entry.path}). "
                "Bundled models ship with the code; others come from `manage.py fetch_models`."
            )
        if entry.sha256 and file_sha256(entry.path) != entry.sha256.lower():
            raise ModelNotInstalled(
                f"The file of model {entry.name!r} does not match its sha256; "
                "download it again with `manage.py fetch_models`."
            )
        providers = [
            provider
            for provider in ("CUDAExecutionProvider", "CPUExecutionProvider")
            if provider in ort.get_available_providers()
        ]
        try:
            session = ort.InferenceSession(
                str(entry.path), sess_options=session_options(threads), providers=providers
            )
        except Exception as error:  # onnxruntime raises its own untyped errors
            raise ModelNotInstalled(
                f"The model file of {entry.name!r} could not be loaded: {error}"
            ) from error
        _check_contract(entry, session)
        _sessions[key] = session
        return session


def _check_contract(entry: ModelEntry, session: ort.InferenceSession) -> None:
    inputs, outputs = session.get_inputs(), session.get_outputs()
    channels = 3 if entry.family == "ddcolor" else 1
    shape_in = inputs[0].shape if inputs else []
    shape_out = outputs[0].shape if outputs else []
    if entry.family == "own" and _bin_centres(session) is not None:
        _check_guided_contract(entry, session)
        return
    well_formed = len(inputs) == 1 and len(shape_in) == 4
    if not well_formed or (isinstance(shape_in[1], int) and shape_in[1] != channels):
        raise ModelContractError(
            f"Model {entry.name!r} ({entry.family}) should take one [1,{channels},H,W] tensor; "
            f"it takes {[i.shape for i in inputs]}."
        )
    if len(shape_out) != 4 or (isinstance(shape_out[1], int) and shape_out[1] != 2):
        raise ModelContractError(
            f"Model {entry.name!r} should give a [1,2,H,W] a*b* tensor; it gives {shape_out}."
        )


def _check_guided_contract(entry: ModelEntry, session: ort.InferenceSession) -> None:
    names = {tensor.name: tensor.shape for tensor in session.get_inputs()}
    centres = _bin_centres(session)
    outputs = session.get_outputs()
    if set(names) != {"input", "hints"} or len(outputs) != 1:
        raise ModelContractError(
            f"Model {entry.name!r} should take 'input' and 'hints' and give 'logits'; it takes "
            f"{sorted(names)} and gives {[o.name for o in outputs]}."
        )
    bins = outputs[0].shape[1]
    if centres is None or centres.ndim != 2 or (isinstance(bins, int) and bins != len(centres)):
        raise ModelContractError(
            f"Model {entry.name!r} gives {bins} bins but its metadata lists "
            f"{None if centres is None else len(centres)} bin centres."
        )


def _metadata(session: ort.InferenceSession) -> dict[str, str]:
    return dict(session.get_modelmeta().custom_metadata_map)


def _bin_centres(session: ort.InferenceSession) -> np.ndarray | None:
    text = _metadata(session).get("ab_bins")
    return None if text is None else np.asarray(json.loads(text), dtype=np.float32)


def _fixed_size(session: ort.InferenceSession) -> tuple[int, int] | None:
    height, width = session.get_inputs()[0].shape[2:4]
    if isinstance(height, int) and isinstance(width, int) and height > 0 and width > 0:
        return height, width
    return None


def working_size(
    height: int, width: int, input_size: int, multiple: int = SIDE_MULTIPLE
) -> tuple[int, int]:
    """Aspect-keeping size whose long side is input_size, sides multiples of `multiple`."""
    scale = input_size / max(height, width)

    def side(length: int) -> int:
        return max(multiple, round(length * scale / multiple) * multiple)

    return side(height), side(width)


@dataclass(frozen=True)
class Prediction:
    """What a model said about one photo: a distribution (own v2) or plain a*, b*."""

    working_size: tuple[int, int]
    distribution: ColourDistribution | None = None
    ab: np.ndarray | None = None  # [h, w, 2] when the model gives a*, b* directly
    surfaces: Surfaces | None = None  # the photo's surfaces, when the distribution used them
    unpooled: ColourDistribution | None = None  # the network's own, before engine.pooling
    calibration: tuple[tuple[float, float], ...] = ()  # the model's (engine.confidence)

    def decode(self, temperature: float | None) -> np.ndarray:
        """a*, b* [h, w, 2] float32; `temperature` only matters for a distribution. Large
        plain surfaces whose colour is doubtful come out calm (engine.confidence.calmed)."""
        if self.distribution is None:
            return self.ab
        ab = self.distribution.annealed_mean(1.0 if temperature is None else temperature)
        if self.surfaces is None:
            return ab
        return calmed(ab, self.distribution, self.surfaces, self.calibration)


def takes_hints(entry: ModelEntry, config: EngineConfig) -> bool:
    session = session_for(entry, config.threads)
    return any(tensor.name == "hints" for tensor in session.get_inputs())


def _model_size(session, entry: ModelEntry, height: int, width: int) -> tuple[int, int]:
    fixed = _fixed_size(session)
    if fixed is not None:
        return fixed
    if entry.family == "own":
        return working_size(height, width, entry.input_size, entry.side_multiple)
    return (entry.input_size, entry.input_size)


def predict(
    lightness: np.ndarray,
    entry: ModelEntry,
    config: EngineConfig,
    hints: tuple[ColourHint, ...] = (),
) -> Prediction:
    """Run the model on a full-size L* resized to its working size."""
    session = session_for(entry, config.threads)
    height, width = lightness.shape
    size = _model_size(session, entry, height, width)
    small = _resized(lightness, size)
    centres = _bin_centres(session) if entry.family == "own" else None
    if centres is None:
        return Prediction(working_size=size, ab=_predict_ab_at(small, session, entry))
    scale = float(_metadata(session).get("hint_scale", "110"))
    feed = {
        "input": np.ascontiguousarray(small[None, None], dtype=np.float32),
        "hints": hint_map(hints, (height, width), size, scale),
    }
    logits = _logits(session, feed, entry, len(centres))
    if entry.partners:
        # A geometric mean of the members' distributions: averaged log-probabilities.
        members = [logits] + [
            _logits(session_for(partner, config.threads), feed, partner, len(centres))
            for partner in entry.partners
        ]
        logits = np.mean([_log_softmax(member) for member in members], axis=0)
    surfaces = find_surfaces(lightness)
    raw = ColourDistribution(logits, centres)
    distribution = coherent(raw, surfaces, keep=feed["hints"][0, 2])
    return Prediction(working_size=size, distribution=distribution, surfaces=surfaces, unpooled=raw)


def _logits(session: ort.InferenceSession, feed: dict, entry: ModelEntry, bins: int) -> np.ndarray:
    (logits,) = session.run(None, feed)
    if logits.ndim != 4 or logits.shape[:2] != (1, bins):
        raise ModelContractError(
            f"Model {entry.name!r} returned a {list(logits.shape)} tensor, not [1,{bins},h,w]."
        )
    return logits[0]


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def _resized(lightness: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    height, width = lightness.shape
    # INTER_AREA averages when shrinking but degrades to nearest-neighbour when a
    # small photo is enlarged to the model's size; bilinear is right for that.
    shrinking = size[0] * size[1] < height * width
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    return cv2.resize(lightness, (size[1], size[0]), interpolation=interpolation)


def predict_ab(lightness: np.ndarray, entry: ModelEntry, config: EngineConfig) -> np.ndarray:
    """a*, b* (float32) predicted from a full-size L*, at the model's default decoding."""
    return predict(lightness, entry, config).decode(entry.temperature)


def _predict_ab_at(
    small: np.ndarray, session: ort.InferenceSession, entry: ModelEntry
) -> np.ndarray:
    if entry.family == "ddcolor":
        tensor = gray_rgb_of_lightness(small).transpose(2, 0, 1)[None]
    else:
        tensor = small[None, None]
    feed = {session.get_inputs()[0].name: np.ascontiguousarray(tensor, dtype=np.float32)}
    output = session.run([session.get_outputs()[0].name], feed)[0]
    if output.ndim != 4 or output.shape[:2] != (1, 2):
        raise ModelContractError(
            f"Model {entry.name!r} returned a {list(output.shape)} tensor, not [1,2,H,W]."
        )
    return np.ascontiguousarray(output[0].transpose(1, 2, 0), dtype=np.float32)


def forget_sessions() -> None:
    """Drop the cached sessions (a model file was replaced)."""
    with _sessions_lock:
        _sessions.clear()
