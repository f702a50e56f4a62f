"""Colorizer's engine: image bytes plus options in, result bytes out.

Django-free by design (docs/engine.md): nothing here imports Django or the
apps. The public surface:

    probe_image(data, config) -> ImageInfo        header check, no full decode
    colorize(data, options, config, progress=None) -> ColorizeResult
                                                  options.mode "restore": repair a faded
                                                  colour print instead (docs/restore.md)
    analyze(data, options, config) -> ColourAnalysis
                                                  the model's distribution of one photo:
                                                  alternatives at a point, confidence map,
                                                  reach(x, y) of a pin, suggestions() of
                                                  where to pin (PinSuggestion)
    preview(data, options, config, max_side) -> ColorizeResult
                                                  the same colour at a reduced size, as a JPEG
    make_thumbnail(data, size=320, config=None) -> bytes  small WebP for the gallery
    detect_kind(rgb) -> str                       bw | toned | faded | colour (PHOTO_KINDS)
    parse_hints(json_text) -> tuple[ColourHint]   colour pins, checked (InvalidOptions)
    check_vividness(value)                        0..100 or None (InvalidOptions)

and the typed errors in `engine.errors`. `available_models(models_dir)` lists the
bundled and fetched model entries; `choose_models(choices, available)` maps the
names users pick ("tiny", "large") onto them for `EngineConfig.models`.
"""

from colorizer_site.engine.analysis import Alternative, ColourAnalysis, PinSuggestion, analyze
from colorizer_site.engine.decoding import allowed_formats, probe_image
from colorizer_site.engine.encoding import make_thumbnail
from colorizer_site.engine.errors import (
    EngineError,
    ImageTooLarge,
    InvalidImage,
    InvalidOptions,
    ModelNotInstalled,
    UnsupportedFormat,
)
from colorizer_site.engine.hints import MAX_HINTS, check_vividness, parse_hints
from colorizer_site.engine.model_registry import available_models, bundled_models, choose_models
from colorizer_site.engine.photo_kind import KINDS as PHOTO_KINDS
from colorizer_site.engine.photo_kind import MONOCHROME_KINDS, detect_kind, kind_of_image
from colorizer_site.engine.pipeline import colorize
from colorizer_site.engine.preview import preview
from colorizer_site.engine.types import (
    MODES,
    OUTPUT_FORMATS,
    ColorizeOptions,
    ColorizeResult,
    ColourHint,
    EngineConfig,
    ImageInfo,
    ModelEntry,
    ProgressCallback,
)

__all__ = [
    "MAX_HINTS",
    "MODES",
    "MONOCHROME_KINDS",
    "OUTPUT_FORMATS",
    "PHOTO_KINDS",
    "Alternative",
    "ColorizeOptions",
    "ColorizeResult",
    "ColourAnalysis",
    "ColourHint",
    "EngineConfig",
    "EngineError",
    "ImageInfo",
    "ImageTooLarge",
    "InvalidImage",
    "InvalidOptions",
    "ModelEntry",
    "ModelNotInstalled",
    "PinSuggestion",
    "ProgressCallback",
    "UnsupportedFormat",
    "allowed_formats",
    "analyze",
    "available_models",
    "bundled_models",
    "check_vividness",
    "choose_models",
    "colorize",
    "detect_kind",
    "kind_of_image",
    "make_thumbnail",
    "parse_hints",
    "preview",
    "probe_image",
]
