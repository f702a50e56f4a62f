"""The small one-hidden-layer numpy networks of restore mode, and how they are fitted.

The engine runs them with colorizer_site/engine/small_network.py; training/train_restorer.py
fits them here: Adam on mean squared error (the restorer) or cross-entropy (the gate
and the photo-kind detector), inputs standardized with the training set's statistics.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


class Adam:
    def __init__(self, params: dict[str, np.ndarray], rate: float) -> None:
        self.params, self.rate, self.step = params, rate, 0
        self.first = {k: np.zeros_like(v) for k, v in params.items()}
        self.second = {k: np.zeros_like(v) for k, v in params.items()}

    def update(self, grads: dict[str, np.ndarray]) -> None:
        self.step += 1
        for name, grad in grads.items():
            self.first[name] = 0.9 * self.first[name] + 0.1 * grad
            self.second[name] = 0.999 * self.second[name] + 0.001 * grad**2
            first = self.first[name] / (1 - 0.9**self.step)
            second = self.second[name] / (1 - 0.999**self.step)
            self.params[name] -= self.rate * first / (np.sqrt(second) + 1e-8)


def standardizer(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return values.mean(axis=0), np.maximum(values.std(axis=0), 1e-4)


def mean_squared_error(outputs: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    error = outputs - targets
    return float((error**2).mean()), 2 * error / error.size


def cross_entropy(logits: np.ndarray, classes: np.ndarray) -> tuple[float, np.ndarray]:
    logits = logits - logits.max(axis=1, keepdims=True)
    probability = np.exp(logits)
    probability /= probability.sum(axis=1, keepdims=True)
    picked = probability[np.arange(len(classes)), classes]
    gradient = probability.copy()
    gradient[np.arange(len(classes)), classes] -= 1.0
    return float(-np.log(np.maximum(picked, 1e-12)).mean()), gradient / len(classes)


def fit_network(
    x: np.ndarray,
    y: np.ndarray,
    loss,
    hidden: int,
    epochs: int,
    rng: np.random.Generator,
    report,
) -> dict:
    """One tanh hidden layer from x to y, fitted with Adam on `loss` (mean squared error
    or cross-entropy: value and gradient); `report(params)` prints held-out figures."""
    features_count = x.shape[1]
    outputs = y.shape[1] if y.ndim == 2 else int(y.max()) + 1
    params = {
        "hidden_weights": rng.normal(0, 1 / np.sqrt(features_count), (features_count, hidden)),
        "hidden_bias": np.zeros(hidden),
        "output_weights": rng.normal(0, 0.1 / np.sqrt(hidden), (hidden, outputs)),
        "output_bias": np.zeros(outputs),
    }
    optimizer = Adam(params, 2e-3)
    for epoch in range(epochs):
        if epoch == int(epochs * 0.7):
            optimizer.rate /= 5
        order = rng.permutation(len(x))
        for start in range(0, len(x), 256):
            batch = order[start : start + 256]
            hidden_out = np.tanh(x[batch] @ params["hidden_weights"] + params["hidden_bias"])
            _, d_out = loss(hidden_out @ params["output_weights"] + params["output_bias"], y[batch])
            d_hidden = (d_out @ params["output_weights"].T) * (1 - hidden_out**2)
            optimizer.update(
                {
                    "output_weights": hidden_out.T @ d_out + 1e-4 * params["output_weights"],
                    "output_bias": d_out.sum(axis=0),
                    "hidden_weights": x[batch].T @ d_hidden + 1e-4 * params["hidden_weights"],
                    "hidden_bias": d_hidden.sum(axis=0),
                }
            )
        if epoch % 10 == 0 or epoch == epochs - 1:
            report(epoch, params)
    return params


def forward(params: dict, x: np.ndarray) -> np.ndarray:
    hidden = np.tanh(x @ params["hidden_weights"] + params["hidden_bias"])
    return hidden @ params["output_weights"] + params["output_bias"]


def fit_classifier(
    x: np.ndarray,
    classes: np.ndarray,
    valid: tuple[np.ndarray, np.ndarray],
    rng: np.random.Generator,
    epochs: int,
    name: str,
) -> dict:
    """One hidden layer (64) and a softmax from x to integer classes, with cross-entropy
    (Adam); the accuracy on `valid` (inputs, classes) is printed as it goes."""
    x_mean, x_scale = standardizer(x)
    xv = (valid[0] - x_mean) / x_scale

    def report(epoch: int, params: dict) -> None:
        accuracy = (np.argmax(forward(params, xv), axis=1) == valid[1]).mean()
        print(f"  {name} epoch {epoch}: held-out accuracy {accuracy:.3f}", flush=True)

    params = fit_network((x - x_mean) / x_scale, classes, cross_entropy, 64, epochs, rng, report)
    count = int(classes.max()) + 1
    return {
        "feature_mean": x_mean,
        "feature_scale": x_scale,
        "output_mean": np.zeros(count),
        "output_scale": np.ones(count),
        **params,
    }


def save_weights(path: Path, weights: dict[str, np.ndarray]) -> None:
    np.savez(path, **{name: value.astype(np.float32) for name, value in weights.items()})
