"""The safe HTTP client (lib.safe_http, and jobs' fetch_image over it): real downloads
from a loopback server, and every refusal listed under "Image URLs" in docs/api.md.

Nothing here sends traffic beyond 127.0.0.1: a guard on socket.connect fails the
test if the code under test ever tries, which is also how "refused before
connecting" is proven. Name resolution is outside this machine, so the tests
that need a host name resolving somewhere stand in for DNS.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test.utils import override_settings

from colorizer_site.jobs.image_fetch import ImageFetchError, fetch_image
from colorizer_site.lib.safe_http import FetchError, FetchLimits, RefusedUrl, fetch, refusal_reason
from tests.api.conftest import ImageServer

PHOTO = b"\xff\xd8\xff\xe0" + b"pretend-jpeg-bytes" * 100
_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect


@pytest.fixture(autouse=True)
def connections(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every address the process connects to; anything but loopback fails the test."""
    attempts: list[str] = []

    def guarded_connect(sock: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else str(address)
        attempts.append(host)
        if not ipaddress.ip_address(host).is_loopback:
            raise AssertionError(f"tried to connect to {host}")
        return _real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield attempts


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    """Resolve the given names to the given addresses; other names resolve for real."""
    asked: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name in answers:
            asked.append(name)
            family = socket.AF_INET
            answer = answers[name].pop(0) if len(answers[name]) > 1 else answers[name][0]
            if ":" in answer:
                family = socket.AF_INET6
            return [(family, socket.SOCK_STREAM, 6, "", (answer, port or 80))]
        return _real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def limits(**changes: Any) -> FetchLimits:
    values = {"max_bytes": 10_000, "timeout": 3.0, "max_redirects": 3, "allow_loopback": True}
    values.update(changes)
    return FetchLimits(**values)


def test_downloads_the_body_from_a_loopback_server_when_allowed(image_server: ImageServer) -> None:
    url = image_server.add("/photo.jpg", body=PHOTO, headers={"Content-Type": "image/jpeg"})

    assert fetch(url, limits=limits()) == PHOTO


def test_limits_default_to_the_settings(image_server: ImageServer) -> None:
    url = image_server.add("/photo.jpg", body=PHOTO)
    with (
        override_settings(COLORIZER_MAX_UPLOAD_BYTES=100),
        pytest.raises(ImageFetchError, match="larger than the 100 bytes limit"),
    ):
        fetch_image(url)
    assert fetch_image(url) == PHOTO


def test_follows_up_to_three_redirects(image_server: ImageServer) -> None:
    image_server.add("/photo.jpg", body=PHOTO)
    image_server.redirect("/c", "/photo.jpg", status=307)
    image_server.redirect("/b", image_server.url("/c"), status=301)
    url = image_server.redirect("/a", "/b")

    assert fetch(url, limits=limits()) == PHOTO
    assert [path for path, _ in image_server.requests] == ["/a", "/b", "/c", "/photo.jpg"]


def test_refuses_a_fourth_redirect(image_server: ImageServer) -> None:
    image_server.add("/photo.jpg", body=PHOTO)
    for source, target in [("/a", "/b"), ("/b", "/c"), ("/c", "/d"), ("/d", "/photo.jpg")]:
        image_server.redirect(source, target)

    with pytest.raises(FetchError, match="redirected more than 3 times"):
        fetch(image_server.url("/a"), limits=limits())
    assert "/photo.jpg" not in [path for path, _ in image_server.requests]


@pytest.mark.parametrize(
    "target", ["http://10.0.0.1/admin", "http://169.254.169.254/latest/meta-data/"]
)
def test_refuses_a_redirect_to_a_private_address_before_connecting(
    image_server: ImageServer, connections: list[str], target: str
) -> None:
    url = image_server.redirect("/innocent.jpg", target)

    with pytest.raises(FetchError, match=r"(private|link-local) address"):
        fetch(url, limits=limits())
    assert set(connections) == {"127.0.0.1"}


def test_refuses_a_host_name_that_resolves_to_a_private_address(
    monkeypatch: pytest.MonkeyPatch, connections: list[str]
) -> None:
    fake_dns(monkeypatch, {"photos.intranet.example": ["192.168.1.20"]})

    with pytest.raises(FetchError, match="private address") as raised:
        fetch("https://photos.intranet.example/cat.jpg", limits=limits())
    assert "192.168" not in str(raised.value)  # internal DNS answers are not echoed
    assert connections == []


def test_connects_to_the_vetted_address_even_if_dns_changes_its_answer(
    image_server: ImageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DNS rebinding: first answer loopback (allowed here), then a private one.
    asked = fake_dns(monkeypatch, {"rebind.example": ["127.0.0.1", "10.0.0.1"]})
    image_server.add("/photo.jpg", body=PHOTO)

    body = fetch(f"http://rebind.example:{image_server.port}/photo.jpg", limits=limits())

    assert body == PHOTO
    assert asked == ["rebind.example"]  # resolved once, by the check, never again
    _, headers = image_server.requests[0]
    assert headers["Host"] == f"rebind.example:{image_server.port}"
    assert headers["Accept-Encoding"] == "identity"


def test_loopback_is_refused_unless_the_setting_allows_it(
    image_server: ImageServer, connections: list[str]
) -> None:
    url = image_server.add("/photo.jpg", body=PHOTO)

    with pytest.raises(FetchError, match="loopback address"):
        fetch(url, limits=limits(allow_loopback=False))
    assert connections == []


def test_private_ranges_stay_refused_when_loopback_is_allowed(connections: list[str]) -> None:
    with override_settings(COLORIZER_URL_FETCH_ALLOW_LOOPBACK=True):
        for url in ["http://10.1.2.3/a.jpg", "http://172.16.0.9/a.jpg", "http://[fd00::1]/a.jpg"]:
            with pytest.raises(ImageFetchError, match="private address"):
                fetch_image(url)
    assert connections == []


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("8.8.8.8", ""),
        ("2606:4700:4700::1111", ""),
        ("127.0.0.1", "a loopback"),
        ("::1", "a loopback"),
        ("10.0.0.1", "a private"),
        ("172.31.255.255", "a private"),
        ("192.168.0.1", "a private"),
        ("fc00::5", "a private"),
        ("169.254.169.254", "a link-local"),
        ("fe80::1", "a link-local"),
        ("224.0.0.1", "a multicast"),
        ("ff02::1", "a multicast"),
        ("0.0.0.0", "an unspecified"),
        ("::", "an unspecified"),
        ("240.0.0.1", "a reserved"),
        ("100.64.0.1", "a non-public"),
        ("::ffff:10.0.0.1", "a private"),
        ("2002:a00:1::", "a private"),  # 6to4 wrapping 10.0.0.1
    ],
)
def test_refusal_reason_covers_every_refused_range(address: str, reason: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) == reason


def test_loopback_allowance_does_not_cover_mapped_private_addresses() -> None:
    assert refusal_reason(ipaddress.ip_address("::ffff:127.0.0.1"), allow_loopback=True) == ""
    assert refusal_reason(ipaddress.ip_address("::ffff:192.168.0.1"), allow_loopback=True)


@pytest.mark.parametrize(
    "url", ["ftp://example.com/a.jpg", "file:///etc/passwd", "gopher://x/", "not a url", "http://"]
)
def test_only_http_and_https_urls_are_fetched(url: str, connections: list[str]) -> None:
    with pytest.raises(RefusedUrl, match=r"http|host|valid URL"):
        fetch(url, limits=limits())
    assert connections == []


def test_a_redirect_to_another_scheme_is_refused_like_the_url_itself(
    image_server: ImageServer,
) -> None:
    # Wherever the chain leads somewhere the policy refuses, the caller gets a 400,
    # as for a private address: only a server failing to deliver is a 502.
    url = image_server.redirect("/photo.jpg", "file:///etc/passwd")

    with pytest.raises(RefusedUrl, match="http:// or https://"):
        fetch(url, limits=limits())


def test_refuses_a_body_declared_larger_than_the_cap(image_server: ImageServer) -> None:
    url = image_server.add("/big.jpg", body=b"x" * 20_000)

    with pytest.raises(FetchError, match="larger than"):
        fetch(url, limits=limits(max_bytes=10_000))


def test_stops_reading_an_undeclared_body_past_the_cap(image_server: ImageServer) -> None:
    # No Content-Length: the cap has to be enforced while streaming.
    url = image_server.add("/endless.jpg", body=b"x" * 200_000, declare_length=False, chunk=4096)

    with pytest.raises(FetchError, match="larger than"):
        fetch(url, limits=limits(max_bytes=10_000))


def test_gives_up_on_a_server_that_drips_bytes_past_the_timeout(image_server: ImageServer) -> None:
    url = image_server.add("/slow.jpg", body=b"x" * 40, chunk=1, pause=0.1)

    started = time.monotonic()
    with pytest.raises(FetchError, match="too long"):
        fetch(url, limits=limits(timeout=1.0))
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(("status", "words"), [(404, "HTTP 404"), (500, "HTTP 500")])
def test_an_error_status_is_a_fetch_error(
    image_server: ImageServer, status: int, words: str
) -> None:
    url = image_server.add("/missing.jpg", status=status, body=b"nope")

    with pytest.raises(FetchError, match=words):
        fetch(url, limits=limits())


def test_an_empty_body_is_a_fetch_error(image_server: ImageServer) -> None:
    url = image_server.add("/empty.jpg", body=b"")

    with pytest.raises(FetchError, match="empty"):
        fetch(url, limits=limits())


def test_an_unresolvable_host_is_a_fetch_error(connections: list[str]) -> None:
    with pytest.raises(FetchError, match="could not be resolved"):
        fetch("http://no-such-host.invalid/a.jpg", limits=limits())
    assert connections == []


# --- HTTPS: the address is pinned, the certificate is still checked for the name ---


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private CA and a server certificate for photos.example it signed (openssl)."""
    folder = tmp_path_factory.mktemp("tls")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    )
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=photos.example",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    )
    (folder / "san.cnf").write_text("subjectAltName=DNS:photos.example\n")
    openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.cnf",
        "-out",
        "server.pem",
    )
    return folder


@pytest.fixture
def tls_image_server(certificates: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ImageServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates / "server.pem", certificates / "server.key")
    server = ImageServer(tls=context)
    server.thread.start()
    # The public CAs are outside this machine: the test CA stands in for them.
    import certifi

    monkeypatch.setattr(certifi, "where", lambda: str(certificates / "ca.pem"))
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def test_https_connects_to_the_vetted_address_and_checks_the_certificate_name(
    tls_image_server: ImageServer, monkeypatch: pytest.MonkeyPatch, connections: list[str]
) -> None:
    fake_dns(monkeypatch, {"photos.example": ["127.0.0.1"]})
    tls_image_server.add("/photo.jpg", body=PHOTO)

    body = fetch(f"https://photos.example:{tls_image_server.port}/photo.jpg", limits=limits())

    assert body == PHOTO
    assert connections == ["127.0.0.1"]
    _, headers = tls_image_server.requests[0]
    assert headers["Host"] == f"photos.example:{tls_image_server.port}"


def test_https_refuses_a_certificate_for_another_name(
    tls_image_server: ImageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dns(monkeypatch, {"elsewhere.example": ["127.0.0.1"]})
    tls_image_server.add("/photo.jpg", body=PHOTO)

    with pytest.raises(FetchError, match=r"certificate|hostname"):
        fetch(f"https://elsewhere.example:{tls_image_server.port}/photo.jpg", limits=limits())
    assert tls_image_server.requests == []
