"""Fixtures for the jobs tests: photos of any size and a submit helper."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest


def photo_bytes(
    width: int = 320, height: int = 240, *, fmt: str = "JPEG", mode: str = "L"
) -> bytes:
    """A real image with a gradient and shapes, encoded by Pillow."""
    from PIL import Image, ImageDraw

    image = Image.linear_gradient("L").resize((width, height)).convert(mode)
    draw = ImageDraw.Draw(image)
    light, dark = (200, 40) if mode == "L" else ((200, 200, 200), (40, 40, 40))
    draw.ellipse((width // 8, height // 8, width // 2, height // 2), fill=light)
    draw.rectangle((width // 2, height // 3, width - width // 8, height - height // 8), fill=dark)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def make_photo() -> Callable[..., bytes]:
    return photo_bytes


@pytest.fixture
def submit(django_capture_on_commit_callbacks: Any, gray_photo_jpeg: bytes) -> Callable[..., Any]:
    """submit(owner, image=..., run=True, **options) -> the job, reloaded.

    With run=True the on-commit enqueue fires and the ImmediateBackend runs the
    job before this returns, as the worker would.
    """
    from colorizer_site.jobs import services
    from colorizer_site.jobs.options import JobOptions

    def do_submit(
        owner: Any, *, image: bytes | None = None, run: bool = True, **kwargs: Any
    ) -> Any:
        option_names = {"model", "clean_scratches", "face_remaster", "output_format"}
        options = JobOptions(
            **{"model": "tiny", **{k: v for k, v in kwargs.items() if k in option_names}}
        )
        extra = {k: v for k, v in kwargs.items() if k not in option_names}
        with django_capture_on_commit_callbacks(execute=run):
            job = services.submit_job(
                owner=owner,
                image=image or gray_photo_jpeg,
                filename="photo.jpg",
                options=options,
                **extra,
            )
        job.refresh_from_db()
        return job

    return do_submit
