"""Fixtures of the web tests: a model that takes colour pins, and a real worker process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test.utils import override_settings

from tests.jobs.conftest import submit  # noqa: F401  (jobs with real files, for page tests)


@pytest.fixture(scope="session")
def guided_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.engine.conftest import guided_graph, own_graph

    folder = tmp_path_factory.mktemp("guided-models")
    guided_graph(folder / "web-guided.onnx")
    own_graph(folder / "web-plain.onnx")
    return folder


@pytest.fixture
def guided_models(guided_models_dir: Path) -> Iterator[None]:
    """tiny: the engine tests' guided graph (v2 contract: colour bins and pins, known
    answers); large: a v1-contract graph that takes no pins. Instant, and independent of
    how far the bundled models have been trained."""
    with override_settings(
        COLORIZER_MODELS_DIR=guided_models_dir,
        COLORIZER_MODEL_CHOICES={"tiny": "web-guided", "large": "web-plain"},
    ):
        yield


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[object]:
    """`manage.py run_worker` in its own process, as `make run` starts it."""
    from tests.jobs import worker_process

    with override_settings(TASKS=worker_process.DATABASE_BACKEND):
        process = worker_process.start_worker(tmp_path / "worker.log")
        yield process
        worker_process.stop(process)
