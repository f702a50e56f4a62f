"""The small numpy networks of restore mode: one hidden layer, weights in an .npz file.

Restore mode's restorer, its gate and the photo-kind detector are this small (a few hundred
kilobytes, docs/models/restorer.md), so they run in numpy without a session,
in well under a millisecond, and need no ONNX export.
"""

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from colorizer_site.engine.errors import ModelNotInstalled


@dataclass(frozen=True)
class Network:
    """One hidden layer (tanh) from standardized features to standardized outputs."""

    feature_mean: np.ndarray
    feature_scale: np.ndarray
    hidden_weights: np.ndarray
    hidden_bias: np.ndarray
    output_weights: np.ndarray
    output_bias: np.ndarray
    output_mean: np.ndarray
    output_scale: np.ndarray

    def __call__(self, vector: np.ndarray) -> np.ndarray:
        standard = (vector - self.feature_mean) / self.feature_scale
        hidden = np.tanh(standard @ self.hidden_weights + self.hidden_bias)
        return (
            hidden @ self.output_weights + self.output_bias
        ) * self.output_scale + self.output_mean

    @classmethod
    def load(cls, path: Path, *, what: str) -> "Network":
        """The network stored in `path` (.npz); ModelNotInstalled names `what` needs it."""
        if not path.is_file():
            raise ModelNotInstalled(f"{what} needs its model: {path} is missing.")
        with np.load(path) as stored:
            return cls(**{name: stored[name] for name in cls.__dataclass_fields__})


_lock = threading.Lock()


@cache
def loaded(path: Path, what: str) -> Network:
    """The network in `path`, read once per process; ModelNotInstalled names `what`."""
    with _lock:
        return Network.load(path, what=what)
