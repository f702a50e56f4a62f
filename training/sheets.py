"""Contact sheets: the pictures to look at before believing any metric."""

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

CELL = 128
LABEL_HEIGHT = 16


def _label(image: Image.Image, text: str) -> Image.Image:
    canvas = Image.new("RGB", (image.width, image.height + LABEL_HEIGHT), "white")
    canvas.paste(image, (0, LABEL_HEIGHT))
    ImageDraw.Draw(canvas).text((3, 2), text, fill="black")
    return canvas


def comparison_sheet(
    rows: list[list[np.ndarray]],
    titles: list[str],
    target: Path,
    per_line: int = 2,
    cell: int = CELL,
) -> Path:
    """rows: one list of RGB uint8 images per photo (same order as titles), laid out
    `per_line` photos side by side so the sheet stays roughly square."""
    cells_per_photo = len(titles)
    lines = (len(rows) + per_line - 1) // per_line
    width = per_line * cells_per_photo * cell + (per_line - 1) * 8
    height = lines * (cell + LABEL_HEIGHT)
    sheet = Image.new("RGB", (width, height), "white")
    for index, images in enumerate(rows):
        line, slot = divmod(index, per_line)
        x0 = slot * (cells_per_photo * cell + 8)
        for column, (image, title) in enumerate(zip(images, titles, strict=True)):
            picture = Image.fromarray(image).resize((cell, cell), Image.Resampling.LANCZOS)
            sheet.paste(_label(picture, title), (x0 + column * cell, line * (cell + LABEL_HEIGHT)))
    target.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(target, optimize=True)
    return target


def gallery_sheet(
    rows: list[list[np.ndarray]], titles: list[str], target: Path, height: int = 224
) -> Path:
    """Photos of any aspect ratio, one per line, each version at the same height."""
    scaled = []
    for images in rows:
        line = []
        for image, title in zip(images, titles, strict=True):
            picture = Image.fromarray(image)
            width = max(1, round(picture.width * height / picture.height))
            line.append(_label(picture.resize((width, height), Image.Resampling.LANCZOS), title))
        scaled.append(line)
    total_width = max(sum(p.width for p in line) + 4 * (len(line) - 1) for line in scaled)
    sheet = Image.new("RGB", (total_width, len(scaled) * (height + LABEL_HEIGHT + 4)), "white")
    for row, line in enumerate(scaled):
        x = 0
        for picture in line:
            sheet.paste(picture, (x, row * (height + LABEL_HEIGHT + 4)))
            x += picture.width + 4
    target.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(target, optimize=True)
    return target
