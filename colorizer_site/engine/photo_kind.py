"""What kind of photo arrived: black and white, toned, faded colour, or colour.

A small network (one hidden layer, softmax) over the same thumbnail features as the restorer
(photo_stats.py), trained by training/train_restorer.py on training photos rendered
gray, toned (sepia, selenium, cyanotype), faded and left alone, tells monochrome
photos from colour ones. Whether a colour photo is faded is then the call of restore's
gate, a second small network trained on the restorer's own pairs with its dye cues,
which tells the two apart better on held-out photos. The confusion table on dev_eval
and the genuine B/W samples is in docs/models/restorer.md. A photo decoded as
single-channel is black and white without asking. Both cost about a millisecond on a
128-pixel copy, so the page can ask before the user pays.
"""

from pathlib import Path

import numpy as np

from colorizer_site.engine.decoding import check_header, open_image
from colorizer_site.engine.errors import InvalidImage
from colorizer_site.engine.photo_stats import (
    THUMBNAIL_SIDE,
    features,
    restorer_features,
    thumbnail,
)
from colorizer_site.engine.small_network import loaded
from colorizer_site.engine.types import EngineConfig

WEIGHTS_FILE = Path(__file__).resolve().parent / "weights" / "photo_kind.npz"
GATE_FILE = WEIGHTS_FILE.with_name("restore_gate.npz")
# The gate saw four faded pairs to each one left as it was (training/train_restorer.py);
# past this P(faded), odds of 4 to 1, it weighs a faded photo and a good one alike.
FADED_CALL = 0.8
# The detector's classes, in the order of its outputs.
KINDS = ("bw", "toned", "faded", "colour")
# Kinds whose colour is not worth keeping: restore repairs only their tones.
MONOCHROME_KINDS = frozenset({"bw", "toned"})


def faded_probability(vector: np.ndarray) -> float:
    """How sure restore's gate is, from a thumbnail's restorer_features, that a colour
    photo is faded rather than in good condition (restore also takes its curves as far
    as this says)."""
    logits = loaded(GATE_FILE, "Restore's gate")(vector)
    return float(1.0 / (1.0 + np.exp(logits[0] - logits[1])))


def colour_kind(faded: float) -> str:
    """faded or colour, for a colour photo whose faded_probability is `faded`."""
    return "faded" if faded > FADED_CALL else "colour"


def kind_probabilities(rgb: np.ndarray | None) -> dict[str, float]:
    """Each kind's probability for a uint8 sRGB photo; None (a grey image) is black and white."""
    if rgb is None:
        return {kind: float(kind == "bw") for kind in KINDS}
    logits = loaded(WEIGHTS_FILE, "The photo-kind detector")(features(thumbnail(rgb)))
    probability = np.exp(logits - logits.max())
    probability /= probability.sum()
    return {kind: float(p) for kind, p in zip(KINDS, probability, strict=True)}


def detect_kind(rgb: np.ndarray | None) -> str:
    """One of KINDS: the detector's most likely, the gate's call between faded and colour."""
    probabilities = kind_probabilities(rgb)
    kind = max(probabilities, key=probabilities.__getitem__)
    if rgb is None or kind in MONOCHROME_KINDS:
        return kind
    return colour_kind(faded_probability(restorer_features(thumbnail(rgb))))


def kind_of_image(data: bytes, config: EngineConfig) -> str:
    """The kind of an encoded photo, decoded only as far as a small copy needs (JPEG
    decodes at an eighth of its size), with the same format and size checks as a job."""
    image = open_image(data, config)
    check_header(image, data, config)
    image.draft("RGB", (THUMBNAIL_SIDE * 2, THUMBNAIL_SIDE * 2))
    try:
        image.thumbnail((THUMBNAIL_SIDE * 2, THUMBNAIL_SIDE * 2))
    except (OSError, ValueError, SyntaxError) as error:
        raise InvalidImage(f"The image data is damaged or cut short ({error}).") from error
    if image.mode in ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F"):
        return "bw"
    return detect_kind(np.asarray(image.convert("RGB")))
