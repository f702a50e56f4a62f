"""Make the landing page's before/after sample from a photo of your choice."""

import io
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from PIL import Image, ImageOps

from colorizer_site import engine
from colorizer_site.jobs.registry import engine_config
from colorizer_site.web.landing import SAMPLE_FILE, landing_sample, sample_directory


class Command(BaseCommand):
    help = (
        "Colorize PHOTO (turned black-and-white first) and use the pair as the landing "
        "page's sample. Run collectstatic afterwards (make run does)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("photo")
        parser.add_argument("--model", default="large", choices=["tiny", "large"])
        parser.add_argument("--size", type=int, default=640, help="longest side in pixels")
        parser.add_argument("--caption", default="", help="credit line shown under the sample")

    def handle(self, *args: object, **options: object) -> None:
        try:
            with Image.open(str(options["photo"])) as photo:
                gray = ImageOps.exif_transpose(photo).convert("L")
        except OSError as error:
            raise CommandError(f"Cannot read {options['photo']}: {error}") from error
        size = int(options["size"])
        gray.thumbnail((size, size), Image.Resampling.LANCZOS)
        before = io.BytesIO()
        gray.save(before, "JPEG", quality=90)

        try:
            result = engine.colorize(
                before.getvalue(),
                engine.ColorizeOptions(model=str(options["model"]), output_format="jpeg"),
                engine_config(),
            )
        except engine.EngineError as error:
            raise CommandError(str(error)) from error

        directory = sample_directory()
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "sample-before.jpg").write_bytes(before.getvalue())
        (directory / "sample-after.jpg").write_bytes(result.data)
        description = {
            "before": "sample-before.jpg",
            "after": "sample-after.jpg",
            "width": gray.width,
            "height": gray.height,
            "caption": str(options["caption"]),
        }
        (directory / SAMPLE_FILE).write_text(json.dumps(description, indent=2) + "\n")
        landing_sample.cache_clear()
        self.stdout.write(
            self.style.SUCCESS(
                f"Landing sample written to {directory} ({gray.width}x{gray.height}, "
                f"model {options['model']}, {sum(result.timings_ms.values()):.0f} ms)."
            )
        )
