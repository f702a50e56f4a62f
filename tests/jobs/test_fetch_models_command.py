"""`manage.py fetch_models` against a real HTTP server on loopback serving a small file."""

from __future__ import annotations

import hashlib
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

PAYLOAD = bytes(range(256)) * 800  # 200 KiB, several download chunks
DIGEST = hashlib.sha256(PAYLOAD).hexdigest()


class ModelServer:
    """Serves PAYLOAD at /model.onnx, honouring Range unless told not to; can cut the
    first response short to simulate a dropped connection."""

    def __init__(self) -> None:
        self.ranges: list[str | None] = []
        self.honour_range = True
        self.cut_first_after: int | None = None
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path != "/model.onnx":
                    self.send_error(404)
                    return
                requested = self.headers.get("Range")
                owner.ranges.append(requested)
                start = 0
                if requested and owner.honour_range:
                    start = int(requested.removeprefix("bytes=").split("-")[0])
                    self.send_response(206)
                    end = len(PAYLOAD) - 1
                    self.send_header("Content-Range", f"bytes {start}-{end}/{len(PAYLOAD)}")
                else:
                    self.send_response(200)
                body = PAYLOAD[start:]
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if owner.cut_first_after is not None:
                    cut, owner.cut_first_after = owner.cut_first_after, None
                    self.wfile.write(body[:cut])
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/model.onnx"


@pytest.fixture
def model_server() -> Iterator[ModelServer]:
    server = ModelServer()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def _catalog(tmp_path: Path, url: str, sha256: str = DIGEST, size: int | None = None) -> Path:
    path = tmp_path / "catalog.json"
    models = {
        "eccv16": {
            "family": "eccv16",
            "file": "eccv16.onnx",
            "input_size": 256,
            "url": url,
            "sha256": sha256,
            "size_bytes": size,
        },
        "ddcolor-tiny": {
            "family": "ddcolor",
            "file": "dd.onnx",
            "input_size": 256,
            "url": "",
            "sha256": "",
            "note": "Export it yourself.",
        },
    }
    path.write_text(json.dumps({"models": models}))
    return path


def _fetch(*args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("fetch_models", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_downloads_verifies_and_installs(model_server: ModelServer, tmp_path: Path) -> None:
    models = tmp_path / "models"
    catalog = _catalog(tmp_path, model_server.url, size=len(PAYLOAD))
    out, _ = _fetch("eccv16", "--dir", str(models), "--catalog", str(catalog))

    assert (models / "eccv16.onnx").read_bytes() == PAYLOAD
    assert not (models / "eccv16.onnx.part").exists()
    assert "sha256 verified" in out


def test_progress_bar_is_shown(model_server: ModelServer, tmp_path: Path, capsys) -> None:
    catalog = _catalog(tmp_path, model_server.url)
    _fetch("eccv16", "--dir", str(tmp_path / "m"), "--catalog", str(catalog))
    bar = capsys.readouterr().err
    assert "eccv16" in bar and "100%" in bar and "200k" in bar


def test_interrupted_download_resumes_with_a_range_request(
    model_server: ModelServer, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    catalog = _catalog(tmp_path, model_server.url)
    model_server.cut_first_after = 70_000
    with pytest.raises(CommandError, match="could not be installed"):
        _fetch("eccv16", "--dir", str(models), "--catalog", str(catalog))
    partial = models / "eccv16.onnx.part"
    assert 0 < partial.stat().st_size < len(PAYLOAD)
    kept = partial.stat().st_size

    _fetch("eccv16", "--dir", str(models), "--catalog", str(catalog))
    assert model_server.ranges[-1] == f"bytes={kept}-"
    assert (models / "eccv16.onnx").read_bytes() == PAYLOAD


def test_server_ignoring_range_gets_a_fresh_start(
    model_server: ModelServer, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "eccv16.onnx.part").write_bytes(b"stale bytes from an older attempt")
    model_server.honour_range = False
    catalog = _catalog(tmp_path, model_server.url)
    _fetch("eccv16", "--dir", str(models), "--catalog", str(catalog))
    assert model_server.ranges[-1] is not None  # it asked to resume; the server said no
    assert (models / "eccv16.onnx").read_bytes() == PAYLOAD


def test_checksum_mismatch_installs_nothing(model_server: ModelServer, tmp_path: Path) -> None:
    models = tmp_path / "models"
    catalog = _catalog(tmp_path, model_server.url, sha256="ab" * 32)
    with pytest.raises(CommandError):
        _fetch("eccv16", "--dir", str(models), "--catalog", str(catalog))
    assert not (models / "eccv16.onnx").exists()
    assert not (models / "eccv16.onnx.part").exists()


def test_mismatch_message_names_both_hashes(model_server: ModelServer, tmp_path: Path) -> None:
    catalog = _catalog(tmp_path, model_server.url, sha256="ab" * 32)
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "fetch_models",
            "eccv16",
            "--dir",
            str(tmp_path / "m"),
            "--catalog",
            str(catalog),
            stdout=io.StringIO(),
            stderr=stderr,
        )
    assert f"got {DIGEST}" in stderr.getvalue() and "ab" * 32 in stderr.getvalue()


def test_missing_published_hash_is_reported_not_hidden(
    model_server: ModelServer, tmp_path: Path
) -> None:
    catalog = _catalog(tmp_path, model_server.url, sha256="")
    out, _ = _fetch("eccv16", "--dir", str(tmp_path / "m"), "--catalog", str(catalog))
    assert "NOT verified" in out and DIGEST in out


def test_entry_without_download_location_explains_what_to_do(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path, "http://127.0.0.1:9/unused")
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "fetch_models",
            "ddcolor-tiny",
            "--dir",
            str(tmp_path / "m"),
            "--catalog",
            str(catalog),
            stdout=io.StringIO(),
            stderr=stderr,
        )
    assert "no published download location" in stderr.getvalue()
    assert "Export it yourself." in stderr.getvalue()


def test_url_override_fetches_an_entry_without_one(
    model_server: ModelServer, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    catalog = _catalog(tmp_path, model_server.url)
    _fetch(
        "ddcolor-tiny",
        "--url",
        model_server.url,
        "--sha256",
        DIGEST.upper(),
        "--dir",
        str(models),
        "--catalog",
        str(catalog),
    )
    assert (models / "dd.onnx").read_bytes() == PAYLOAD


def test_list_shows_what_is_installed_and_verified(
    model_server: ModelServer, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    catalog = _catalog(tmp_path, model_server.url)
    before, _ = _fetch("--list", "--dir", str(models), "--catalog", str(catalog))
    assert "eccv16" in before and "not installed" in before

    _fetch("eccv16", "--dir", str(models), "--catalog", str(catalog))
    (models / "dd.onnx").write_bytes(b"hand-exported")
    after, _ = _fetch("--list", "--dir", str(models), "--catalog", str(catalog))
    assert "sha256 ok" in after
    assert "not verifiable" in after


def test_already_installed_is_not_downloaded_again(
    model_server: ModelServer, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    catalog = _catalog(tmp_path, model_server.url)
    _fetch("eccv16", "--dir", str(models), "--catalog", str(catalog))
    requests = len(model_server.ranges)
    out, _ = _fetch("eccv16", "--dir", str(models), "--catalog", str(catalog))
    assert "already installed" in out and len(model_server.ranges) == requests


def test_unknown_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Unknown model"):
        _fetch("resnet", "--dir", str(tmp_path), "--catalog", str(_catalog(tmp_path, "")))


def test_the_real_catalog_lists_all_four_models(tmp_path: Path) -> None:
    out, _ = _fetch("--list", "--dir", str(tmp_path))
    for name in ("eccv16", "siggraph17", "ddcolor-tiny", "ddcolor-large"):
        assert name in out
