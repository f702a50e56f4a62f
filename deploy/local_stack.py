"""A production-shaped Colorizer on loopback: `make deploy-local` / `make deploy-local-down`.

    python deploy/local_stack.py up      # start (or restart) everything, wait until healthy
    python deploy/local_stack.py down    # stop everything this script started
    python deploy/local_stack.py status  # which processes are alive, and /healthz

What runs (each its own process group, pid and log under var/stack/):
- gunicorn serving the site with several processes (gthread), static files by WhiteNoise;
- two or more `manage.py run_worker` processes (STACK_WORKERS), each under a small
  supervisor loop that restarts it when it dies (as systemd would);
- moto in server mode: a real S3 HTTP API holding the media bucket (django-storages);
- PostgreSQL: the machine's server on 127.0.0.1:5432, database STACK_DATABASE, recreated
  empty by `up` and migrated (the stack is for trying out and load tests, not for keeping data).

Knobs (environment): STACK_WEB_PORT (8131), STACK_S3_PORT (8132), STACK_DATABASE
(colorizer_stack), STACK_PG (postgres://postgres@127.0.0.1:5432), STACK_WEB_PROCESSES (3),
STACK_WORKERS (2), STACK_MEDIA=s3|local (s3), STACK_MEDIA_DIR (local media folder),
STACK_KEEP_DATABASE=1 (do not recreate it). Any COLORIZER_* variable set when `up` runs
overrides the stack's default for it. bench/soak.py, bench/faults.py and
bench/scale_out.py drive the same functions.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STACK_DIR = Path(os.environ.get("STACK_DIR", REPO / "var" / "stack"))
# Mail is written here as files; bench/traffic.py's users read their verification links.
MAIL_DIR = STACK_DIR / "var" / "mail"
LOGS = STACK_DIR / "logs"
PIDS = STACK_DIR / "pids"
PYTHON = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv").exists() else sys.executable
BIN = Path(PYTHON).parent
BUCKET = "colorizer-media"


def _env(name: str, default: str):
    # Read when a Config is made, so scripts can set the environment before that.
    return field(default_factory=lambda: os.environ.get(name, default))


@dataclass(frozen=True)
class Config:
    web_port: str = _env("STACK_WEB_PORT", "8131")
    s3_port: str = _env("STACK_S3_PORT", "8132")
    database: str = _env("STACK_DATABASE", "colorizer_stack")
    postgres: str = _env("STACK_PG", "postgres://postgres@127.0.0.1:5432")
    web_processes: str = _env("STACK_WEB_PROCESSES", "3")
    workers_text: str = _env("STACK_WORKERS", "2")
    media: str = _env("STACK_MEDIA", "s3")
    media_dir: str = _env("STACK_MEDIA_DIR", str(STACK_DIR / "media"))

    @property
    def workers(self) -> int:
        return int(self.workers_text)

    @property
    def site_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def s3_url(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @property
    def database_url(self) -> str:
        return f"{self.postgres}/{self.database}"


def environment(config: Config) -> dict[str, str]:
    """The settings every process of the stack runs with (see docs/operations.md)."""
    secret_file = STACK_DIR / "secret_key"
    if not secret_file.exists():
        STACK_DIR.mkdir(parents=True, exist_ok=True)
        secret_file.write_text(os.urandom(32).hex())
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "colorizer_site.settings",
        "DATABASE_URL": config.database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "SECRET_KEY": secret_file.read_text().strip(),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no TLS terminator in front of this stack.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "COLORIZER_VAR_DIR": str(STACK_DIR / "var"),
        "STATIC_ROOT": str(STACK_DIR / "static"),
        "COLORIZER_SITE_URL": config.site_url,
        "COLORIZER_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        # Two cores shared by web and workers: one ONNX thread per job.
        "COLORIZER_ONNX_THREADS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    defaults = {
        # Faults end within minutes, not the production default of ten.
        "COLORIZER_JOB_TIMEOUT_SECONDS": "120",
        "COLORIZER_HEARTBEAT_SECONDS": "2",
        # Mail as files, where the virtual users of bench/traffic.py find their
        # verification links (sign-up needs a verified address).
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(MAIL_DIR),
    }
    if config.media == "s3":
        defaults.update(
            COLORIZER_S3_BUCKET=BUCKET,
            COLORIZER_S3_ENDPOINT_URL=config.s3_url,
            COLORIZER_S3_REGION="us-east-1",
        )
        env.update(
            AWS_ACCESS_KEY_ID="stack", AWS_SECRET_ACCESS_KEY="stack", AWS_DEFAULT_REGION="us-east-1"
        )
    else:
        env["MEDIA_ROOT"] = config.media_dir
        env.pop("COLORIZER_S3_BUCKET", None)
    for name, value in defaults.items():
        env.setdefault(name, value)
    return env


# --- processes -------------------------------------------------------------------


def _start(name: str, command: list[str], env: dict[str, str]) -> int:
    LOGS.mkdir(parents=True, exist_ok=True)
    PIDS.mkdir(parents=True, exist_ok=True)
    log = (LOGS / f"{name}.log").open("ab")
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    (PIDS / f"{name}.pid").write_text(str(process.pid))
    return process.pid


def running() -> dict[str, int]:
    """Name -> pid of this stack's processes that are still alive."""
    alive = {}
    for pid_file in sorted(PIDS.glob("*.pid")) if PIDS.exists() else []:
        pid = int(pid_file.read_text())
        if _alive(pid):
            alive[pid_file.stem] = pid
    return alive


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie of ours counts as gone.
    with contextlib.suppress(OSError):
        if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            return False
    return True


def stop(name: str, *, sig: int = signal.SIGTERM, grace: float = 40.0) -> None:
    """Stop one process of the stack (its whole group); SIGKILL after `grace` seconds."""
    pid_file = PIDS / f"{name}.pid"
    if not pid_file.exists():
        return
    pid = int(pid_file.read_text())
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
    deadline = time.monotonic() + grace
    while _alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.2)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        while _alive(pid):
            _reap(pid)
            time.sleep(0.1)
    pid_file.unlink(missing_ok=True)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def start_s3(config: Config) -> None:
    _start(
        "s3",
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(config.s3_port)],
        {**os.environ},
    )
    _wait_for(f"{config.s3_url}/moto-api/", "the S3 server (moto)", timeout=60)
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=config.s3_url,
        aws_access_key_id="stack",
        aws_secret_access_key="stack",
        region_name="us-east-1",
    )
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(Bucket=BUCKET)


def start_web(config: Config, env: dict[str, str]) -> None:
    _start(
        "web",
        [
            str(BIN / "gunicorn"),
            "colorizer_site.wsgi",
            "--bind", f"127.0.0.1:{config.web_port}",
            "--workers", str(config.web_processes),
            "--worker-class", "gthread",
            "--threads", "4",
            # Synchronous API calls wait up to COLORIZER_SYNC_WAIT_SECONDS for a job.
            "--timeout", "120",
            "--graceful-timeout", "30",
            # Longer than clients keep idle connections (httpx 5 s, proxies 5-60 s): a
            # server that closes first races the next request into "connection reset".
            "--keep-alive", "75",
            "--access-logfile", str(LOGS / "access.log"),
            "--access-logformat", '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms',
        ],
        env,
    )  # fmt: skip


# Restarts the worker whenever it dies, as systemd's Restart=always or a Procfile runner
# would; SIGTERM to the group stops both (the worker finishing its job first).
_SUPERVISE = (
    # The group's SIGTERM reaches the worker too; the loop only waits for it to finish.
    "trap 'wait \"$child\"; exit 0' TERM; "
    'while true; do "$@" & child=$!; wait "$child"; '
    'echo "supervisor: worker exited with $?, restarting in 1 s"; sleep 1; done'
)


def start_worker(index: int, env: dict[str, str], *, supervised: bool = True) -> int:
    command = [PYTHON, "manage.py", "run_worker", "--reap-every", "5", "--interval", "0.3"]
    if supervised:
        command = ["bash", "-c", _SUPERVISE, "supervise", *command]
    return _start(f"worker-{index}", command, env)


def worker_process(index: int) -> int | None:
    """The pid of the run_worker process itself (under its supervisor), if running."""
    pid = running().get(f"worker-{index}")
    if pid is None:
        return None
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else pid


def _wait_for(url: str, what: str, *, timeout: float, status: int = 200) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == status:
                    return
                last = str(response.status)
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code}"
        except OSError as error:
            last = str(error)
        time.sleep(0.5)
    raise RuntimeError(f"{what} did not come up at {url} within {timeout:.0f} s ({last})")


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def psql(config: Config, sql: str, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", f"{config.postgres}/{database}", "-v", "ON_ERROR_STOP=1", "-Atqc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def recreate_database(config: Config) -> None:
    name = config.database
    psql(config, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(config, f"CREATE DATABASE {name}")


def up(config: Config | None = None) -> Config:
    config = config or Config()
    down()
    env = environment(config)
    if os.environ.get("STACK_KEEP_DATABASE") != "1":
        recreate_database(config)
    if config.media == "s3":
        start_s3(config)
    else:
        Path(config.media_dir).mkdir(parents=True, exist_ok=True)
    # Upgrades run the same three steps before the new code serves (docs/operations.md, "Upgrades").
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    for index in range(config.workers):
        start_worker(index, env)
    start_web(config, env)
    _wait_for(f"{config.site_url}/healthz", "the site with a live worker", timeout=180)
    return config


def down() -> None:
    # Web first (no new jobs), then workers (each finishes its job), then storage.
    names = list(running())
    order = sorted(names, key=lambda name: (not name.startswith("web"), name == "s3", name))
    for name in order:
        stop(name)
    for pid_file in PIDS.glob("*.pid") if PIDS.exists() else []:
        pid_file.unlink()


def health(config: Config) -> dict:
    try:
        with urllib.request.urlopen(f"{config.site_url}/healthz", timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        return json.load(error)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    config = Config()
    if command == "up":
        up(config)
        print(
            f"Colorizer is up at {config.site_url}/ (media: {config.media}, "
            f"database {config.database}, {config.workers} workers)."
        )
        print(f"Logs and pids: {STACK_DIR}. Stop with `make deploy-local-down`.")
    elif command == "down":
        down()
        print("Colorizer's local stack is stopped.")
    elif command == "status":
        for name, pid in running().items():
            print(f"{name:10} pid {pid}")
        if running():
            print(json.dumps(health(config), indent=2))
        else:
            print("nothing running")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
