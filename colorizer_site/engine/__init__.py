"""Colorizer's engine: image bytes plus options in, result bytes out.

Django-free by design (DESIGN.md section 2): nothing here imports Django or the
apps. The public surface:

    probe_image(data, config) -> ImageInfo        header check, no full decode
    colorize(data, options, config, progress=None) -> ColorizeResult
    make_thumbnail(data, size=320) -> bytes       small WebP for the gallery

and the typed errors in `engine.errors`. `available_models(models_dir)` lists the
bundled and fetched model entries; `choose_models(choices, available)` maps the
names users pick ("tiny", "large") onto them for `EngineConfig.models`.
"""

from colorizer_site.engine.decoding import allowed_formats, probe_image
from colorizer_site.engine.encoding import make_thumbnail
from colorizer_site.engine.errors import (
    EngineError,
    ImageTooLarge,
    InvalidImage,
    ModelNotInstalled,
    UnsupportedFormat,
)
from colorizer_site.engine.models import available_models, bundled_models, choose_models
from colorizer_site.engine.pipeline import colorize
from colorizer_site.engine.types import (
    OUTPUT_FORMATS,
    ColorizeOptions,
    ColorizeResult,
    EngineConfig,
    ImageInfo,
    ModelEntry,
    ProgressCallback,
)

__all__ = [
    "OUTPUT_FORMATS",
    "ColorizeOptions",
    "ColorizeResult",
    "EngineConfig",
    "EngineError",
    "ImageInfo",
    "ImageTooLarge",
    "InvalidImage",
    "ModelEntry",
    "ModelNotInstalled",
    "ProgressCallback",
    "UnsupportedFormat",
    "allowed_formats",
    "available_models",
    "bundled_models",
    "choose_models",
    "colorize",
    "make_thumbnail",
    "probe_image",
]
