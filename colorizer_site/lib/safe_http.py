"""Download an image a user named by URL, without letting the URL reach our own network.

The API accepts `image_url`; a careless fetch would let anyone make the server
call its own admin ports, the cloud metadata service or the office LAN (SSRF).
So each hop is resolved here, every address it resolves to is checked against
the refused ranges, and the connection then goes to the address that was
checked: the URL is rewritten to that IP while the Host header and the TLS SNI
name keep the original host name, so a second DNS answer (DNS rebinding) never
comes into play. Redirects are followed by hand so each target gets the same
checks. The body is streamed with a byte cap and a deadline.

`post` is the same client for sending (webhook deliveries): the same address
checks on every hop, redirects only where they keep the method and body (307,
308), a deadline, and a cap on how much of the answer is read.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass, field

import httpx

ALLOWED_SCHEMES = ("http", "https")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
USER_AGENT = "Colorizer image fetcher (+https://github.com/colorizer)"
WEBHOOK_USER_AGENT = "Colorizer webhooks (+https://github.com/colorizer)"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def gettext_noop(message: str) -> str:
    """Marks a sentence for the site's translation catalogues (makemessages collects calls by
    this name); lib itself stays English and Django-free (docs/languages.md)."""
    return message


_ = gettext_noop
# Sentences with values, named so the site can match them (jobs.image_fetch).
UNRESOLVED = _("%(what)s's host %(host)s could not be resolved.")
TOO_LARGE = _("The image at the URL is larger than the %(limit)s limit.")


class FetchError(Exception):
    """The URL could not be fetched (or posted to); `str()` says why in plain English.

    `message` is the sentence's template and `params` its values, so the site can show
    the sentence in the reader's language (jobs.image_fetch.read_fetch_error)."""

    def __init__(self, message: str, /, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class RefusedUrl(FetchError):
    """The URL is not one we fetch (not http/https, no host, or it or a redirect leads
    to an address we refuse): the caller's input is at fault, not the remote server."""


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int
    timeout: float
    max_redirects: int
    allow_loopback: bool


def fetch(url: str, *, limits: FetchLimits) -> bytes:
    """Return the body at `url` (http/https, public addresses only) or raise FetchError."""
    deadline = time.monotonic() + limits.timeout
    current = _parse_url(url, refusal=RefusedUrl)
    try:
        with httpx.Client(
            # Proxies from the environment would connect on our behalf to whatever
            # the proxy resolves, undoing the address pinning below.
            trust_env=False,
            follow_redirects=False,
            timeout=httpx.Timeout(limits.timeout),
        ) as client:
            for _hop in range(limits.max_redirects + 1):
                outcome = _fetch_hop(client, current, limits, deadline)
                if isinstance(outcome, bytes):
                    return outcome
                current = outcome
    except httpx.TimeoutException as error:
        raise FetchError(_("The image URL took too long to answer.")) from error
    except httpx.HTTPError as error:
        raise FetchError(
            _("The image URL could not be reached: %(error)s"), error=str(error)
        ) from error
    raise FetchError(
        _("The image URL redirected more than %(count)s times; giving up."),
        count=limits.max_redirects,
    )


@dataclass(frozen=True)
class PostLimits:
    timeout: float
    max_redirects: int
    allow_loopback: bool
    # Only this much of an answer is read: a receiver's reply is logged, never used.
    max_response_bytes: int = 64 * 1024


@dataclass(frozen=True)
class PostResult:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def post(url: str, *, content: bytes, headers: dict[str, str], limits: PostLimits) -> PostResult:
    """POST `content` to `url` (http/https, public addresses only) and return the answer,
    whatever its status; raise FetchError when it cannot be sent or times out."""
    deadline = time.monotonic() + limits.timeout
    current = _parse_url(url, refusal=RefusedUrl, what=_("The URL"))
    checks = FetchLimits(
        max_bytes=limits.max_response_bytes,
        timeout=limits.timeout,
        max_redirects=limits.max_redirects,
        allow_loopback=limits.allow_loopback,
    )
    try:
        with httpx.Client(
            trust_env=False, follow_redirects=False, timeout=httpx.Timeout(limits.timeout)
        ) as client:
            for _hop in range(limits.max_redirects + 1):
                address = vet_host(
                    current.host, current.port or _default_port(current), checks, what=_("The URL")
                )
                with client.stream(
                    "POST",
                    current.copy_with(host=str(address)),
                    content=content,
                    headers={
                        **headers,
                        "Host": current.netloc.decode("ascii"),
                        "User-Agent": WEBHOOK_USER_AGENT,
                    },
                    extensions={"sni_hostname": current.host} if current.scheme == "https" else {},
                ) as response:
                    location = response.headers.get("Location")
                    if response.status_code in (307, 308) and location:
                        current = _parse_url(str(current.join(location)), what=_("The URL"))
                        continue
                    body = _read_some(response, limits.max_response_bytes, deadline)
                    return PostResult(response.status_code, body, dict(response.headers))
    except httpx.TimeoutException as error:
        raise FetchError(_("The URL took too long to answer.")) from error
    except httpx.HTTPError as error:
        raise FetchError(_("The URL could not be reached: %(error)s"), error=str(error)) from error
    raise FetchError(_("The URL redirected more than %(count)s times."), count=limits.max_redirects)


def _read_some(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    received = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        received += len(chunk)
        if received >= max_bytes or time.monotonic() > deadline:
            break
    return b"".join(chunks)[:max_bytes]


def _fetch_hop(
    client: httpx.Client, url: httpx.URL, limits: FetchLimits, deadline: float
) -> bytes | httpx.URL:
    """One request: the image bytes, or where a redirect points (vetted on the next hop)."""
    address = vet_host(url.host, url.port or _default_port(url), limits)
    with client.stream(
        "GET",
        url.copy_with(host=str(address)),
        headers={
            "Host": url.netloc.decode("ascii"),
            "User-Agent": USER_AGENT,
            # Images gain nothing from compression, and a compressed body could
            # expand far past the byte cap inside a single chunk.
            "Accept-Encoding": "identity",
        },
        # Certificate checks use the name the user gave, not the pinned IP.
        extensions={"sni_hostname": url.host} if url.scheme == "https" else {},
    ) as response:
        if response.status_code in REDIRECT_STATUSES:
            location = response.headers.get("Location")
            if not location:
                raise FetchError(_("The image URL redirected without saying where to."))
            # A redirect to somewhere we refuse is the URL's fault, like the URL itself.
            return _parse_url(str(url.join(location)), refusal=RefusedUrl)
        if response.status_code != 200:
            raise FetchError(
                _("The image URL answered HTTP %(status)s instead of an image."),
                status=response.status_code,
            )
        return _read_capped(response, limits.max_bytes, deadline)


def vet_host(
    host: str, port: int, limits: FetchLimits, *, what: str = _("The image URL")
) -> IPAddress:
    """Resolve `host` and return an address that is safe to connect to, or raise.

    Every address the name resolves to must be acceptable, not just the first:
    a name that mixes a public and a private answer is refused outright.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(UNRESOLVED, what=what, host=repr(host)) from error
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise FetchError(UNRESOLVED, what=what, host=repr(host))
    for address in addresses:
        reason = refusal_reason(address, allow_loopback=limits.allow_loopback)
        if reason:
            # Name the address only when the URL itself held it: for a host name it
            # would tell an outsider what our internal DNS answers.
            shown = f" ({address})" if _is_ip_literal(host) else ""
            raise RefusedUrl(
                _("%(what)s points to %(reason)s address%(shown)s, which is not allowed."),
                what=what,
                reason=reason,
                shown=shown,
            )
    return addresses[0]


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def refusal_reason(address: IPAddress, *, allow_loopback: bool = False) -> str:
    """Why `address` must not be fetched from ("a private"...), or "" when it may."""
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv6 form can carry an IPv4 target (::ffff:10.0.0.1, 6to4, Teredo);
        # judge the address it really reaches.
        embedded = (
            address.ipv4_mapped
            or address.sixtofour
            or (address.teredo[1] if address.teredo else None)
        )
        if embedded is not None:
            return refusal_reason(embedded, allow_loopback=allow_loopback)
    if address.is_loopback:
        return "" if allow_loopback else _("a loopback")
    if address.is_unspecified:
        return _("an unspecified")
    if address.is_link_local:
        return _("a link-local")
    if address.is_multicast:
        return _("a multicast")
    if address.is_reserved:
        return _("a reserved")
    if address.is_private:
        return _("a private")
    if not address.is_global:
        # Shared (carrier-grade NAT), documentation and benchmarking ranges.
        return _("a non-public")
    return ""


def _parse_url(
    url: str, *, refusal: type[FetchError] = FetchError, what: str = _("The image URL")
) -> httpx.URL:
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise refusal(_("%(what)s is not a valid URL."), what=what) from error
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise refusal(_("%(what)s must start with http:// or https://."), what=what)
    if not parsed.host:
        raise refusal(_("%(what)s has no host name."), what=what)
    return parsed


def check_url(url: str, *, allow_loopback: bool, what: str = _("The URL")) -> None:
    """Raise RefusedUrl (with `what` in the sentence) unless `url` is http(s) with a
    host whose every address is public: the check a URL gets when it is saved."""
    parsed = _parse_url(url, refusal=RefusedUrl, what=what)
    limits = FetchLimits(max_bytes=0, timeout=0, max_redirects=0, allow_loopback=allow_loopback)
    try:
        vet_host(parsed.host, parsed.port or _default_port(parsed), limits, what=what)
    except RefusedUrl:
        raise
    except FetchError as error:
        raise RefusedUrl(error.message, **error.params) from error


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


def _read_capped(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(TOO_LARGE, limit=_limit_words(max_bytes))
    chunks: list[bytes] = []
    received = 0
    try:
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > max_bytes:
                raise FetchError(TOO_LARGE, limit=_limit_words(max_bytes))
            # The per-read timeout alone lets a server drip one byte at a time forever.
            if time.monotonic() > deadline:
                raise FetchError(_("The image URL took too long to download."))
            chunks.append(chunk)
    except httpx.TimeoutException as error:
        raise FetchError(_("The image URL took too long to download.")) from error
    except httpx.HTTPError as error:
        raise FetchError(_("The image download broke off: %(error)s"), error=str(error)) from error
    if not received:
        raise FetchError(_("The image URL returned an empty body."))
    return b"".join(chunks)


def _limit_words(max_bytes: int) -> str:
    if max_bytes >= 1024 * 1024:
        limit = f"{max_bytes / (1024 * 1024):g} MB"
    else:
        limit = f"{max_bytes} bytes"
    return limit
