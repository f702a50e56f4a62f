"""`manage.py fetch_models [NAME...]`: download optional third-party colorization models."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from colorizer_site.engine import model_registry
from colorizer_site.engine.downloads import (
    CatalogEntry,
    DownloadError,
    download,
    installed_state,
    read_catalog,
)


def _state_words(entry: CatalogEntry, models_dir: Path) -> str:
    state = installed_state(entry, models_dir)
    if not state.present:
        return "not installed"
    size = f"{state.size / 1_048_576:.1f} MB"
    if state.verified is None:
        return f"installed, {size}, not verifiable (no published sha256)"
    return f"installed, {size}, sha256 {'ok' if state.verified else 'MISMATCH'}"


class Command(BaseCommand):
    help = (
        "Download optional third-party models (eccv16, siggraph17, ddcolor-tiny, "
        "ddcolor-large) into COLORIZER_MODELS_DIR, resuming and checking sha256."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", metavar="NAME", help="Default: all with a URL.")
        parser.add_argument("--list", action="store_true", help="Show what is installed.")
        parser.add_argument("--dir", help="Models folder (default: COLORIZER_MODELS_DIR).")
        parser.add_argument("--catalog", help="Catalog JSON (default: the engine's catalog).")
        parser.add_argument("--url", help="Download NAME from this URL instead.")
        parser.add_argument("--sha256", help="Expected sha256 for --url.")
        parser.add_argument("--force", action="store_true", help="Download even if installed.")

    def handle(self, *, names: list[str], **options) -> None:
        models_dir = Path(options["dir"] or settings.COLORIZER_MODELS_DIR)
        catalog = read_catalog(
            Path(options["catalog"]) if options["catalog"] else model_registry.CATALOG_PATH
        )
        unknown = [name for name in names if name not in catalog]
        if unknown:
            raise CommandError(
                f"Unknown model(s): {', '.join(unknown)}. Known: {', '.join(sorted(catalog))}."
            )
        if options["list"]:
            self._list(catalog, models_dir)
            return
        if options["url"]:
            if len(names) != 1:
                raise CommandError("--url needs exactly one NAME.")
            catalog[names[0]] = replace(
                catalog[names[0]], url=options["url"], sha256=(options["sha256"] or "").lower()
            )
        chosen = [catalog[name] for name in names] or [e for e in catalog.values() if e.url]
        failures = 0
        for entry in chosen:
            failures += not self._fetch(entry, models_dir, force=options["force"])
        if failures:
            raise CommandError(f"{failures} model(s) could not be installed.")

    def _list(self, catalog: dict[str, CatalogEntry], models_dir: Path) -> None:
        self.stdout.write(f"Models folder: {models_dir}")
        for entry in catalog.values():
            self.stdout.write(
                f"  {entry.name:<14} {entry.family:<11} {_state_words(entry, models_dir)}"
            )

    def _fetch(self, entry: CatalogEntry, models_dir: Path, *, force: bool) -> bool:
        state = installed_state(entry, models_dir)
        if state.present and state.verified is not False and not force:
            self.stdout.write(f"{entry.name}: already installed ({state.path}).")
            return True
        if not entry.url:
            self.stderr.write(
                f"{entry.name}: there is no published download location. {entry.note}"
            )
            return False
        bar = tqdm(
            desc=entry.name,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            file=sys.stderr,
            total=entry.size_bytes,
        )

        def advance(done: int, total: int | None) -> None:
            if total is not None and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        try:
            with bar:
                path, digest = download(entry, models_dir, progress=advance)
        except DownloadError as error:
            self.stderr.write(str(error))
            return False
        if entry.sha256:
            self.stdout.write(f"{entry.name}: installed {path} (sha256 verified).")
        else:
            self.stdout.write(
                f"{entry.name}: installed {path}, NOT verified: the catalog has no published "
                f"sha256. This file's sha256 is {digest}."
            )
        model_registry.forget_sessions()
        return True
