"""Draw the site icon with Pillow: favicon.ico (16, 32, 48 px) and the 180 px
apple-touch-icon.png, the same shapes as static/img/favicon.svg. Run it after changing
the drawing; the files it writes are committed."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

# The SVG's 64-unit grid; keep these in step with static/img/favicon.svg.
GRID = 64
TILE = "#1d232b"
TILE_RADIUS = 14
GREY = "#9a9a9a"
COLOUR = "#e0763f"
CIRCLE = (12, 12, 52, 52)
ICO_SIZES = [(16, 16), (32, 32), (48, 48)]
TOUCH_SIZE = 180


def draw_icon(size: int) -> Image.Image:
    """The icon at size x size, drawn 4x larger and scaled down for smooth edges."""
    scale = size * 4 / GRID
    big = Image.new("RGBA", (size * 4, size * 4), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    draw.rounded_rectangle(
        (0, 0, big.width - 1, big.height - 1), radius=round(TILE_RADIUS * scale), fill=TILE
    )
    box = tuple(round(value * scale) for value in CIRCLE)
    # Pillow's angles start at three o'clock and run clockwise.
    draw.pieslice(box, 90, 270, fill=GREY)
    draw.pieslice(box, -90, 90, fill=COLOUR)
    return big.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(ico_path: Path, touch_path: Path) -> None:
    draw_icon(256).save(ico_path, format="ICO", sizes=ICO_SIZES)
    # iOS rounds the corners itself and shows transparency as black: a full square tile.
    icon = draw_icon(TOUCH_SIZE)
    touch = Image.new("RGB", icon.size, TILE)
    touch.paste(icon, mask=icon)
    touch.save(touch_path, format="PNG", optimize=True)


class Command(BaseCommand):
    help = "Draw public/favicon.ico and static/img/apple-touch-icon.png."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--ico", type=Path, default=settings.WHITENOISE_ROOT / "favicon.ico")
        parser.add_argument(
            "--touch-icon",
            type=Path,
            default=settings.BASE_DIR / "static" / "img" / "apple-touch-icon.png",
        )

    def handle(self, *args, ico: Path, touch_icon: Path, **options) -> None:
        write_icons(ico, touch_icon)
        self.stdout.write(f"Wrote {ico} and {touch_icon}.")
