"""`manage.py colorize`: a batch on temporary folders, with the bundled tiny model."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from colorizer_site.engine.color import lab_of_rgb
from tests.engine.conftest import encoded, photo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "street.jpg").write_bytes(encoded(photo(160, 120), "JPEG"))
    (folder / "portrait.tif").write_bytes(encoded(photo(90, 120), "TIFF", compression="tiff_lzw"))
    return folder


def test_colorizes_every_file_of_a_folder(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(
        "colorize", str(inputs), "-o", str(out), "--model", "tiny", stdout=stdout, stderr=stderr
    )

    assert sorted(path.name for path in out.iterdir()) == ["portrait.jpg", "street.jpg"]
    result = Image.open(out / "street.jpg")
    assert result.format == "JPEG" and result.size == (160, 120) and result.mode == "RGB"
    assert "Colorized 2 of 2" in stdout.getvalue()


def test_png_output_with_scratch_repair_keeps_size_and_luminance(
    inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    call_command(
        "colorize",
        str(inputs / "portrait.tif"),
        "-o",
        str(out),
        "--format",
        "png",
        "--clean-scratches",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    result = np.asarray(Image.open(out / "portrait.png").convert("RGB"))
    source = np.asarray(photo(90, 120).convert("RGB"))
    assert result.shape == source.shape
    assert np.abs(lab_of_rgb(result)[..., 0] - lab_of_rgb(source)[..., 0]).mean() < 1.0


def test_bad_files_are_skipped_with_a_reason_and_fail_the_run(inputs: Path, tmp_path: Path) -> None:
    (inputs / "notes.txt").write_text("not a photo")
    (inputs / "empty.png").write_bytes(b"")
    out = tmp_path / "out"
    stderr = io.StringIO()
    with pytest.raises(CommandError, match=r"2 file\(s\) failed: empty.png, notes.txt"):
        call_command("colorize", str(inputs), "-o", str(out), stdout=io.StringIO(), stderr=stderr)
    # The good files were still colorized.
    assert sorted(path.name for path in out.iterdir()) == ["portrait.jpg", "street.jpg"]


def test_folders_skip_files_with_the_batch_uploads_rules_and_words(
    inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from colorizer_site.jobs import intake

    (inputs / "captions.txt").write_text("Aunt Rosa, 1953")
    (inputs / ".DS_Store").write_bytes(b"finder")
    (inputs / "Thumbs.db").write_bytes(b"explorer")
    out = tmp_path / "out"
    with pytest.raises(CommandError, match=r"1 file\(s\) failed: captions.txt$"):
        call_command("colorize", str(inputs), "-o", str(out), stdout=io.StringIO())

    # The very sentence the batch page lists for a file that is not a photo (the
    # progress bar writes its lines to the process's stderr).
    stderr = capsys.readouterr().err
    reason = intake.not_a_photo_reason("captions.txt")
    assert f"skipped {inputs / 'captions.txt'}: {reason}" in stderr
    assert "DS_Store" not in stderr and "Thumbs" not in stderr
    assert sorted(path.name for path in out.iterdir()) == ["portrait.jpg", "street.jpg"]


def test_exit_code_and_messages_from_the_real_command_line(inputs: Path, tmp_path: Path) -> None:
    (inputs / "broken.jpg").write_bytes(encoded(photo(), "JPEG")[:300])
    out = tmp_path / "out"
    finished = subprocess.run(
        [sys.executable, "manage.py", "colorize", str(inputs), "-o", str(out), "--format", "webp"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode != 0
    assert "skipped" in finished.stderr and "broken.jpg" in finished.stderr
    assert "damaged or cut short" in finished.stderr
    assert "files" in finished.stderr  # the progress bar
    assert sorted(path.name for path in out.iterdir()) == ["portrait.webp", "street.webp"]


def test_same_names_from_two_folders_do_not_overwrite_each_other(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "photo.png").write_bytes(encoded(photo(), "PNG"))
    out = tmp_path / "out"
    call_command(
        "colorize",
        str(tmp_path / "a"),
        str(tmp_path / "b"),
        "-o",
        str(out),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert sorted(path.name for path in out.iterdir()) == ["photo-2.jpg", "photo.jpg"]


def test_unknown_model_is_refused_before_any_work(inputs: Path, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Unknown model 'huge'"):
        call_command("colorize", str(inputs), "-o", str(tmp_path / "out"), "--model", "huge")
    assert not (tmp_path / "out").exists()


def test_a_pin_and_vividness_from_the_command_line_change_the_colour(tmp_path: Path) -> None:
    source = tmp_path / "meadow.png"
    source.write_bytes(encoded(photo(160, 120), "PNG"))
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}

    def colorized(folder: str, *flags: str) -> np.ndarray:
        call_command(
            "colorize",
            str(source),
            "-o",
            str(tmp_path / folder),
            "--format",
            "png",
            *flags,
            **quiet,
        )
        return lab_of_rgb(np.asarray(Image.open(tmp_path / folder / "meadow.png").convert("RGB")))

    before = colorized("plain")
    region = (slice(80, 100), slice(110, 130))
    # A pin whose colour the model did not choose: orange if it chose blue, else blue.
    blue = before[region][..., 2].mean() > -10
    colour, b_star = ("#3a6ea5", -33.0) if blue else ("#c87832", 50.0)
    hints = f'[{{"x": 120, "y": 90, "color": "{colour}"}}]'
    after = colorized("pinned", "--hints", hints, "--vividness", "70")
    moved = abs(after[region][..., 2].mean() - b_star)
    assert moved < 0.6 * abs(before[region][..., 2].mean() - b_star)
    assert np.abs(after[..., 0] - before[..., 0]).mean() < 0.5


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--hints", "[{]", "--hints: hints is not valid JSON"),
        ("--hints", '[{"x": 500, "y": 5, "color": "#ffffff"}]', "--hints: hint 1 at"),
        ("--vividness", "150", "--vividness: vividness must be a whole number from 0 to 100"),
    ],
)
def test_bad_hints_or_vividness_stop_the_command_with_the_reason(
    tmp_path: Path, flag: str, value: str, message: str
) -> None:
    source = tmp_path / "one.png"
    source.write_bytes(encoded(photo(160, 120), "PNG"))
    with pytest.raises(CommandError, match=message):
        call_command(
            "colorize",
            str(source),
            "-o",
            str(tmp_path / "out"),
            flag,
            value,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert not (tmp_path / "out" / "one.jpg").exists()


def test_restore_mode_restores_a_folder_and_says_which_photos_stay_monochrome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.engine.test_restore import as_uint8, sample
    from training import fading

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    faded = as_uint8(fading.fade(sample("coffee") / 255.0, "cyan_loss", np.random.default_rng(0)))
    Image.fromarray(faded).save(folder / "print.jpg", quality=92)
    Image.fromarray(sample("astronaut")).convert("L").save(folder / "portrait.png")
    stdout, stderr = io.StringIO(), io.StringIO()

    call_command(
        "colorize", str(folder), "-o", str(out), "--mode", "restore", stdout=stdout, stderr=stderr
    )

    assert sorted(path.name for path in out.iterdir()) == ["portrait.jpg", "print.jpg"]
    assert "Restored 2 of 2" in stdout.getvalue()
    said = capsys.readouterr().err  # the progress bar writes to the real stderr
    assert "portrait.png: a bw photo" in said and "--mode colorize" in said
    restored = np.asarray(Image.open(out / "print.jpg").convert("RGB")).astype(float)
    # The red cast of the lost cyan dye is gone.
    assert (faded[..., 0].mean() - faded[..., 2].mean()) > (
        restored[..., 0].mean() - restored[..., 2].mean()
    ) + 5


def test_an_unknown_mode_is_refused_by_the_command(inputs: Path, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="invalid choice: 'repaint'"):
        call_command("colorize", str(inputs), "-o", str(tmp_path / "out"), "--mode", "repaint")
