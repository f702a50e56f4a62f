"""Virtual users for the soak and fault scripts: real HTTP against a running stack.

Each virtual user is a thread with its own httpx client (its own cookies). It signs
up through the pages, makes an API key through the pages, and then loops over a
weighted mix: uploads through the colorize page with htmx polling, both API
dialects (task submit + polling, v1 synchronous), the gallery, downloads (pages
and signed result URLs) and deletes. Concurrency is bounded by the number of users;
each waits for its answer before its next request.

Every request is recorded under its route (`Stats`), with its status and, for
refusals, the words the user read (`Stats.seen`), so a fault run can say what
users saw.
"""

from __future__ import annotations

import io
import itertools
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from traffic_stats import Stats

PASSWORD = "soak-tulip-harbour-7731"
_emails = itertools.count(1)
_run = f"{int(time.time()) % 100000}"


def photo(width: int, height: int, seed: int) -> bytes:
    """A small grey JPEG with shapes, different per seed."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize((width, height))
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        x, y = rng.randrange(width), rng.randrange(height)
        draw.ellipse((x, y, x + width // 4, y + height // 4), fill=rng.randrange(256))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def confirmation_link(email: str, *, wait: float = 10.0) -> str:
    """The path of the verification link mailed to `email`, read from the files the local
    stack's file-based mail backend writes; "" when none came within `wait` seconds."""
    from deploy.local_stack import MAIL_DIR

    folder = MAIL_DIR
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*.log"), key=lambda item: item.stat().st_mtime):
            text = path.read_text(errors="replace")
            if f"To: {email}" in text:
                found = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", text)
                if found:
                    return found.group(1)
        time.sleep(0.2)
    return ""


def _said(response: httpx.Response) -> str:
    """The words a user or program got back with a refusal."""
    kind = response.headers.get("content-type", "")
    if "json" in kind:
        try:
            body = response.json()
        except ValueError:
            return response.text[:160]
        if isinstance(body, dict):
            return str(body.get("error") or body.get("message") or body)[:160]
    found = re.findall(
        r'class="(?:errorlist|error|messages?)[^"]*"[^>]*>(.*?)</', response.text, re.S
    )
    text = " ".join(re.sub(r"<[^>]+>", " ", item) for item in found)
    return " ".join(text.split())[:160] or response.reason_phrase


@dataclass
class Mix:
    """Relative weights of what a virtual user does next."""

    web_upload: int = 4
    task_api: int = 4
    v1_api: int = 2
    gallery: int = 3
    download: int = 3
    delete: int = 1
    account: int = 1
    signup: int = 1
    url_upload: int = 0  # an image URL (faults: one that hangs)
    image_url: str = ""


class VirtualUser:
    def __init__(
        self, site: str, stats: Stats, mix: Mix, seed: int, index: int = 0, timeout: float = 90
    ) -> None:
        self.index = index
        self.site = site
        self.stats = stats
        self.mix = mix
        self.rng = random.Random(seed)
        self.timeout = timeout
        self.client = httpx.Client(base_url=site, timeout=timeout, follow_redirects=False)
        self.key = ""
        self.finished_jobs: list[str] = []

    # --- plumbing ---------------------------------------------------------------

    def request(self, route: str, method: str, url: str, **kwargs) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            self.stats.record(route, time.monotonic() - started, type(error).__name__, str(error))
            return None
        status = response.status_code
        self.stats.record(
            route, time.monotonic() - started, status, _said(response) if status >= 400 else ""
        )
        return response

    def csrf(self) -> str:
        token = self.client.cookies.get("csrftoken")
        if not token:
            self.request("GET /accounts/signup/", "GET", "/accounts/signup/")
            token = self.client.cookies.get("csrftoken", "")
        return token

    def photo(self) -> bytes:
        return photo(
            self.rng.choice([96, 128, 160]),
            self.rng.choice([96, 120]),
            self.rng.random().__hash__(),
        )

    def options(self) -> dict[str, str]:
        # Mostly the cheap path; now and then an add-on, so durations are spread.
        roll = self.rng.random()
        return {
            "model": "large" if roll < 0.15 else "tiny",
            "clean_scratches": "true" if 0.15 <= roll < 0.3 else "false",
        }

    # --- set-up -------------------------------------------------------------------

    def sign_up(self) -> bool:
        self.client.cookies.clear()
        self.key = ""
        email = f"soak{_run}-{next(_emails)}-{self.rng.randrange(10**6)}@example.com"
        response = self.request(
            "POST /accounts/signup/",
            "POST",
            "/accounts/signup/",
            data={
                "email": email,
                "password1": PASSWORD,
                "password2": PASSWORD,
                "csrfmiddlewaretoken": self.csrf(),
            },
        )
        if response is None or response.status_code != 302:
            return False
        # The address is verified by the link mailed to it (as files, by the local stack).
        link = confirmation_link(email)
        if not link:
            return False
        response = self.request(
            "POST /accounts/confirm-email/", "POST", link,
            data={"csrfmiddlewaretoken": self.csrf()},
        )  # fmt: skip
        if response is None or response.status_code != 302:
            return False
        response = self.request(
            "POST /keys/new/", "POST", "/keys/new/",
            data={"name": "soak", "csrfmiddlewaretoken": self.csrf()},
        )  # fmt: skip
        found = re.search(r'data-testid="new-secret">([^<]+)<', response.text if response else "")
        self.key = found.group(1).strip() if found else ""
        self.finished_jobs.clear()
        return bool(self.key)

    # --- actions ------------------------------------------------------------------

    def web_upload(self, url: str = "") -> None:
        data = {**self.options(), "output_format": "jpeg", "csrfmiddlewaretoken": self.csrf()}
        files = None
        if url:
            data["image_url"] = url
        else:
            files = {"image": ("photo.jpg", self.photo(), "image/jpeg")}
        route = "POST /colorize/ (url)" if url else "POST /colorize/"
        response = self.request(route, "POST", "/colorize/", data=data, files=files)
        if response is None or response.status_code != 302:
            return
        location = response.headers["location"]
        if not location.startswith("/jobs/"):
            # Sent to the log-in page: this user's session is gone; sign up again.
            self.key = ""
            return
        self.poll_page(location.rstrip("/").rsplit("/", 1)[-1])

    def poll_page(self, task_id: str, limit: float = 180) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            response = self.request(
                "GET /jobs/{id}/ (htmx poll)", "GET", f"/jobs/{task_id}/",
                headers={"HX-Request": "true"},
            )  # fmt: skip
            if response is not None and response.status_code == 302:
                self.stats.job("web", 0, "signed out while waiting")
                self.key = ""
                return
            if response is not None and response.status_code == 286:
                state = re.search(r'data-state="(-?\d+)"', response.text)
                error = re.search(r'data-testid="job-error">(.*?)<', response.text, re.S)
                code = int(state.group(1)) if state else -99
                self.stats.job("web", code, " ".join(error.group(1).split()) if error else "")
                if code == 1:
                    self.finished_jobs.append(task_id)
                return
            time.sleep(1.0)
        self.stats.job("web", 0, "still running when the user gave up")

    def task_api(self) -> None:
        response = self.request(
            "POST /api/tasks/visual/colorization", "POST", "/api/tasks/visual/colorization",
            headers={"X-API-KEY": self.key},
            data={"format": "png", **self.options()},
            files={"image_file": ("photo.jpg", self.photo(), "image/jpeg")},
        )  # fmt: skip
        if response is None or response.status_code != 200:
            return
        task_id = response.json()["data"]["task_id"]
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            time.sleep(1.0)
            response = self.request(
                "GET /api/tasks/visual/colorization/{id}", "GET",
                f"/api/tasks/visual/colorization/{task_id}", headers={"X-API-KEY": self.key},
            )  # fmt: skip
            if response is None or response.status_code != 200:
                continue
            data = response.json()["data"]
            if data["state"] == 1:
                self.stats.job("task", 1)
                self.finished_jobs.append(task_id)
                self.fetch_signed(data["image"], "GET signed result URL (task)")
                return
            if data["state"] < 0:
                self.stats.job("task", data["state"], response.json().get("message", ""))
                return
        self.stats.job("task", 0, "still running when the program gave up")

    def v1_api(self) -> None:
        response = self.request(
            "POST /api/v1/colorize", "POST", "/api/v1/colorize",
            headers={"X-API-KEY": self.key},
            data={"model": "tiny"},
            files={"image": ("photo.jpg", self.photo(), "image/jpeg")},
        )  # fmt: skip
        if response is not None and response.status_code == 200:
            self.stats.job("v1", 1)
            self.fetch_signed(response.json()["outputUrl"], "GET signed result URL (v1)")
        elif response is not None:
            self.stats.job("v1", -response.status_code, _said(response))

    def fetch_signed(self, url: str, route: str) -> None:
        started = time.monotonic()
        try:
            response = httpx.get(url, timeout=self.timeout)
        except httpx.HTTPError as error:
            self.stats.record(route, time.monotonic() - started, type(error).__name__, str(error))
            return
        self.stats.record(route, time.monotonic() - started, response.status_code)

    def gallery(self) -> None:
        self.request("GET /gallery/", "GET", "/gallery/")

    def download(self) -> None:
        if not self.finished_jobs:
            return self.gallery()
        task_id = self.rng.choice(self.finished_jobs)
        if self.rng.random() < 0.5:
            self.request("GET /jobs/{id}/result", "GET", f"/jobs/{task_id}/result")
        else:
            self.request("GET /jobs/{id}/download/png", "GET", f"/jobs/{task_id}/download/png")

    def delete(self) -> None:
        if not self.finished_jobs:
            return self.gallery()
        task_id = self.finished_jobs.pop(self.rng.randrange(len(self.finished_jobs)))
        self.request(
            "POST /jobs/{id}/delete/", "POST", f"/jobs/{task_id}/delete/",
            data={"csrfmiddlewaretoken": self.csrf()},
        )  # fmt: skip

    def account(self) -> None:
        self.request(
            "GET /api/v1/account", "GET", "/api/v1/account", headers={"X-API-KEY": self.key}
        )

    def url_upload(self) -> None:
        """An image URL through the page or the task dialect (faults: one that hangs)."""
        if self.rng.random() < 0.5:
            return self.web_upload(self.mix.image_url)
        response = self.request(
            "POST /api/tasks/visual/colorization (url)", "POST", "/api/tasks/visual/colorization",
            headers={"X-API-KEY": self.key},
            data={"image_url": self.mix.image_url, "model": "tiny"},
        )  # fmt: skip
        if response is not None and response.status_code != 200:
            self.stats.job("task", -response.status_code, _said(response))

    def step(self) -> None:
        if not self.key:
            if not self.sign_up():
                time.sleep(1.0)  # the site is refusing: do not hammer it
            return
        actions: list[tuple[Callable[[], object], int]] = [
            (self.web_upload, self.mix.web_upload),
            (self.task_api, self.mix.task_api),
            (self.v1_api, self.mix.v1_api),
            (self.gallery, self.mix.gallery),
            (self.download, self.mix.download),
            (self.delete, self.mix.delete),
            (self.account, self.mix.account),
            (self.sign_up, self.mix.signup),
            (self.url_upload, self.mix.url_upload if self.mix.image_url else 0),
        ]
        action = self.rng.choices([a for a, _ in actions], [w for _, w in actions])[0]
        action()

    def run(self, stop: threading.Event) -> None:
        # Signed up and through the first flow of the tour even if the run is short
        # (sign-up hashes a password: seconds on a busy machine), so every user
        # covers its part; `give_up` only guards a site that never answers.
        give_up = time.monotonic() + 180
        while not self.key and time.monotonic() < give_up:
            if not self.sign_up():
                time.sleep(1.0)
        # Each flow once first, so even a short run covers them all; then the mix.
        # Users start at different points of the tour, so a few users cover every
        # flow within their first action or two.
        tour = [self.web_upload, self.task_api, self.v1_api, self.gallery, self.download]
        tour += [self.account, self.delete]
        shift = self.index % len(tour)
        tour = tour[shift:] + tour[:shift]
        first = bool(self.key)
        while first or not stop.is_set():
            first = False
            try:
                tour.pop(0)() if tour else self.step()
            except Exception as error:  # a driver bug must not end the run unseen
                self.stats.record("driver", 0.0, type(error).__name__, str(error))
                time.sleep(0.5)


class Load:
    """`users` virtual users in threads until `stop()`."""

    def __init__(self, site: str, *, users: int, mix: Mix | None = None, seed: int = 1) -> None:
        self.stats = Stats()
        self.stop_event = threading.Event()
        self.users = [
            VirtualUser(site, self.stats, mix or Mix(), seed + i, i) for i in range(users)
        ]
        self.threads = [
            threading.Thread(target=user.run, args=(self.stop_event,), daemon=True)
            for user in self.users
        ]

    def start(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def stop(self, wait: float = 200) -> None:
        self.stop_event.set()
        self.stats.stopped = time.monotonic()
        deadline = time.monotonic() + wait
        for thread in self.threads:
            thread.join(max(0.1, deadline - time.monotonic()))
