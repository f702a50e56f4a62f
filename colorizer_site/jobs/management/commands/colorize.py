"""`manage.py colorize IN... -o OUTDIR [--mode restore]`: colorize (or restore) photos on this
machine, no queue, no credits."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from colorizer_site import engine
from colorizer_site.jobs import intake
from colorizer_site.jobs.registry import engine_config

EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}


def _inputs(paths: list[str]) -> list[Path]:
    """Files as given, and the files directly inside any folder given (sorted), less the
    system files (hidden files, Thumbs.db) that the batch upload passes over too."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(
                    child
                    for child in path.iterdir()
                    if child.is_file() and not intake.is_system_file(child.name)
                )
            )
        else:
            found.append(path)
    return found


def _output_path(folder: Path, source: Path, extension: str, taken: set[Path]) -> Path:
    """OUTDIR/<name>.<ext>, with -2, -3... when two inputs share a name in this run."""
    candidate = folder / f"{source.stem}.{extension}"
    number = 2
    while candidate in taken:
        candidate = folder / f"{source.stem}-{number}.{extension}"
        number += 1
    taken.add(candidate)
    return candidate


class Command(BaseCommand):
    help = "Colorize image files into a folder, with a progress bar; bad files are skipped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("inputs", nargs="+", metavar="IN", help="Image files or folders.")
        parser.add_argument("-o", "--output", required=True, metavar="OUTDIR")
        parser.add_argument(
            "--mode",
            default="colorize",
            choices=engine.MODES,
            help="colorize (default) gives black-and-white photos colour; restore repairs "
            "the faded colours of old colour prints and keeps them.",
        )
        parser.add_argument("--model", default="tiny", help="tiny or large (default: tiny).")
        parser.add_argument("--clean-scratches", action="store_true")
        parser.add_argument("--face-remaster", action="store_true")
        parser.add_argument("--format", default="jpeg", choices=sorted(EXTENSIONS))
        parser.add_argument(
            "--hints",
            metavar="JSON",
            help='Colour pins, e.g. \'[{"x": 120, "y": 48, "color": "#3a6ea5"}]\' '
            f"(points in the input's pixels, at most {engine.MAX_HINTS}).",
        )
        parser.add_argument(
            "--vividness",
            type=int,
            metavar="N",
            help="0 (muted) to 100 (vivid); default: the model's measured best.",
        )

    def handle(self, *, inputs: list[str], output: str, **options) -> None:
        config = engine_config()
        restoring = options["mode"] == "restore"
        if not restoring and options["model"] not in config.models:
            known = ", ".join(sorted(config.models))
            raise CommandError(f"Unknown model {options['model']!r}; choose one of: {known}.")
        try:
            hints = engine.parse_hints(options["hints"])
            engine.check_vividness(options["vividness"])
        except engine.InvalidOptions as error:
            raise CommandError(f"--{error.field}: {error}") from error
        colorize_options = engine.ColorizeOptions(
            model=options["model"],
            clean_scratches=options["clean_scratches"],
            face_remaster=options["face_remaster"],
            output_format=options["format"],
            hints=hints,
            vividness=options["vividness"],
            mode=options["mode"],
        )
        files = _inputs(inputs)
        if not files:
            raise CommandError("No input files.")
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        taken: set[Path] = set()
        failures: list[str] = []
        bar = tqdm(
            total=len(files),
            file=sys.stderr,
            bar_format="{desc}{percentage:3.0f}%|{bar}| {n:.1f}/{total} files "
            "[{elapsed}<{remaining}{postfix}]",
        )
        with bar:
            for index, source in enumerate(files):
                bar.set_description(source.name[:30])

                def advance(stage: str, percent: int, base: int = index) -> None:
                    bar.n = base + percent / 100
                    bar.set_postfix_str(stage)
                    bar.refresh()

                reason = intake.not_a_photo_reason(source.name)
                if reason:
                    # The same rule and words as the batch upload's list of skipped files.
                    failures.append(source.name)
                    skipped = intake.Skipped(str(source), reason)
                    bar.write(f"skipped {intake.skip_message(skipped)}", file=sys.stderr)
                    continue
                try:
                    data = source.read_bytes()
                    result = engine.colorize(data, colorize_options, config, progress=advance)
                except engine.ModelNotInstalled as error:
                    raise CommandError(str(error)) from error
                except engine.InvalidOptions as error:
                    if error.field != "hints" or not options["hints"] or len(files) == 1:
                        raise CommandError(f"--{error.field}: {error}") from error
                    # Pins outside a smaller photo of a folder: that photo is skipped, not the run.
                    failures.append(source.name)
                    bar.write(f"skipped {source}: {error}", file=sys.stderr)
                    continue
                except (engine.EngineError, OSError) as error:
                    failures.append(source.name)
                    skipped = intake.Skipped(str(source), str(error))
                    bar.write(f"skipped {intake.skip_message(skipped)}", file=sys.stderr)
                    continue
                if restoring and result.photo_kind in engine.MONOCHROME_KINDS:
                    # Restore keeps such a photo monochrome; say so, as the site does.
                    bar.write(
                        f"{source.name}: a {result.photo_kind} photo; restore repaired its tones "
                        "and kept it monochrome (--mode colorize gives it colour).",
                        file=sys.stderr,
                    )
                target = _output_path(folder, source, EXTENSIONS[options["format"]], taken)
                target.write_bytes(result.data)
                bar.n = index + 1
                bar.refresh()
        done = len(files) - len(failures)
        verb = "Restored" if restoring else "Colorized"
        self.stdout.write(f"{verb} {done} of {len(files)} file(s) into {folder}.")
        if failures:
            raise CommandError(f"{len(failures)} file(s) failed: {', '.join(failures)}")
