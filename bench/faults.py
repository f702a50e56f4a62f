"""Faults under load against the production-shaped stack, each followed by the invariants.

    .venv/bin/python bench/faults.py [--only NAME[,NAME]] [--users 4] [--fault-seconds 30]

Brings up deploy/local_stack.py with PostgreSQL reached through bench/latency_proxy.py,
then for each fault: load from bench/traffic.py's virtual users, the fault, its removal,
and without any manual step: time until /healthz is 200 with every worker beating, time
until a new API job succeeds, the queue drained, and `manage.py check_invariants`.

Faults (names for --only; their runbooks are in docs/operations.md):
- worker_killed: every run_worker SIGKILLed mid-job; the supervisor restarts them and the held
  jobs go back to the queue after three silent heartbeats ("held jobs ok after": kill to success).
- database_restart: this stack's database refuses connections and loses every session for 5 s.
- object_store_down: the S3 server (moto) frozen with SIGSTOP for --fault-seconds, then resumed.
- slow_database: 50 ms added to every packet between the stack and PostgreSQL (the proxy).
- hanging_url: uploads by image URL from a server that accepts and never answers.
- disk_full: media on a 16 MB tmpfs filled to the last byte for --fault-seconds (needs root).

Prints, per fault, what users read (statuses, messages, job states) and the figures;
exits 1 when an invariant breaks or the service did not recover on its own.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from soak import SOAK_DEFAULTS, check_invariants, wait_for_drain
from traffic import Load, Mix, Stats, VirtualUser

from deploy import local_stack

HERE = Path(__file__).resolve().parent
DIRECT_PG = os.environ.get("STACK_PG", "postgres://postgres@127.0.0.1:5432")
WEB_PORT = int(os.environ.get("STACK_WEB_PORT", "8131"))
PROXY_PORT = int(os.environ.get("FAULTS_PROXY_PORT", str(WEB_PORT + 3)))
HANG_PORT = int(os.environ.get("FAULTS_HANG_PORT", str(WEB_PORT + 4)))
DELAY_FILE = local_stack.STACK_DIR / "db_delay_ms"
SMALL_DISK = local_stack.STACK_DIR / "media-small"


def direct_psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", f"{DIRECT_PG}/{database}", "-v", "ON_ERROR_STOP=1", "-Atqc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


# --- helpers the faults use --------------------------------------------------------


class HangingServer:
    """Accepts connections on loopback and never answers them."""

    def __init__(self, port: int) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = self.sock.accept()
                self.held.append(connection)

    def close(self) -> None:
        for connection in self.held:
            connection.close()
        self.sock.close()


def start_proxy() -> subprocess.Popen:
    DELAY_FILE.parent.mkdir(parents=True, exist_ok=True)
    DELAY_FILE.write_text("0")
    target = DIRECT_PG.rsplit("@", 1)[-1]
    proxy = subprocess.Popen(
        [
            local_stack.PYTHON,
            str(HERE / "latency_proxy.py"),
            str(PROXY_PORT),
            target,
            str(DELAY_FILE),
        ],
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", PROXY_PORT), 1):
            return proxy
        time.sleep(0.2)
    raise RuntimeError("the database proxy did not start")


def processing_jobs(config: local_stack.Config) -> list[str]:
    return direct_psql(
        "SELECT task_id FROM jobs_colorizationjob WHERE state = 2", config.database
    ).split()


def job_outcome(config: local_stack.Config, task_id: str) -> str:
    query = f"SELECT state||' '||error_message FROM jobs_colorizationjob WHERE task_id='{task_id}'"
    return direct_psql(query, config.database)


def healthy_in(config: local_stack.Config, since: float, timeout: float = 180) -> float | None:
    """Seconds from `since` until /healthz is 200 with every worker alive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            report = local_stack.health(config)
            workers = report.get("workers", {})
            if (
                report.get("status") == "ok"
                and workers.get("alive") == config.workers
                and all(worker["alive"] for worker in workers.get("each", []) if worker["alive"])
            ):
                return time.monotonic() - since
        time.sleep(0.5)
    return None


def succeeded_in(
    config: local_stack.Config, task_ids: list[str], since: float, timeout: float = 240
) -> float | None:
    """Seconds from `since` until every job of `task_ids` has succeeded; None if one fails."""
    deadline = time.monotonic() + timeout
    while task_ids and time.monotonic() < deadline:
        states = [job_outcome(config, task_id).split(" ", 1)[0] for task_id in task_ids]
        if all(state == "1" for state in states):
            return time.monotonic() - since
        if any(state.startswith("-") for state in states):
            return None
        time.sleep(0.5)
    return None


def first_success_in(
    config: local_stack.Config, since: float, timeout: float = 180
) -> float | None:
    """Seconds from `since` until a new user's API job succeeds."""
    user = VirtualUser(config.site_url, Stats(), Mix(), seed=999, timeout=60)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if user.key or user.sign_up():
                user.task_api()
                if user.stats.job_outcomes.get(("task", 1, "")):
                    return time.monotonic() - since
        time.sleep(1.0)
    return None


# --- the faults --------------------------------------------------------------------


def worker_killed(config: local_stack.Config, seconds: float) -> list[str]:
    # A job takes a fraction of a second, so a kill can land just after the one it aimed at
    # finished; try again (after the supervisor's restart) until a job is really held.
    attempts, held = 0, []
    while not held and attempts < 5:
        attempts += 1
        healthy_in(config, time.monotonic())
        deadline = time.monotonic() + 60
        while not (busy := processing_jobs(config)) and time.monotonic() < deadline:
            time.sleep(0.02)
        killed = [pid for n in range(config.workers) if (pid := local_stack.worker_process(n))]
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        held = [task for task in busy if job_outcome(config, task).startswith("2")]
    return [
        f"SIGKILLed run_worker pids {killed} (attempt {attempts}); jobs held by them: {held}",
        f"@orphans {' '.join(held)}",
    ]


def database_restart(config: local_stack.Config, seconds: float) -> list[str]:
    name = config.database
    terminated = 0
    try:
        direct_psql(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        for _ in range(5):
            terminated += len(direct_psql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ).split())  # fmt: skip
            time.sleep(1.0)
    finally:
        direct_psql(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    return [f"{name} refused connections for 5 s; {terminated} sessions terminated"]


def object_store_down(config: local_stack.Config, seconds: float) -> list[str]:
    pid = local_stack.running()["s3"]
    os.killpg(pid, signal.SIGSTOP)
    try:
        time.sleep(seconds)
    finally:
        os.killpg(pid, signal.SIGCONT)
    return [f"moto (pid {pid}) frozen for {seconds:.0f} s"]


def slow_database(config: local_stack.Config, seconds: float) -> list[str]:
    DELAY_FILE.write_text("50")
    try:
        time.sleep(seconds)
    finally:
        DELAY_FILE.write_text("0")
    return [f"+50 ms per packet each way to PostgreSQL for {seconds:.0f} s"]


def hanging_url(config: local_stack.Config, seconds: float) -> list[str]:
    time.sleep(seconds)
    return [f"image URLs pointed at http://127.0.0.1:{HANG_PORT}/photo.jpg, which never answers"]


def disk_full(config: local_stack.Config, seconds: float) -> list[str]:
    free = os.statvfs(SMALL_DISK)
    filler = SMALL_DISK / "filler.bin"
    with filler.open("wb") as handle, contextlib.suppress(OSError):
        chunk = b"\0" * 65536
        for _ in range(free.f_bavail * free.f_frsize // len(chunk) + 2):
            handle.write(chunk)
        handle.flush()
    with contextlib.suppress(OSError), (SMALL_DISK / "filler-tail.bin").open("wb") as handle:
        while True:
            handle.write(b"\0" * 512)
            handle.flush()
    left = os.statvfs(SMALL_DISK)
    try:
        time.sleep(seconds)
    finally:
        filler.unlink(missing_ok=True)
        (SMALL_DISK / "filler-tail.bin").unlink(missing_ok=True)
    return [f"media disk full ({left.f_bavail * left.f_frsize} bytes free) for {seconds:.0f} s"]


FAULTS: dict[str, Callable[[local_stack.Config, float], list[str]]] = {
    "worker_killed": worker_killed,
    "database_restart": database_restart,
    "object_store_down": object_store_down,
    "slow_database": slow_database,
    "hanging_url": hanging_url,
    "disk_full": disk_full,
}


def run_fault(
    name: str, config: local_stack.Config, *, users: int, seconds: float, mix: Mix
) -> dict:
    print(f"\n=== {name} ===", flush=True)
    load = Load(config.site_url, users=users, mix=mix, seed=hash(name) % 1000).start()
    time.sleep(8)
    started = time.monotonic()
    notes = FAULTS[name](config, seconds)
    cleared = time.monotonic()
    orphans = [n for note in notes if note.startswith("@orphans") for n in note.split()[1:]]
    notes = [note for note in notes if not note.startswith("@")]
    held_done = succeeded_in(config, orphans, cleared) if orphans else None
    success = first_success_in(config, cleared)
    healthy = healthy_in(config, cleared)
    time.sleep(5)
    load.stop()
    drained = wait_for_drain(config, timeout=240)
    ok, summary = check_invariants(config)
    for task_id in orphans:
        notes.append(f"killed job {task_id} ended as: {job_outcome(config, task_id)}")
    result = {
        "name": name,
        "fault_seconds": round(cleared - started, 1),
        "healthy_after": healthy,
        "first_success_after": success,
        "held_jobs_after": held_done,
        "requests": load.stats.total(),
        "errors": load.stats.errors(),
        "invariants_ok": ok,
        "drained": drained.get("queue", {}).get("depth") == 0,
    }
    for note in notes:
        print(f"  {note}")
    print(load.stats.table())
    print(load.stats.seen_table(12))
    print("Invariants:\n" + summary)
    print(
        f"recovered: /healthz ok {_secs(healthy)} and a new job succeeded {_secs(success)} "
        "after the fault ended, nobody intervening"
        + (f"; the held jobs succeeded {_secs(held_done)} after it" if orphans else ""),
        flush=True,
    )
    return result


def _secs(value: float | None) -> str:
    return f"{value:.1f} s" if value is not None else "NEVER (gave up)"


@contextlib.contextmanager
def small_disk(size_mb: int = 16):
    SMALL_DISK.mkdir(parents=True, exist_ok=True)
    subprocess.run(["umount", str(SMALL_DISK)], capture_output=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(SMALL_DISK)], check=True
    )
    try:
        yield SMALL_DISK
    finally:
        subprocess.run(["umount", "-l", str(SMALL_DISK)], capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(FAULTS))
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--fault-seconds", type=float, default=30)
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]

    for name, value in {
        **SOAK_DEFAULTS,
        "COLORIZER_JOB_TIMEOUT_SECONDS": "60",
        "COLORIZER_URL_FETCH_ALLOW_LOOPBACK": "1",
    }.items():
        os.environ.setdefault(name, value)
    os.environ["STACK_PG"] = f"postgres://postgres@127.0.0.1:{PROXY_PORT}"
    proxy = start_proxy()
    hang = HangingServer(HANG_PORT)
    results = []
    try:
        # A database left refusing connections by an interrupted run would block everything.
        with contextlib.suppress(subprocess.CalledProcessError):
            direct_psql(f"ALTER DATABASE {local_stack.Config().database} ALLOW_CONNECTIONS true")
        on_s3 = [name for name in chosen if name != "disk_full"]
        if on_s3:
            os.environ["STACK_MEDIA"] = "s3"
            config = local_stack.up(local_stack.Config())
            for name in on_s3:
                mix = (
                    Mix(url_upload=6, image_url=f"http://127.0.0.1:{HANG_PORT}/photo.jpg")
                    if (name == "hanging_url")
                    else Mix()
                )
                results.append(
                    run_fault(name, config, users=args.users, seconds=args.fault_seconds, mix=mix)
                )
        if "disk_full" in chosen:
            if os.geteuid() != 0:
                print("disk_full needs root to mount a small tmpfs; not run")
            else:
                local_stack.down()
                with small_disk() as media:
                    os.environ.update(STACK_MEDIA="local", STACK_MEDIA_DIR=str(media))
                    config = local_stack.up(local_stack.Config())
                    run = run_fault(
                        "disk_full", config, users=args.users, seconds=args.fault_seconds, mix=Mix()
                    )
                    results.append(run)
                    local_stack.down()
    finally:
        local_stack.down()
        hang.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proxy.pid, signal.SIGTERM)
        proxy.wait(timeout=10)

    print("\n=== summary ===")
    print(f"{'fault':18} {'fault s':>7} {'requests':>8} {'errors':>6} {'healthy after':>13} "
          f"{'job ok after':>12} {'held jobs ok after':>18}  invariants")  # fmt: skip
    failed = False
    for r in results:
        print(
            f"{r['name']:18} {r['fault_seconds']:7.1f} {r['requests']:8d} {r['errors']:6d} "
            f"{_secs(r['healthy_after']):>13} {_secs(r['first_success_after']):>12} "
            f"{_secs(r['held_jobs_after']) if r['name'] == 'worker_killed' else '-':>18}  "
            f"{'hold' if r['invariants_ok'] else 'BROKEN'}"
        )
        failed |= not r["invariants_ok"] or r["healthy_after"] is None
        failed |= r["first_success_after"] is None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
