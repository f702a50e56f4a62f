"""Requests per second and latency of the API on a live server, next to a trivial view.

    .venv/bin/python bench/api_throughput.py [--clients 8] [--seconds 6] [--database sqlite]

Sets up a throw-away site (a fresh PostgreSQL database on 127.0.0.1:5432, or
SQLite with --database sqlite), migrates it, creates a user with a key and
plenty of credits, and starts a threaded WSGI server on a loopback port in a
second process. Jobs go to the database task backend and no worker runs, so
"create" measures exactly what the API does per request: authenticate, take a
rate-limit token, check the image header, charge, store the input, enqueue.

Measured with the same concurrent httpx clients, in one run:
- trivial: a Django view returning "ok" through the same middleware (baseline);
- create:  POST /api/tasks/visual/colorization (async, a 320x240 JPEG), each
           client with its own account and key;
- status:  GET /api/tasks/visual/colorization/{task_id} of the created tasks;
- create, 1 key: all clients on one account, whose requests queue for its
           wallet's row lock (the price of a balance that cannot go negative).

The machine's cores are shared by the clients, the server and anything else
running, so the ratio to the trivial view holds up better than absolute figures.
Target: create at least half the trivial view's rate.
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BENCH_DB = "colorizer_api_bench"


# --- the server process -----------------------------------------------------------


def serve(port: int) -> None:
    """Run the site plus one trivial view on 127.0.0.1:port until killed."""
    import types

    import django
    from django.conf import settings

    django.setup()
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.http import HttpRequest, HttpResponse
    from django.urls import include, path

    def trivial(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok", content_type="text/plain")

    urls = types.ModuleType("api_bench_urls")
    urls.urlpatterns = [path("bench/trivial", trivial), path("", include(settings.ROOT_URLCONF))]
    sys.modules[urls.__name__] = urls
    settings.ROOT_URLCONF = urls.__name__

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    # runserver's threaded server (a thread per connection, HTTP/1.1 keep-alive).
    server = ThreadedWSGIServer(("127.0.0.1", port), QuietHandler)
    server.set_app(get_wsgi_application())
    server.serve_forever()


# --- setting up -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(kind: str, var_dir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{var_dir / 'bench.sqlite3'}"
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
    return f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"


def drop_database(kind: str) -> None:
    if kind == "sqlite":
        return
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def site_environment(var_dir: Path, db_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "colorizer_site.settings",
        "PYTHONPATH": str(REPO),
        "COLORIZER_VAR_DIR": str(var_dir),
        "DATABASE_URL": db_url,
        # Persistent connections, as a production deployment would configure.
        "DATABASE_CONN_MAX_AGE": "60",
        "COLORIZER_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        # The bucket is still taken on every request, it just never runs dry.
        "COLORIZER_RATE_LIMIT_PER_SECOND": "1000000",
        "COLORIZER_RATE_LIMIT_BURST": "1000000",
        "LOG_LEVEL": "WARNING",
    }


SETUP_SCRIPT = """
from colorizer_site.accounts.models import User
from colorizer_site.credits.services import grant
from colorizer_site.keys.services import create_key
for number in range({accounts}):
    user = User.objects.create_user(email=f"bench{{number}}@example.com", password="bench-pw-1")
    grant(user=user, amount=1_000_000, memo="benchmark")
    print(create_key(user=user, name="bench")[1])
"""


def prepare(env: dict[str, str], accounts: int) -> list[str]:
    """Migrate the fresh database and make `accounts` users with a key each; their keys."""
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run([*manage, "createcachetable"], env=env, check=True)
    done = subprocess.run(
        [*manage, "shell", "-c", SETUP_SCRIPT.format(accounts=accounts)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-accounts:]


def wait_until_up(base_url: str, process: subprocess.Popen) -> None:
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server process exited")
        try:
            httpx.get(f"{base_url}/bench/trivial", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the server did not come up")


def photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.linear_gradient("L").resize((320, 240))
    ImageDraw.Draw(image).ellipse((40, 40, 140, 140), fill=200)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


# --- measuring --------------------------------------------------------------------


def load(
    name: str,
    send: Callable[[object, int], object],
    *,
    base_url: str,
    keys: list[str],
    clients: int,
    seconds: float,
) -> dict[str, float]:
    """Run `clients` threads calling send(client, n) for `seconds`; rate and latencies.

    Client i sends keys[i % len(keys)].
    """
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    counter = iter(range(10**9))

    def worker(number: int) -> None:
        mine: list[float] = []
        headers = {"X-API-KEY": keys[number % len(keys)]}
        with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
            while time.monotonic() < stop:
                started = time.perf_counter()
                response = send(client, next(counter))
                mine.append(time.perf_counter() - started)
                if response.status_code >= 400:
                    errors.append(f"{response.status_code} {response.text[:120]}")
        with lock:
            latencies.extend(mine)

    began = time.monotonic()
    threads = [threading.Thread(target=worker, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    if errors:
        raise SystemExit(f"{name}: {len(errors)} failed requests, e.g. {errors[0]}")
    latencies.sort()
    return {
        "requests": len(latencies),
        "rate": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.serve)
        return

    with tempfile.TemporaryDirectory(prefix="colorizer-api-bench-") as folder:
        var_dir = Path(folder)
        db_url = database_url(options.database, var_dir)
        env = site_environment(var_dir, db_url)
        server = None
        try:
            raw_keys = prepare(env, options.clients)
            port = free_port()
            server = subprocess.Popen(
                [sys.executable, __file__, "--serve", str(port)], env=env, cwd=REPO
            )
            base_url = f"http://127.0.0.1:{port}"
            wait_until_up(base_url, server)
            run_bench(base_url, raw_keys, options)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=10)
            drop_database(options.database)


def run_bench(base_url: str, raw_keys: list[str], options: argparse.Namespace) -> None:
    image = photo()
    created_lock = threading.Lock()
    endpoint = "/api/tasks/visual/colorization"

    def trivial(client: object, n: int) -> object:
        return client.get("/bench/trivial")

    def create(client: object, n: int) -> object:
        return client.post(endpoint, files={"image_file": ("photo.jpg", image, "image/jpeg")})

    def status(client: object, n: int) -> object:
        # Each client polls tasks of its own account (another's would be a 404).
        key = client.headers["X-API-KEY"]
        mine = owned[key]
        return client.get(f"{endpoint}/{mine[n % len(mine)]}")

    owned: dict[str, list[str]] = {}

    def create_owned(client: object, n: int) -> object:
        response = create(client, n)
        if response.status_code == 200:
            with created_lock:
                owned.setdefault(client.headers["X-API-KEY"], []).append(
                    response.json()["data"]["task_id"]
                )
        return response

    shared = {"base_url": base_url, "clients": options.clients, "seconds": options.seconds}
    every_key = {**shared, "keys": raw_keys}
    one_key = {**shared, "keys": raw_keys[:1]}
    load("warm-up", trivial, **{**every_key, "seconds": 1.0})
    load("warm-up", create_owned, **{**every_key, "seconds": 1.0})
    results = {
        "trivial view": load("trivial", trivial, **every_key),
        "create (async)": load("create", create_owned, **every_key),
        "status": load("status", status, **every_key),
        "create, 1 key": load("create", create, **one_key),
    }
    # The trivial view again at the end: drift from other load on the machine shows here.
    after = load("trivial", trivial, **every_key)
    baseline = (results["trivial view"]["rate"] + after["rate"]) / 2

    print(
        f"API throughput, {options.clients} concurrent clients (one account each unless "
        f'"1 key"), {options.seconds:g} s per measurement, {options.database}, '
        "threaded WSGI server on loopback"
    )
    print(f"{'':16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs trivial':>11}")
    for name, figures in results.items():
        ratio = figures["rate"] / baseline
        print(
            f"{name:16} {figures['rate']:8.0f} {figures['p50']:8.1f} {figures['p99']:8.1f} "
            f"{ratio:10.2f}x"
        )
    print(f"{'trivial (again)':16} {after['rate']:8.0f} {after['p50']:8.1f} {after['p99']:8.1f}")
    target = results["create (async)"]["rate"] / baseline
    verdict = "meets" if target >= 0.5 else "misses"
    print(f"create runs at {target:.2f}x the trivial view's rate: {verdict} the 0.5x target")


if __name__ == "__main__":
    main()
