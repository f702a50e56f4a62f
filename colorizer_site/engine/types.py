"""The engine's small value types: what goes in and what comes out."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

OUTPUT_FORMATS = ("jpeg", "png", "webp")
# What a job does to the photo: invent colour from its lightness, or repair the colour
# a faded print still has (docs/restore.md). The first is the default.
MODES = ("colorize", "restore")

# Called with (stage name, percent 0..100) as the pipeline advances.
ProgressCallback = Callable[[str, int], None]


@dataclass(frozen=True)
class ModelEntry:
    """One installed or installable model: how to load it and how to feed it."""

    name: str
    family: str  # own | eccv16 | siggraph17 | ddcolor
    path: Path
    input_size: int
    sha256: str = ""
    side_multiple: int = 16  # the network's total stride: working sides are multiples of it
    temperature: float | None = None  # own v2 models: decoding temperature at default vividness
    # Own v2 models whose distributions are averaged with this one's (the bundled `large`
    # runs its own network and tiny's, so tiny's weights ship once, in tiny.onnx).
    partners: tuple["ModelEntry", ...] = ()
    # Own v2 models: (raw, calibrated) points mapping the model's belief that its colour is
    # right onto the share of held-out pixels where it was (engine.confidence); () = raw.
    calibration: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class ColourHint:
    """A user's pin: this point of the photo (its pixels, as displayed) has this colour."""

    x: float
    y: float
    color: str  # "#rrggbb", sRGB


@dataclass(frozen=True)
class EngineConfig:
    """Everything the engine needs from the outside; the Django side builds it from settings."""

    models: dict[str, ModelEntry]
    max_pixels: int = 4096 * 4096
    max_side: int = 4096
    max_bytes: int = 20 * 1024 * 1024
    threads: int = 2


@dataclass(frozen=True)
class ColorizeOptions:
    model: str = "large"  # a key of EngineConfig.models
    clean_scratches: bool = False
    face_remaster: bool = False
    output_format: str = "jpeg"
    hints: tuple[ColourHint, ...] = ()
    vividness: int | None = None  # 0..100; None: the model's measured best
    mode: str = "colorize"  # one of MODES


@dataclass(frozen=True)
class ImageInfo:
    """What the header says, read without decoding the pixels."""

    format: str  # Pillow's format name, e.g. "JPEG", "PNG", "TIFF"
    width: int
    height: int
    mode: str
    bytes: int
    # The EXIF orientation turns the photo a quarter: it is shown (and colorized)
    # as height x width, which is the frame that hint coordinates refer to.
    quarter_turned: bool = False

    @property
    def displayed_size(self) -> tuple[int, int]:
        """(width, height) as the photo is shown, upright."""
        if self.quarter_turned:
            return self.height, self.width
        return self.width, self.height


@dataclass
class ColorizeResult:
    data: bytes
    format: str  # jpeg | png | webp
    content_type: str
    width: int
    height: int
    model: str
    stages: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Paid add-ons (ColorizeOptions field names) that found nothing to do: the photo
    # came out as it would have without them, so the jobs app refunds their price.
    unchanged_addons: list[str] = field(default_factory=list)
    mode: str = "colorize"
    # What the photo-kind detector saw in the input (photo_kind.KINDS); "" when not asked.
    photo_kind: str = ""

    def metadata(self) -> dict:
        """JSON-ready description of the result, stored with the job."""
        return {
            "format": self.format,
            "content_type": self.content_type,
            "width": self.width,
            "height": self.height,
            "model": self.model,
            "stages": self.stages,
            "timings_ms": self.timings_ms,
            "notes": self.notes,
            "unchanged_addons": self.unchanged_addons,
            "mode": self.mode,
            "photo_kind": self.photo_kind,
        }
